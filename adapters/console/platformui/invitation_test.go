package platformui_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/smtp/mailpittest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// invite fills the team page's form with email and one role and waits for the invitation's
// panel; it returns the link the panel shows.
func invite(t *testing.T, tab *browsertest.Tab, email, role string) string {
	t.Helper()
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelectorAll("[data-test=invite] input[name=roles]").forEach(c => c.checked = false); true`))
	tab.Run(t,
		chromedp.SetValue(chromedp.CSS("[data-test=invite] input[name=email]"), email),
		chromedp.Click(chromedp.CSS(`[data-test=invite] input[value="`+role+`"]`)),
		chromedp.Click(chromedp.CSS("[data-test=invite] button")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=invited]") && document.querySelector("[data-test=invite-link]").value.includes("/console/invitations/")`)
	return browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=invite-link]").value`))
}

// A brand without a mail server invites anyway: the page says no email was sent and shows the
// link to copy and when it expires, in the brand's zone; the invitee opens it, sees who invites
// them as what, accepts, and lands in the brand's console as a member. The spent link then says
// so, in the reader's language.
func TestInvitingWithoutAMailServerShowsTheLinkWhichSignsTheInviteeIn(t *testing.T) {
	t.Parallel()
	b, tn, owner := consoletest.SetupOwner(t)
	owner.Run(t, browsertest.SetCookie("engage_lang", "zh-CN", b.URL), chromedp.Navigate(b.URL+"/console/team"),
		chromedp.WaitVisible(chromedp.CSS("[data-test=invite]")))
	link := invite(t, owner, "New.Hire@Lotus.example", "analyst")
	require.True(t, strings.HasPrefix(link, b.URL+"/console/invitations/"), link)
	require.Contains(t, consoletest.Text(t, owner, "[data-test=mail-not-sent]"), "未发送邮件")
	require.Contains(t, consoletest.Text(t, owner, "[data-test=invited]"), "new.hire@lotus.example")
	inv, err := b.App.Access.Invitations(t.Context(), tn.ID)
	require.NoError(t, err)
	require.Len(t, inv, 1)
	require.Equal(t, inv[0].ExpiresAt.In(mustZone(t, "Asia/Shanghai")).Format("2006-01-02 15:04"),
		consoletest.Text(t, owner, "[data-test=invite-expires]"), "the expiry in the brand's zone")
	owner.Run(t, chromedp.Click(chromedp.CSS("[data-test=copy-link]")))
	consoletest.WaitFor(t, owner, `document.querySelector("[data-test=copy-link]").hasAttribute("data-done")`)
	require.Equal(t, "已复制", consoletest.Text(t, owner, "[data-test=copy-link]"))
	owner.Screenshot(t, "invited-no-mail-zh")
	owner.Run(t, chromedp.EmulateViewport(390, 900))
	owner.Screenshot(t, "invited-no-mail-zh-390")
	bad := browsertest.Get(t, owner, chromedp.Evaluate[[]string](overflows))
	require.Empty(t, bad, strings.Join(bad, "\n"))
	consoletest.NoJSErrors(t, owner)

	invitee := b.Browser.Incognito(t)
	invitee.Run(t, browsertest.SetCookie("engage_lang", "zh-CN", b.URL), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("[data-test=invitation-accept]")))
	require.Equal(t, "莲花茶饮", consoletest.Text(t, invitee, "[data-test=invitation-brand]"))
	require.Equal(t, "new.hire@lotus.example", consoletest.Text(t, invitee, "[data-test=invitation-email]"))
	// The role by the name every page gives it (the roles page's), the zone by its name.
	require.Equal(t, "数据分析师", consoletest.Text(t, invitee, "[data-test=invitation-roles]"))
	require.Equal(t, inv[0].ExpiresAt.In(mustZone(t, "Asia/Shanghai")).Format("2006-01-02 15:04")+" 中国大陆（北京时间）",
		consoletest.Text(t, invitee, "[data-test=invitation-expires]"))
	invitee.Screenshot(t, "invitation-zh")
	en := b.Browser.Incognito(t)
	en.Run(t, browsertest.SetCookie("engage_lang", "en", b.URL), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("[data-test=invitation-accept]")))
	require.Equal(t, "Analyst", consoletest.Text(t, en, "[data-test=invitation-roles]"))
	require.Equal(t, inv[0].ExpiresAt.In(mustZone(t, "Asia/Shanghai")).Format("2006-01-02 15:04")+" Mainland China (Beijing time)",
		consoletest.Text(t, en, "[data-test=invitation-expires]"))
	en.Screenshot(t, "invitation-en")
	invitee.Run(t, chromedp.Click(chromedp.CSS("[data-test=invitation-accept]")))
	consoletest.Settle(t, invitee, `!!document.querySelector("[data-test=current-brand]")`)
	require.Equal(t, "莲花茶饮", consoletest.Text(t, invitee, "[data-test=current-brand]"))
	require.Equal(t, "/console/", consoletest.Location(t, invitee))
	members, err := b.App.Access.Members(t.Context(), tn.ID)
	require.NoError(t, err)
	var roles []access.Role
	for _, m := range members {
		if m.Email == "new.hire@lotus.example" {
			roles = m.Roles
		}
	}
	require.Equal(t, []access.Role{access.RoleAnalyst}, roles)
	consoletest.NoJSErrors(t, invitee)

	again := b.Browser.Incognito(t)
	again.Run(t, browsertest.SetCookie("engage_lang", "zh-CN", b.URL), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("[data-test=invitation-error]")))
	require.Equal(t, "这份邀请已被接受。请直接登录。", consoletest.Text(t, again, "[data-test=invitation-error]"))
	resp := b.Get(t, strings.TrimPrefix(link, b.URL), "")
	resp.Body.Close()
	require.Equal(t, http.StatusGone, resp.StatusCode)
}

