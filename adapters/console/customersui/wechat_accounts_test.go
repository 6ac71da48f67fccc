package customersui_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

const (
	consoleMiniApp     = "wx0123456789abcdef"
	consoleOfficialApp = "wxfedcba9876543210"
	consoleAppSecret   = "console-app-secret-0001"
)

func TestOwnerReauthorisesDisconnectsAndLinksWeChatAccounts(t *testing.T) {
	t.Parallel()
	wx := wechattest.New(t)
	wx.AddApp(consoleMiniApp, consoleAppSecret)
	b := consoletest.SetupWith(t, func(c *wire.Config) { c.WeChatAPI = wx.URL() })
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	ctx := context.Background()
	require.NoError(t, b.App.Channels.Save(ctx, tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: consoleMiniApp}, consoleAppSecret))
	login, err := b.App.CustomerAuth.Login(ctx, tn.ID, wx.IssueCode(consoleMiniApp, "o-mp-1", "u-1"))
	require.NoError(t, err)
	tab := b.SignIn(t, "owner@lotus.example")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+login.CustomerID.String()),
		chromedp.WaitVisible(chromedp.CSS("[data-test=wechat-account][data-openid=o-mp-1]")))
	consoletest.Quiet(t, tab)
	require.Equal(t, "Active", consoletest.Text(t, tab, "[data-test=wechat-status]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=wechat-accounts]"), "u-1", "the UnionID is shown")
	consoletest.AcceptConfirms(t, tab)

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=reauthorize]")))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=wechat-flash]")`)
	require.Equal(t, "Re-authorisation required", consoletest.Text(t, tab, "[data-test=wechat-status]"))
	_, err = b.App.CustomerAuth.Authenticate(ctx, login.Token)
	require.ErrorIs(t, err, customerauth.ErrTokenRevoked, "the member's token stopped")

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=disconnect]")))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=wechat-none]")`)
	require.Equal(t, "Disconnected.", consoletest.Text(t, tab, "[data-test=wechat-flash]"))
	links, err := b.App.WeChatAccounts.List(ctx, tn.ID, login.CustomerID)
	require.NoError(t, err)
	require.Empty(t, links)

	// The WeChat user logs in again and gets a new profile; the owner maps the login back.
	stray, err := b.App.CustomerAuth.Login(ctx, tn.ID, wx.IssueCode(consoleMiniApp, "o-mp-1", ""))
	require.NoError(t, err)
	require.NotEqual(t, login.CustomerID, stray.CustomerID)
	form := "[data-test=wechat-link]"
	tab.Run(t, chromedp.SendKeys(chromedp.CSS(form+" input[name=open_id]"), "o-nobody"), chromedp.Click(chromedp.CSS(form+" button")))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=error-open_id]")`)
	require.Equal(t, "No such WeChat account.", consoletest.Text(t, tab, "[data-test=error-open_id]"))
	tab.Run(t, chromedp.SetValue(chromedp.CSS(form+" input[name=open_id]"), "o-mp-1"), chromedp.Click(chromedp.CSS(form+" button")))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=wechat-account][data-openid=o-mp-1]")`)
	links, err = b.App.WeChatAccounts.List(ctx, tn.ID, login.CustomerID)
	require.NoError(t, err)
	require.Len(t, links, 1, "the login is this member's again")
}

func TestAnalystsSeeWeChatAccountsButNoButtons(t *testing.T) {
	t.Parallel()
	wx := wechattest.New(t)
	wx.AddApp(consoleMiniApp, consoleAppSecret)
	b := consoletest.SetupWith(t, func(c *wire.Config) { c.WeChatAPI = wx.URL() })
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	ctx := context.Background()
	require.NoError(t, b.App.Channels.Save(ctx, tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: consoleMiniApp}, consoleAppSecret))
	login, err := b.App.CustomerAuth.Login(ctx, tn.ID, wx.IssueCode(consoleMiniApp, "o-mp-1", ""))
	require.NoError(t, err)
	tab := b.SignIn(t, "analyst@lotus.example")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+login.CustomerID.String()),
		chromedp.WaitVisible(chromedp.CSS("[data-test=wechat-account]")))
	page := consoletest.HTML(t, tab)
	require.NotContains(t, page, `data-test="disconnect"`)
	require.NotContains(t, page, `data-test="wechat-link"`)
}

func TestOwnerImportsFanTagsFromTheChannelsPage(t *testing.T) {
	t.Parallel()
	wx := wechattest.New(t)
	wx.AddApp(consoleOfficialApp, consoleAppSecret)
	b := consoletest.SetupWith(t, func(c *wire.Config) { c.WeChatAPI = wx.URL() })
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	tab := b.SignIn(t, "owner@lotus.example")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/settings/channels"), chromedp.WaitVisible(chromedp.CSS("[data-test=import-fan-tags]")))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=import-fan-tags]")))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=fan-tags-error]")`)
	require.Equal(t, "Set up the Official Account first.", consoletest.Text(t, tab, "[data-test=fan-tags-error]"))

	require.NoError(t, b.App.Channels.Save(context.Background(), tn.ID, ports.ChannelWeChatOfficialAccount,
		channels.WeChatApp{AppID: consoleOfficialApp}, consoleAppSecret))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=import-fan-tags]")))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=fan-tags-flash]")`)
	require.Equal(t, "Queued", consoletest.Text(t, tab, "[data-test=import-status]"))
	recent, err := b.App.WeChatAccounts.RecentFanTagImports(context.Background(), tn.ID, 5)
	require.NoError(t, err)
	require.Len(t, recent, 1)
}
