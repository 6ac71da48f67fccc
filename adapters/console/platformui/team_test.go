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
	// The change names the roles, as the team page does, not their codes.
	require.Equal(t, "Marketer", consoletest.Text(t, tab, "[data-test=change][data-key=roles] [data-test=change-before]"))
	require.Equal(t, "Analyst", consoletest.Text(t, tab, "[data-test=change][data-key=roles] [data-test=change-after]"))
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

// The team page's pickers offer the brand's own roles beside the built-in ones, by their
// names: inviting with one, its link and the member list name it, and a member can be given it.
func TestTeamPickersOfferTheBrandsCustomRoles(t *testing.T) {
	t.Parallel()
	b, tn, owner := consoletest.SetupOwner(t)
	b.Member(t, tn, "staff@lotus.example", access.RoleMarketer)
	_, err := b.App.Access.SaveRole(t.Context(), tn.ID, []access.Role{access.RoleOwner}, "store_manager", "店长：查看会员，调整积分", []string{"customers:read"})
	require.NoError(t, err)

	for _, lang := range []string{"zh-CN", "en"} {
		owner.Run(t, browsertest.SetCookie("engage_lang", lang, b.URL), chromedp.Navigate(b.URL+"/console/team"),
			chromedp.WaitVisible(chromedp.CSS("[data-test=invite]")))
		offered := browsertest.Get(t, owner, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("[data-test=invite] input[name=roles]"), c => c.value + "=" + c.parentElement.textContent.trim().replace(/\s+/g, " "))`))
		picked := browsertest.Get(t, owner, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('[data-test=member-row][data-email="staff@lotus.example"] select[name=roles] option'), o => o.value + "=" + o.textContent.trim())`))
		analyst, custom := "analyst=数据分析师", "store_manager=store_manager 店长：查看会员，调整积分"
		if lang == "en" {
			analyst = "analyst=Analyst"
		}
		require.Contains(t, offered, analyst, lang)
		require.Contains(t, offered, custom, lang)
		require.Contains(t, picked, "store_manager=store_manager", lang)
		require.Equal(t, "marketer", browsertest.Get(t, owner, chromedp.Evaluate[string](
			`document.querySelector('[data-test=member-row][data-email="staff@lotus.example"] select[name=roles]').value`)), "the member's role is the one chosen")
		owner.Screenshot(t, "team-custom-roles-"+lang)
	}

	link := invite(t, owner, "manager@lotus.example", "store_manager")
	require.Contains(t, consoletest.Text(t, owner, `[data-test=invitation-row][data-email="manager@lotus.example"]`), "store_manager")
	invitee := b.Browser.Incognito(t)
	invitee.Run(t, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("[data-test=invitation-accept]")))
	require.Equal(t, "store_manager", consoletest.Text(t, invitee, "[data-test=invitation-roles]"))

	row := `[data-test=member-row][data-email="staff@lotus.example"]`
	owner.Run(t,
		chromedp.SetValue(chromedp.CSS(row+" select[name=roles]"), "store_manager"),
		chromedp.Click(chromedp.CSS(row+" [data-test=change-roles] button")),
	)
	consoletest.WaitFor(t, owner, `document.querySelector('`+row+` [data-test=member-roles]').textContent.trim() === "store_manager"`)
	members, err := b.App.Access.Members(t.Context(), tn.ID)
	require.NoError(t, err)
	for _, m := range members {
		if m.Email == "staff@lotus.example" {
			require.Equal(t, []access.Role{access.MustParseRole("store_manager")}, m.Roles)
		}
	}
	consoletest.NoJSErrors(t, owner)
}
