package platformui_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/sms/aliyun/aliyuntest"
	"github.com/engagehq/engage/adapters/smtp/mailpittest"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

func TestChannelSettingsSaveSecretsWriteOnlyAndTestConnections(t *testing.T) {
	t.Parallel()
	wx := wechattest.New(t)
	wx.AddApp("wx0123456789abcdef", "real-app-secret-0001")
	sms := aliyuntest.New(t)
	sms.AddAccount("LTAI5tTestKeyId0001", "aliyun-secret-0001")
	sms.AddSign("莲花茶饮", aliyuntest.SignApproved)
	b := consoletest.SetupWith(t, func(c *wire.Config) { c.WeChatAPI, c.AliyunSMSAPI = wx.URL(), sms.URL() })
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	tab := b.SignIn(t, "owner@lotus.example")

	oa := "[data-test=form-wechat_official_account]"
	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/settings/channels"),
		chromedp.SendKeys(chromedp.CSS(oa+" input[name=app_id]"), "not-an-appid"),
		chromedp.SendKeys(chromedp.CSS(oa+" input[name=secret]"), "wrong-secret-0001"),
		chromedp.Click(chromedp.CSS(oa+" button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(oa+" [data-test=error-app_id]")),
	)
	require.Equal(t, "not-an-appid", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(oa+" input[name=app_id]"))), "what was typed stays")
	require.Empty(t, browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(oa+" input[name=secret]"))), "a secret is never sent back")

	// A valid AppID with the wrong secret saves, and the test shows WeChat's refusal.
	tab.Run(t,
		chromedp.SetValue(chromedp.CSS(oa+" input[name=app_id]"), "wx0123456789abcdef"),
		chromedp.SetValue(chromedp.CSS(oa+" input[name=secret]"), "wrong-secret-0001"),
		chromedp.Click(chromedp.CSS(oa+" button[type=submit]")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=result-wechat_official_account]").textContent.includes("Saved")`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=test-wechat_official_account]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("#test-wechat_official_account [data-test=test-error]")`)
	require.Contains(t, consoletest.Text(t, tab, "#test-wechat_official_account"), "wechat 40125")

	// With the right secret the test connects; the page never shows the secret.
	tab.Run(t,
		chromedp.SetValue(chromedp.CSS(oa+" input[name=secret]"), "real-app-secret-0001"),
		chromedp.Click(chromedp.CSS(oa+" button[type=submit]")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=result-wechat_official_account]").textContent.includes("Saved")`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=test-wechat_official_account]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("#test-wechat_official_account [data-test=test-ok]")`)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/settings/channels"), chromedp.WaitVisible(chromedp.CSS(oa)))
	page := consoletest.HTML(t, tab)
	require.NotContains(t, page, "real-app-secret-0001")
	require.Contains(t, page, "••••0001", "the stored secret shows only as a hint")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=result-wechat_official_account]"), "Connected", "the last test is remembered")

	// SMS through Aliyun: signed request, approved signature.
	form := "[data-test=form-sms]"
	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS(form+" input[name=access_key_id]"), "LTAI5tTestKeyId0001"),
		chromedp.SendKeys(chromedp.CSS(form+" input[name=secret]"), "aliyun-secret-0001"),
		chromedp.SendKeys(chromedp.CSS(form+" input[name=sign_name]"), "莲花茶饮"),
		chromedp.SendKeys(chromedp.CSS(form+" input[name=region]"), "cn-hangzhou"),
		chromedp.Click(chromedp.CSS(form+" button[type=submit]")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=result-sms]").textContent.includes("Saved")`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=test-sms]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("#test-sms [data-test=test-ok]")`)

	// Every save is audited, without the secrets.
	trail, err := b.App.Audit.List(context.Background(), tn.ID, ports.AuditFilter{Action: "channel.save"}, ports.Page{Limit: 50})
	require.NoError(t, err)
	require.Len(t, trail, 3)
	secrets, err := b.App.Audit.List(context.Background(), tn.ID, ports.AuditFilter{Action: "secret.set"}, ports.Page{Limit: 50})
	require.NoError(t, err)
	require.Len(t, secrets, 3)
	for _, r := range secrets {
		require.NotContains(t, string(r.After), "secret-0001")
	}
}

func TestSMTPChannelIsTestedAgainstARealMailServer(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: "brand-mailer", Password: "smtp-pass-0001", TLS: "starttls"})
	b := consoletest.SetupWith(t, func(c *wire.Config) { c.SMTPTLS = mp.TLSConfig() })
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	tab := b.SignIn(t, "owner@lotus.example")

	form := "[data-test=form-smtp]"
	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/settings/channels"),
		chromedp.SetValue(chromedp.CSS(form+" input[name=host]"), mp.SMTPHost()),
		chromedp.SetValue(chromedp.CSS(form+" input[name=port]"), strconv.Itoa(mp.SMTPPort())),
		chromedp.SetValue(chromedp.CSS(form+" select[name=tls]"), "starttls"),
		chromedp.SetValue(chromedp.CSS(form+" input[name=username]"), "brand-mailer"),
		chromedp.SetValue(chromedp.CSS(form+" input[name=secret]"), "wrong-password"),
		chromedp.SetValue(chromedp.CSS(form+" input[name=from]"), "会员中心 <members@lotus.example>"),
		chromedp.Click(chromedp.CSS(form+" button[type=submit]")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=result-smtp]").textContent.includes("Saved")`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=test-smtp]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("#test-smtp [data-test=test-error]")`)
	refusal := consoletest.Text(t, tab, "#test-smtp")
	require.Contains(t, refusal, "Authentication rejected", "the server's refusal of the login, in a person's words")
	require.Contains(t, refusal, "smtp 535")
	require.NotContains(t, refusal, "credentials invalid", "never the server's own words")
	require.NotContains(t, refusal, mp.SMTPHost(), "nor its address")

	tab.Run(t,
		chromedp.SetValue(chromedp.CSS(form+" input[name=secret]"), "smtp-pass-0001"),
		chromedp.Click(chromedp.CSS(form+" button[type=submit]")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=result-smtp]").textContent.includes("Saved")`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=test-smtp]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("#test-smtp [data-test=test-ok]")`)

	// The last test is shown to those who may change the settings, not to analysts, who may
	// only read them.
	tab.Run(t,
		chromedp.SetValue(chromedp.CSS(form+" input[name=port]"), strconv.Itoa(closedPort(t))),
		chromedp.Click(chromedp.CSS(form+" button[type=submit]")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=result-smtp]").textContent.includes("Saved")`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=test-smtp]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("#test-smtp [data-test=test-error]")`)
	require.Contains(t, consoletest.Text(t, tab, "#test-smtp"), "Connection refused by the server")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/settings/channels"), chromedp.WaitVisible(chromedp.CSS(form)))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=result-smtp]"), "Connection refused by the server", "remembered")

	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	analyst := b.SignIn(t, "analyst@lotus.example")
	analyst.Run(t, chromedp.Navigate(b.URL+"/console/settings/channels"), chromedp.WaitVisible(chromedp.CSS(form)))
	require.Equal(t, mp.SMTPHost(), browsertest.Get(t, analyst, chromedp.Value(chromedp.CSS(form+" input[name=host]"))), "analysts read the settings")
	require.Empty(t, strings.TrimSpace(browsertest.Get(t, analyst, chromedp.Evaluate[string](
		`document.querySelector("[data-test=result-smtp]").textContent`))), "but not the last test")
	require.NotContains(t, consoletest.HTML(t, analyst), "Connection refused")
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}
