package customersui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// segmentShop gives lotus-tea three customers: 王 and 李 in Shanghai, 王 with two purchases
// this week, and 张 in Beijing.
func segmentShop(t *testing.T, b *consoletest.Bundle, tn tenants.Tenant) {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for _, c := range []struct{ name, city string }{{"王小明", "上海"}, {"李华", "上海"}, {"张伟", "北京"}} {
		created, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr(c.name), City: ptr(c.city)})
		require.NoError(t, err)
		ids[c.name] = created.ID.String()
	}
	amount := int64(3000)
	var drafts []event.Draft
	for i := range 2 {
		drafts = append(drafts, event.Draft{ID: fmt.Sprintf("p%d", i), CustomerID: ids["王小明"], Type: event.TypePurchase, Channel: "pos",
			OccurredAt: time.Now().AddDate(0, 0, -i-1), AmountFen: &amount, Items: []event.Item{{SKU: "tea", Quantity: 1}}})
	}
	res, err := b.App.Events.IngestBatch(ctx, tn.ID, drafts)
	require.NoError(t, err)
	for _, r := range res {
		require.Equal(t, "accepted", string(r.Status))
	}
}

// setRow sets the inputs of builder row i (field, op, value, days) and fires the events a
// person's typing would.
func setRow(t *testing.T, tab *browsertest.Tab, i int, field, op, value, days string) {
	t.Helper()
	js := fmt.Sprintf(`(() => {
		const row = document.querySelectorAll("[data-test=condition]")[%d];
		const set = (sel, v) => { const el = row.querySelector(sel); el.value = v; el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true})); };
		set("[data-test=field]", %q); set("[data-test=op]", %q); set("[data-test=days]", %q); set("[data-test=value]", %q);
		return true;
	})()`, i, field, op, days, value)
	require.True(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](js)))
}

func countIs(t *testing.T, tab *browsertest.Tab, want string) {
	t.Helper()
	consoletest.WaitFor(t, tab, fmt.Sprintf(`(document.querySelector("[data-test=segment-count]")?.textContent || "").trim() === %q`, want))
}

func TestSegmentBuilderCountsAsYouEditPreviewsAndSaves(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	segmentShop(t, b, tn)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/segments"), chromedp.WaitVisible(chromedp.CSS("[data-test=no-segments]")))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=new-segment]")), chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
	countIs(t, tab, "0") // city equals nothing

	setRow(t, tab, 0, "city", "=", "上海", "")
	countIs(t, tab, "2")

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=add-condition]")))
	consoletest.WaitFor(t, tab, `document.querySelectorAll("[data-test=condition]").length === 2`)
	setRow(t, tab, 1, "purchases", ">=", "2", "30")
	countIs(t, tab, "1")

	// A wrong value shows what is wrong instead of a count.
	setRow(t, tab, 1, "purchases", ">=", "two", "30")
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=count-error]")`)
	setRow(t, tab, 1, "purchases", ">=", "2", "30")
	countIs(t, tab, "1")

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=preview]")))
	consoletest.WaitFor(t, tab, `document.querySelectorAll("[data-test=preview-row]").length === 1`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=preview-row]"), "王小明")

	tab.Run(t, chromedp.SendKeys(chromedp.CSS("[data-test=segment-name]"), "上海常客"), chromedp.Click(chromedp.CSS("[data-test=save-segment]")))
	consoletest.Settle(t, tab, `location.pathname !== "/console/segments/new" && !!document.querySelector("[data-test=member-count]")`)
	require.Equal(t, "上海常客", consoletest.Text(t, tab, "h1"))
	require.Equal(t, 2, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=condition]").length`)),
		"the saved segment opens with its conditions")
	countIs(t, tab, "1")

	segs, err := b.App.Segments.List(context.Background(), tn.ID, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, segs, 1)
	var tree map[string]any
	require.NoError(t, json.Unmarshal(segs[0].Definition, &tree))
	require.Len(t, tree["and"], 2)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/segments"), chromedp.WaitVisible(chromedp.CSS("[data-test=segment-row]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=segment-row]"), "上海常客")
	consoletest.NoNetworkErrorsBut422(t, tab)
}

func TestTagRulesPageAddsARuleAndRefusesABadOne(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	segmentShop(t, b, tn)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/tag-rules"), chromedp.WaitVisible(chromedp.CSS("[data-test=no-rules]")))
	tab.Run(t, chromedp.SendKeys(chromedp.CSS("[data-test=rule-tag]"), "常客"))
	setRow(t, tab, 0, "purchases", ">=", "lots", "30")
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=save-rule]")), chromedp.WaitVisible(chromedp.CSS("[data-test=condition-error]")))
	setRow(t, tab, 0, "purchases", ">=", "2", "30")
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=save-rule]")), chromedp.WaitVisible(chromedp.CSS("[data-test=rule-row]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=rule-row]"), "常客")
	rules, err := b.App.Segments.Rules(context.Background(), tn.ID)
	require.NoError(t, err)
	require.Len(t, rules, 1)
	require.True(t, rules[0].Enabled)
}

func TestCustomerExportIsForThoseAllowed(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	b.Member(t, tn, "staff@lotus.example", access.RoleStoreStaff)
	segmentShop(t, b, tn)

	staff := b.SignIn(t, "staff@lotus.example")
	staff.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.False(t, browsertest.Get(t, staff, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=export-customers]")`)))

	analyst := b.SignIn(t, "analyst@lotus.example")
	analyst.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=export-customers]")))
	// The browser holds the session cookie; fetch the export through it and read the CSV.
	csv := browsertest.Get(t, analyst, chromedp.Evaluate[string](`(async () => {
		const r = await fetch("/console/customers/export.csv?city=" + encodeURIComponent("上海"));
		const bom = new Uint8Array(await r.clone().arrayBuffer()).slice(0, 3).join(",");
		return r.status + " " + bom + "\n" + await r.text();
	})()`, chromedp.EvalAwaitPromise))
	require.True(t, strings.HasPrefix(csv, "200 239,187,191\nid,"), "UTF-8 with a byte-order mark: %s", csv)
	require.Len(t, strings.Split(strings.TrimSpace(csv), "\n"), 4, "status, header and the two customers in Shanghai")

	resp, err := http.Get(b.URL + "/console/customers/export.csv")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NotContains(t, string(body), "王小明", "no session, no export")
}
