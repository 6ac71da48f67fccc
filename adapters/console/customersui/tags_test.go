package customersui_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
)

func TestTagsAreAddedAndRemovedOnTheCustomerView(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "staff@lotus.example", access.RoleStoreStaff)
	c, err := b.App.Customers.Create(context.Background(), tn.ID, customers.Patch{Name: ptr("王小明")})
	require.NoError(t, err)
	tab := b.SignIn(t, "staff@lotus.example")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=add-tag] input[name=tag]")))
	consoletest.Quiet(t, tab)
	require.Equal(t, "new", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=stage]").dataset.stage`)))

	form := "[data-test=add-tag]"
	long := strings.Repeat("茶", 41)
	tab.Run(t, chromedp.SendKeys(chromedp.CSS(form+" input[name=tag]"), long), chromedp.Click(chromedp.CSS(form+" button")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=error-tag]")`)
	require.Equal(t, long, browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(form+" input[name=tag]"))), "the refused tag is kept to fix")

	tab.Run(t, chromedp.SetValue(chromedp.CSS(form+" input[name=tag]"), " VIP "), chromedp.Click(chromedp.CSS(form+" button")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=tag][data-tag=VIP]") && !document.querySelector("[data-test=error-tag]")`)
	tab.Run(t, chromedp.SetValue(chromedp.CSS(form+" input[name=tag]"), "常客"), chromedp.Click(chromedp.CSS(form+" button")))
	consoletest.WaitFor(t, tab, `document.querySelectorAll("[data-test=tag]").length === 2`)
	tags, err := b.App.Tags.Of(context.Background(), tn.ID, c.ID)
	require.NoError(t, err)
	require.Len(t, tags, 2)

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=tag][data-tag=VIP] [data-test=remove-tag]")))
	consoletest.WaitFor(t, tab, `document.querySelectorAll("[data-test=tag]").length === 1`)
	tags, err = b.App.Tags.Of(context.Background(), tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, "常客", tags[0].Tag)
	consoletest.NoNetworkErrorsBut422(t, tab)
}

func TestTheFilteredCustomerListIsTaggedInBulkAndTagsLeadBackToIt(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "marketer@lotus.example", access.RoleMarketer)
	for _, p := range []customers.Patch{{Name: ptr("王小明"), City: ptr("上海")}, {Name: ptr("李华"), City: ptr("上海")}, {Name: ptr("张伟"), City: ptr("杭州")}} {
		_, err := b.App.Customers.Create(context.Background(), tn.ID, p)
		require.NoError(t, err)
	}
	tab := b.SignIn(t, "marketer@lotus.example")
	rows := `document.querySelectorAll("[data-test=customer-row]").length`

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=customer-search] input[name=city]"), "上海"),
		chromedp.Click(chromedp.CSS("[data-test=customer-search] button")))
	consoletest.WaitFor(t, tab, rows+` === 2`)

	bulk := "[data-test=bulk-tag]"
	tab.Run(t, chromedp.Click(chromedp.CSS(bulk+" button")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=bulk-error]")`)
	tab.Run(t, chromedp.SendKeys(chromedp.CSS(bulk+" input[name=bulk_tag]"), "沪上会员"), chromedp.Click(chromedp.CSS(bulk+" button")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=bulk-done]")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=bulk-done]"), "2")

	tab.Run(t, chromedp.Click(chromedp.CSS(`[data-nav=tags]`)))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=tag-row]")`)
	require.Equal(t, "2", consoletest.Text(t, tab, "[data-test=tag-count]"))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=tag-row] a")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=customer-row]")`)
	require.Equal(t, 2, browsertest.Get(t, tab, chromedp.Evaluate[int](rows)))
	require.Equal(t, "沪上会员", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=customer-search] input[name=tag]"))))

	// Untag the tag's list in bulk; the stage filter narrows the list too.
	tab.Run(t, chromedp.SendKeys(chromedp.CSS(bulk+" input[name=bulk_tag]"), "沪上会员"), chromedp.SetValue(chromedp.CSS(bulk+" select[name=action]"), "remove"),
		chromedp.Click(chromedp.CSS(bulk+" button")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=bulk-done]")`)
	counts, err := b.App.Tags.Counts(context.Background(), tn.ID)
	require.NoError(t, err)
	require.Empty(t, counts)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers?lifecycle=lapsed"), chromedp.WaitVisible(chromedp.CSS("[data-test=no-customers]")))
	consoletest.NoNetworkErrorsBut422(t, tab)
}

