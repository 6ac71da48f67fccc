package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/domain/access"
)

func TestSignInSwitchBrandAndBothLanguages(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	lotus := b.Brand(t, "lotus-tea", "莲花茶饮")
	peak := b.Brand(t, "north-peak", "North Peak")
	b.Member(t, lotus, "owner@brands.example", access.RoleOwner)
	b.Member(t, peak, "owner@brands.example", access.RoleAdmin)

	tab := b.SignIn(t, "owner@brands.example")
	require.Equal(t, "/console/", consoletest.Location(t, tab))
	first := consoletest.Text(t, tab, "[data-test=current-brand]")
	require.Contains(t, []string{"莲花茶饮", "North Peak"}, first)
	require.Equal(t, "Team", consoletest.Text(t, tab, "[data-nav=team]"), "the console follows the browser's language (en-US here)")
	consoletest.WaitFor(t, tab, `document.querySelector("[data-chart]").getAttribute("data-drawn") === "true"`)

	other := map[string]string{"莲花茶饮": "north-peak", "North Peak": "lotus-tea"}[first]
	// In one script run, like text: a node looked up first can be gone by the time it is used
	// while the page settles.
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.getElementById("brand-switch").value = "`+other+`"; document.querySelector("form.switcher").submit(); true`))
	consoletest.Settle(t, tab, `document.querySelector("[data-test=current-brand]")?.textContent !== "`+first+`"`)

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN"`)
	require.Equal(t, "团队", consoletest.Text(t, tab, "[data-nav=team]"))
	require.Equal(t, "API 密钥", consoletest.Text(t, tab, "[data-nav=api-keys]"))
	require.Equal(t, "概览", consoletest.Text(t, tab, "main h1"))
	require.Contains(t, consoletest.HTML(t, tab), `lang="zh-CN"`)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/team"), chromedp.WaitVisible(chromedp.CSS("[data-test=invite]")))
	require.Equal(t, "邀请成员", consoletest.Text(t, tab, "[data-test=invite] h2"), "the choice holds on every page")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="en"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "en" && !!document.querySelector("[data-test=invite]")`)
	require.Equal(t, "Invite a teammate", consoletest.Text(t, tab, "[data-test=invite] h2"))
	consoletest.NoJSErrors(t, tab)
}

func TestExpiredSessionReturnsToSignInThenToThePage(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	tab := b.Browser.Incognito(t)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/audit?action=tenant.create"), chromedp.WaitVisible(chromedp.CSS("h2")))
	require.True(t, strings.HasPrefix(consoletest.Location(t, tab), "/console/login?return_to="), consoletest.Location(t, tab))
	require.Contains(t, consoletest.HTML(t, tab), "engage admin login-link")

	// A link made elsewhere (the CLI) brings the admin back where they were.
	tab.Run(t, chromedp.Navigate(b.Link(t, "owner@lotus.example")), chromedp.WaitVisible(chromedp.CSS("[data-test=audit-row]")))
	require.Equal(t, "/console/audit?action=tenant.create", consoletest.Location(t, tab))

	// Signing out ends the session: the next page asks to sign in again.
	tab.Run(t, chromedp.Click(chromedp.CSS(`form[action="/console/logout"] button`)))
	consoletest.Settle(t, tab, `location.pathname === "/console/login"`)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/team"), chromedp.WaitVisible(chromedp.CSS("h2")))
	require.True(t, strings.HasPrefix(consoletest.Location(t, tab), "/console/login"), consoletest.Location(t, tab))

	replay := b.Browser.Incognito(t)
	link := b.Link(t, "owner@lotus.example")
	replay.Run(t, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("[data-test=current-brand]")))
	replay2 := b.Browser.Incognito(t)
	replay2.Run(t, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("[data-test=login-error]")))
	require.NotEmpty(t, consoletest.Text(t, replay2, "[data-test=login-error]"), "a link works once")
}