// Inviting the same email again replaces the earlier invitation: its link stops working, with
// a message in the reader's language, the list shows it replaced, and the new link works.
func TestReinvitingAnEmailReplacesTheEarlierInvitation(t *testing.T) {
	t.Parallel()
	b, _, owner := consoletest.SetupOwner(t)
	owner.Run(t, browsertest.SetCookie("engage_lang", "en", b.URL), chromedp.Navigate(b.URL+"/console/team"),
		chromedp.WaitVisible(chromedp.CSS("[data-test=invite]")))
	first := invite(t, owner, "buyer@lotus.example", "marketer")
	require.Contains(t, consoletest.Text(t, owner, "[data-test=mail-not-sent]"), "No email was sent")
	// The list's "New link" invites the same email with the same roles again.
	owner.Run(t, chromedp.Click(chromedp.CSS(`[data-test=invitation-row][data-status=pending] [data-test=new-link] button`)))
	consoletest.WaitFor(t, owner, `document.querySelector("[data-test=replaced]") !== null`)
	second := browsertest.Get(t, owner, chromedp.Evaluate[string](`document.querySelector("[data-test=invite-link]").value`))
	require.NotEqual(t, first, second)
	statuses := browsertest.Get(t, owner, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("[data-test=invitation-row]"), r => r.dataset.status + " " + r.querySelector("[data-test=invitation-status]").innerText)`))
	require.ElementsMatch(t, []string{"pending Pending", "replaced Replaced by a newer invitation"}, statuses)
	owner.Screenshot(t, "reinvited-en")
	consoletest.NoJSErrors(t, owner)

	for lang, want := range map[string]string{
		"en":    "This invitation link no longer works: a newer invitation was sent to the same email. Use the latest link.",
		"zh-CN": "这个邀请链接已失效：同一邮箱收到了更新的邀请，请使用最新的链接。",
	} {
		tab := b.Browser.Incognito(t)
		tab.Run(t, browsertest.SetCookie("engage_lang", lang, b.URL), chromedp.Navigate(first),
			chromedp.WaitVisible(chromedp.CSS("[data-test=invitation-error]")))
		require.Equal(t, want, consoletest.Text(t, tab, "[data-test=invitation-error]"))
		require.Zero(t, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=invitation-accept]").length`)))
		tab.Screenshot(t, "replaced-link-"+lang)
	}
	tab := b.Browser.Incognito(t)
	tab.Run(t, chromedp.Navigate(second), chromedp.WaitVisible(chromedp.CSS("[data-test=invitation-accept]")))

}

// With the brand's own mail server, the invitation is mailed: the page says to whom, and the
// email carries the link.
func TestInvitingWithAMailServerSaysTheEmailWasSent(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{})
	b := consoletest.SetupWith(t, func(*wire.Config) {})
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	require.NoError(t, b.App.Channels.Save(t.Context(), tn.ID, ports.ChannelSMTP, mp.Account("team@lotus.example"), ""))
	owner := b.SignIn(t, "owner@lotus.example")
	owner.Run(t, browsertest.SetCookie("engage_lang", "zh-CN", b.URL), chromedp.Navigate(b.URL+"/console/team"), chromedp.WaitVisible(chromedp.CSS("[data-test=invite]")))
	link := invite(t, owner, "mailed@lotus.example", "marketer")
	require.Equal(t, "邀请邮件已发送至 mailed@lotus.example", consoletest.Text(t, owner, "[data-test=mail-sent]"))
	owner.Screenshot(t, "invited-mailed-zh")
	msgs := mp.Messages(t)
	require.Len(t, msgs, 1)
	require.Equal(t, "mailed@lotus.example", msgs[0].To[0].Address)
	require.Contains(t, mp.Message(t, msgs[0].ID).Text, link)
}

// A brand without a mail server of its own gets its invitations mailed through the platform's,
// when the operator configured one (ENGAGE_SMTP_URL).
func TestInvitingThroughThePlatformsMailServer(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{})
	b := consoletest.SetupWith(t, func(c *wire.Config) {
		c.PlatformMail = &ports.MailServer{Account: mp.Account("noreply@engage.example")}
	})
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	owner := b.SignIn(t, "owner@lotus.example")
	owner.Run(t, browsertest.SetCookie("engage_lang", "en", b.URL), chromedp.Navigate(b.URL+"/console/team"),
		chromedp.WaitVisible(chromedp.CSS("[data-test=invite]")))
	link := invite(t, owner, "viaplatform@lotus.example", "marketer")
	require.Equal(t, "The invitation email was sent to viaplatform@lotus.example", consoletest.Text(t, owner, "[data-test=mail-sent]"))
	owner.Screenshot(t, "invited-platform-mail-en")
	msgs := mp.Messages(t)
	require.Len(t, msgs, 1)
	require.Equal(t, "noreply@engage.example", msgs[0].From.Address)
	require.Contains(t, mp.Message(t, msgs[0].ID).Text, link)
}