func TestLifecycleRulesAreChangedBesideTheStageDistribution(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	_, err := b.App.Customers.Create(context.Background(), tn.ID, customers.Patch{Name: ptr("王小明")})
	require.NoError(t, err)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/"), chromedp.Click(chromedp.CSS("[data-nav=lifecycle]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=stage-count]")`)
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=stage-count][data-stage=new] .big"))
	require.Equal(t, "0", consoletest.Text(t, tab, "[data-test=stage-count][data-stage=lapsed] .big"))

	form := "[data-test=lifecycle-settings]"
	tab.Run(t, chromedp.SetValue(chromedp.CSS(form+" input[name=at_risk_days]"), "200"), chromedp.Click(chromedp.CSS(form+" button")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=error-at_risk_days]")`)
	s, err := b.App.Lifecycle.Settings(context.Background(), tn.ID)
	require.NoError(t, err)
	require.Equal(t, lifecycle.Defaults, s, "refused rules change nothing")

	tab.Run(t, chromedp.SetValue(chromedp.CSS(form+" input[name=at_risk_days]"), "60"),
		chromedp.SetValue(chromedp.CSS(form+" input[name=lapsed_days]"), "120"), chromedp.Click(chromedp.CSS(form+" button")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=lifecycle-saved]")`)
	s, err = b.App.Lifecycle.Settings(context.Background(), tn.ID)
	require.NoError(t, err)
	require.Equal(t, lifecycle.Settings{NewDays: 30, AtRiskDays: 60, LapsedDays: 120, WonBackDays: 30}, s)
	records, err := b.App.Audit.List(context.Background(), tn.ID, ports.AuditFilter{Action: "lifecycle_settings.set"}, ports.Page{Limit: 5})
	require.NoError(t, err)
	require.Len(t, records, 1)

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=stage-count][data-stage=new]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=customer-row]")`)
	require.Equal(t, "/console/customers?lifecycle=new", consoletest.Location(t, tab))
	consoletest.NoNetworkErrorsBut422(t, tab)
}

func TestTagsAndLifecyclePagesFollowPermissions(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	b.Member(t, tn, "auditor@lotus.example", access.RoleAuditor)
	c, err := b.App.Customers.Create(context.Background(), tn.ID, customers.Patch{Name: ptr("王小明")})
	require.NoError(t, err)
	_, err = b.App.Tags.Add(context.Background(), tn.ID, c.ID, []string{"VIP"})
	require.NoError(t, err)

	body := func(path, cookie string) (int, string) {
		resp := b.Get(t, path, cookie)
		defer resp.Body.Close()
		raw := new(strings.Builder)
		_, err := io.Copy(raw, resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, raw.String()
	}
	analyst := b.SessionCookie(t, "analyst@lotus.example")
	status, page := body("/console/tags", analyst)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, page, `data-test="tag-row"`)
	status, card := body("/console/customers/"+c.ID.String()+"/tags", analyst)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, card, `data-tag="VIP"`)
	require.NotContains(t, card, `data-test="add-tag"`, "analysts read tags but do not change them")
	require.NotContains(t, card, `data-test="remove-tag"`)
	_, list := body("/console/customers", analyst)
	require.NotContains(t, list, `data-test="bulk-tag"`)
	_, rules := body("/console/lifecycle", analyst)
	require.Contains(t, rules, `data-test="stage-count"`)
	require.Contains(t, rules, `disabled`, "rules are settings: analysts see them, cannot change them")
	require.NotContains(t, rules, `type="submit">`)

	auditor := b.SessionCookie(t, "auditor@lotus.example")
	_, home := body("/console/", auditor)
	require.NotContains(t, home, `data-nav="tags"`)
	require.NotContains(t, home, `data-nav="lifecycle"`)
	for _, p := range []string{"/console/tags", "/console/lifecycle", "/console/customers/" + c.ID.String() + "/tags"} {
		status, _ := body(p, auditor)
		require.Equal(t, http.StatusForbidden, status, p)
	}
}
