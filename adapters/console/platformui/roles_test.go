package platformui_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
)

// TestRolesShowNamedPermissionsGroupedByArea: the roles page names roles and permissions in
// the admin's language, groups the editor's checkboxes by area (the points module's among
// them, named by the module that has no pages), and a role defined with them shows what it
// grants by name; no permission code is visible in either language.
func TestRolesShowNamedPermissionsGroupedByArea(t *testing.T) {
	t.Parallel()
	b, _, tab := consoletest.SetupOwner(t)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/roles"), chromedp.WaitVisible(chromedp.CSS("[data-test=role-form]")))
	require.Equal(t, "Marketer", consoletest.Text(t, tab, `[data-test=role-row][data-role=marketer] [data-test=role-name]`))
	areas := browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("[data-test=perm-area] legend")).map(e => e.textContent.trim())`))
	require.Subset(t, areas, []string{"Brand", "Customers", "Webhooks", "Settings", "Team", "Points"})
	points := browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("[data-test=perm-area][data-area=points] [data-test=perm-name]")).map(e => e.textContent.trim())`))
	require.Equal(t, []string{"View points", "Earn and redeem points", "Adjust points", "Manage the reward catalog", "Review receipts",
		"Approve points adjustments"}, points, "the points module's permissions, each by its name")
	require.Contains(t, consoletest.Text(t, tab, `[data-test=role-row][data-role=marketer] [data-test=role-grants]`), "View customers, Manage customers")
	body := consoletest.Text(t, tab, "main")
	require.NotContains(t, body, "tenant:read")
	require.NotContains(t, body, "points:adjust")
	tab.Screenshot(t, "roles-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN"`)
	tab.Run(t, chromedp.WaitVisible(chromedp.CSS("[data-test=role-form]")))
	require.Equal(t, "营销人员", consoletest.Text(t, tab, `[data-test=role-row][data-role=marketer] [data-test=role-name]`))
	require.Equal(t, "积分", consoletest.Text(t, tab, `[data-test=perm-area][data-area=points] legend`))
	require.Equal(t, "会员", consoletest.Text(t, tab, `[data-test=perm-area][data-area=customers] legend`))

	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS("[data-test=role-form] input[name=name]"), "store_manager"),
		chromedp.Click(chromedp.CSS(`[data-test=role-form] input[value="customers:read"]`)),
		chromedp.Click(chromedp.CSS(`[data-test=role-form] input[value="points:adjust"]`)),
		chromedp.Click(chromedp.CSS("[data-test=role-form] button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(`[data-test=role-row][data-role=store_manager]`)),
	)
	grants := consoletest.Text(t, tab, `[data-test=role-row][data-role=store_manager] [data-test=role-grants]`)
	require.Contains(t, consoletest.Text(t, tab, `[data-test=role-row][data-role=marketer] [data-test=role-grants]`), "查看会员、管理会员")
	require.Contains(t, grants, "查看会员")
	require.Contains(t, grants, "手动调整积分")
	body = consoletest.Text(t, tab, "main")
	for _, code := range []string{"tenant:read", "customers:read", "points:adjust", "loyalty_operator"} {
		require.NotContains(t, body, code)
	}
	tab.Screenshot(t, "roles-zh")
	consoletest.NoJSErrors(t, tab)
}
