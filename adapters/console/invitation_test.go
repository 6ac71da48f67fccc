package console_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/domain/access"
)

// With Kratos, an invitation's link is accepted by someone signed in with the invited email:
// an admin of another brand joins this one from the link; someone signed in with another
// email is told so; someone not signed in is sent to sign in first.
func TestWithKratosAnInvitationLinkIsAcceptedByTheInvitedEmail(t *testing.T) {
	t.Parallel()
	b := consoletest.SetupKratos(t)
	lotus, north := b.Brand(t, "lotus-tea", "莲花茶饮"), b.Brand(t, "north-peak", "北峰户外")
	b.Member(t, north, "ann@brands.example", access.RoleOwner)
	b.Member(t, north, "bob@brands.example", access.RoleOwner)
	ann, bob := b.SignIn(t, "ann@brands.example"), b.SignIn(t, "bob@brands.example")
	// Ann already has an account, so signing in accepts nothing more: the link does.
	forAnn, err := b.App.Access.Invite(context.Background(), lotus.ID, nil, "ann@brands.example", []access.Role{access.RoleMarketer})
	require.NoError(t, err)
	link := b.URL + "/console/invitations/" + forAnn.Token

	bob.Run(t, browsertest.SetCookie("engage_lang", "en", b.URL), chromedp.Navigate(link), chromedp.Click(chromedp.CSS("[data-test=invitation-accept]")))
	consoletest.Settle(t, bob, `!!document.querySelector("[data-test=invitation-error]")`)
	require.Equal(t, "This invitation is for another email address. Sign in with the invited email, then open the link again. Signed in as: bob@brands.example",
		consoletest.Text(t, bob, "[data-test=invitation-error]"))

	visitor := b.Browser.Incognito(t)
	visitor.Run(t, chromedp.Navigate(link), chromedp.Click(chromedp.CSS("[data-test=invitation-accept]")))
	consoletest.Settle(t, visitor, `!!document.querySelector("[data-test=auth-login]")`)

	ann.Run(t, chromedp.Navigate(link), chromedp.Click(chromedp.CSS("[data-test=invitation-accept]")))
	consoletest.Settle(t, ann, `document.querySelector("[data-test=current-brand]")?.textContent === "莲花茶饮"`)
	ms, err := b.App.Access.Members(context.Background(), lotus.ID)
	require.NoError(t, err)
	var joined []access.Role
	for _, m := range ms {
		if m.Email == "ann@brands.example" {
			joined = m.Roles
		}
	}
	require.Equal(t, []access.Role{access.RoleMarketer}, joined)
}
