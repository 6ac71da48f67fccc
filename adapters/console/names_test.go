package console_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

// goErrorFragments are what a Go error or an internal address looks like on a page.
var goErrorFragments = []string{": no such host", "dial tcp", "sql:", "pq:", "SQLSTATE", "context deadline exceeded",
	"connection refused", "<nil>", "%!", "map[", "unknown permission", "runtime error", "template error", "127.0.0.1:"}

// englishWords are words of the console's English that a Chinese page must not show.
var englishWords = []string{"Save", "Delete", "Edit", "Cancel", "Filter", "Customer", "Customers", "Segment", "Role", "Roles",
	"Permissions", "Status", "Created", "Updated", "Action", "Target", "Actor", "Points", "Owner", "Marketer", "View", "Manage",
	"Member", "Members", "Time", "Name", "Description", "Unknown", "Error", "Failed"}

// showsCode reports whether text holds code as a word of its own: "customer.update" is not
// in the webhook type "customer.updated", which integrators subscribe to by its name.
func showsCode(text, code string) bool {
	return regexp.MustCompile(`(^|[^a-z0-9_.:])` + regexp.QuoteMeta(code) + `($|[^a-z0-9_])`).MatchString(text)
}

// TestMainPagesInChineseShowNamesNotCodes renders the console's main pages in en and zh-CN, as a
// brand's CRM manager sees them, with data on each (a customer with consents and a custom
// event whose fields have labels, a segment, a custom role, an API key's changes, a job's), and
// fails on any permission, role, audit action, consent or event-type code, and on any Go
// error fragment, in the visible text, and in zh-CN on words of the console's English.
func TestMainPagesInChineseShowNamesNotCodes(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()

	key, err := b.App.APIKeys.Create(ctx, tn.ID, []access.Role{access.RoleOwner}, "POS 收银台", access.RoleAdmin)
	require.NoError(t, err)
	byKey := ports.WithActor(ctx, ports.Actor{Kind: ports.ActorAPIKey, ID: key.Key.ID.String(), Label: key.Token[:12]})
	name, city := "林小满", "上海"
	c, err := b.App.Customers.Create(byKey, tn.ID, customers.Patch{Name: &name, City: &city,
		Consents: map[string]bool{"marketing_sms": true, "data_analysis": false}})
	require.NoError(t, err)
	renamed := "林小满（VIP）"
	_, err = b.App.Customers.Update(byKey, tn.ID, c.ID, customers.Patch{Name: &renamed})
	require.NoError(t, err)
	_, err = b.App.Events.SaveEventType(ctx, tn.ID, event.CustomType{Key: "tasting", Label: "品鉴会", Fields: []event.CustomField{
		{Key: "tea", Label: "茶品", Type: "enum", EnumValues: []string{"oolong", "pu_erh"}, Required: true},
		{Key: "cups", Label: "杯数", Type: "integer", Required: true},
	}})
	require.NoError(t, err)
	amount := int64(12800)
	res, err := b.App.Events.IngestBatch(byKey, tn.ID, []event.Draft{
		{ID: "order-1", CustomerID: c.ID.String(), Type: event.TypePurchase, Channel: "pos", AmountFen: &amount, OccurredAt: time.Now().Add(-time.Hour),
			Items: []event.Item{{SKU: "oolong-250g", Quantity: 1}}},
		{ID: "tasting-1", CustomerID: c.ID.String(), Type: "custom:tasting", Channel: "pos", OccurredAt: time.Now().Add(-time.Minute),
			Payload: map[string]any{"tea": "oolong", "cups": float64(2)}},
	})
	require.NoError(t, err)
	for _, r := range res {
		require.Empty(t, r.Errors, "the arranged events are valid")
	}
	segs := module.Get[*segments.Service](b.App.Kernel)
	seg, err := segs.Create(ports.WithActor(ctx, ports.JobActor("lifecycle_recompute")), tn.ID,
		segments.Draft{Name: "上海会员", Tree: map[string]any{"field": "city", "op": "=", "value": "上海"}})
	require.NoError(t, err)
	_, err = b.App.Access.SaveRole(ctx, tn.ID, []access.Role{access.RoleOwner}, "store_manager", "店长", []string{"customers:read", "points:adjust"})
	require.NoError(t, err)
	b.Member(t, tn, "ops@lotus.example", access.RoleLoyaltyOperator)

	codes := []string{"customer.update", "customer.create", "segment.create", "api_key.create", "tenant.create", "role.save",
		"membership.add", "lifecycle_recompute", "loyalty_operator", "store_staff", "custom:tasting", "marketing_sms",
		"data_analysis", "cups:", "tea:", "standard", key.Token[:12]}
	for _, p := range access.Permissions() {
		codes = append(codes, string(p))
	}
	for _, k := range customer.Consents {
		codes = append(codes, k)
	}

	// The event types page is where a brand defines the codes its systems send: it shows them,
	// beside their names; the API keys page tells keys apart by their prefixes.
	pages := []struct{ path, ready, shows string }{
		{"/console/", "main", ""},
		{"/console/customers", "main", ""},
		{"/console/customers/" + c.ID.String(), "[data-test=timeline-item]", ""},
		{"/console/tags", "main", ""},
		{"/console/lifecycle", "main", ""},
		{"/console/segments", "main", ""},
		{"/console/segments/" + seg.ID.String(), "main", ""},
		{"/console/tag-rules", "main", ""},
		{"/console/settings/event-types", "main", "custom:tasting"},
		{"/console/team", "main", ""},
		{"/console/roles", "[data-test=role-form]", ""},
		{"/console/api-keys", "main", key.Token[:12]},
		{"/console/audit", "[data-test=audit-row]", ""},
		{"/console/settings/channels", "main", ""},
		{"/console/webhooks", "main", ""},
		{"/console/settings/brand", "main", ""},
		{"/console/customers/import", "main", ""},
	}
	for _, lang := range []string{"en", "zh-CN"} {
		if browsertest.Get(t, tab, chromedp.Evaluate[string](`document.documentElement.lang`)) != lang {
			tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="`+lang+`"]`)))
			consoletest.Settle(t, tab, `document.documentElement.lang === "`+lang+`"`)
		}
		for _, p := range pages {
			tab.Run(t, chromedp.Navigate(b.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
			consoletest.Quiet(t, tab)
			require.Equal(t, lang, browsertest.Get(t, tab, chromedp.Evaluate[string](`document.documentElement.lang`)), p.path)
			text := browsertest.Get(t, tab, chromedp.Evaluate[string](`document.body.innerText`))
			for _, code := range codes {
				if code == p.shows {
					continue
				}
				require.Falsef(t, showsCode(text, code), "%s in %s shows the code %q:\n%s", p.path, lang, code, text)
			}
			for _, f := range goErrorFragments {
				require.NotContainsf(t, text, f, "%s in %s shows a Go error fragment %q", p.path, lang, f)
			}
			if lang == "zh-CN" {
				for _, w := range englishWords {
					require.Falsef(t, showsCode(text, w), "%s in zh-CN shows the English %q:\n%s", p.path, w, text)
				}
			}
			tab.Screenshot(t, lang+strings.ReplaceAll(strings.TrimPrefix(p.path, "/console"), "/", "-"))
		}
	}
	// What the page must show instead, on the customer's page.
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=timeline-item]")))
	consents := consoletest.Text(t, tab, "[data-test=consents]")
	require.Contains(t, consents, "短信营销")
	require.Contains(t, consents, "数据分析")
	timeline := consoletest.Text(t, tab, "[data-test=timeline]")
	require.Contains(t, timeline, "品鉴会")
	require.Contains(t, timeline, "茶品")
	require.Contains(t, timeline, "杯数")
	require.Contains(t, timeline, fmt.Sprint("门店 POS"))
	consoletest.NoJSErrors(t, tab)
}
