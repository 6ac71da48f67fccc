package platformui_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/domain/access"
)

func TestInviteATeammateThenChangeRolesAndSeeItAudited(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	b.Member(t, tn, "staff@lotus.example", access.RoleMarketer)
	tab := b.SignIn(t, "owner@lotus.example")

	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/team"),
		chromedp.SendKeys(chromedp.CSS("[data-test=invite] input[name=email]"), "New.Hire@Lotus.example"),
		chromedp.Click(chromedp.CSS(`[data-test=invite] input[value="analyst"]`)),
		chromedp.Click(chromedp.CSS("[data-test=invite] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=invitation-row]")),
	)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=invitation-row]"), "new.hire@lotus.example")

	row := `[data-test=member-row][data-email="staff@lotus.example"]`
	tab.Run(t,
		chromedp.SetValue(chromedp.CSS(row+" select[name=roles]"), "analyst"),
		chromedp.Click(chromedp.CSS(row+" [data-test=change-roles] button")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector('`+row+` [data-test=member-roles]').textContent.trim() === "Analyst"`)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/audit"), chromedp.WaitVisible(chromedp.CSS("[data-test=audit-row]")))
	actions := browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("[data-test=audit-action]")).map(e => e.textContent.trim())`))
	require.Contains(t, actions, "Invited a member")
	require.Contains(t, actions, "Changed a member's roles")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/audit?action=membership.update"), chromedp.Click(chromedp.CSS("[data-test=audit-row] a")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=diff]")))
	diff := consoletest.Text(t, tab, "[data-test=diff]")
	require.Contains(t, diff, "marketer")
	require.Contains(t, diff, "analyst")
	consoletest.NoJSErrors(t, tab)
}

func TestMarketerCannotReachTeamSettingsByMenuOrURL(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "marketer@lotus.example", access.RoleMarketer)
	tab := b.SignIn(t, "marketer@lotus.example")

	nav := browsertest.Get(t, tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("nav a")).map(a => a.getAttribute("href"))`))
	require.NotContains(t, nav, "/console/team")
	require.NotContains(t, nav, "/console/api-keys")
	require.NotContains(t, nav, "/console/audit")

	for _, path := range []string{"/console/team", "/console/api-keys", "/console/audit", "/console/roles"} {
		tab.Run(t, chromedp.Navigate(b.URL+path), chromedp.WaitVisible(chromedp.CSS("[data-test=error]")))
		require.Equal(t, "Your role does not allow this page.", consoletest.Text(t, tab, "[data-test=error]"), path)
	}
}
