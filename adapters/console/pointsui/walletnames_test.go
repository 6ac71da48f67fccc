package pointsui_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/program"
)

// A wallet the brand adds is named in both languages on the settings, and every page that
// shows it says its name, not its key: the customer's points, the earning rules, the reports'
// pickers and the summary's export. A name too long is refused beside its input.
func TestAWalletIsShownByTheNameTheBrandGaveIt(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()

	form := "[data-test=points-settings]"
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/settings"), chromedp.WaitVisible(chromedp.CSS(form)))
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=points-settings]").noValidate = true`))
	tab.Run(t, setValue("[data-test=new-wallet-key]", "coffee"), setValue("[data-test=label-zh-2]", "咖啡豆"),
		setValue("[data-test=label-en-2]", strings.Repeat("Coffee beans ", 4)),
		chromedp.Click(chromedp.CSS("[data-test=save-settings]")), chromedp.WaitVisible(chromedp.CSS("[data-test=error-label-en-2]")))
	require.Equal(t, "At most 40 characters, no spaces around.", consoletest.Text(t, tab, "[data-test=error-label-en-2]"))
	tab.Run(t, setValue("[data-test=label-en-2]", "Coffee beans"), chromedp.Click(chromedp.CSS("[data-test=save-settings]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=settings-flash]")))
	stored, err := svc.Settings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, program.Label{ZH: "咖啡豆", EN: "Coffee beans"}, stored.Wallets[2].Label)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=wallet-row-coffee] legend"), "Coffee beans")

	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	_, err = svc.Adjust(ctx, tn.ID, points.Adjustment{Customer: c.ID, Wallet: "coffee", Points: 50, ReasonCode: "goodwill"})
	require.NoError(t, err)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-points]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=customer-points]"), "Coffee beans")
	require.NotContains(t, consoletest.Text(t, tab, "[data-test=customer-points]"), "coffee")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rules"), chromedp.WaitVisible(chromedp.CSS("[data-test=rules-current]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=rules-current]"), "Coffee beans")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/reports/custom"), chromedp.WaitVisible(chromedp.CSS("[data-test=custom-wallet]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=custom-wallet]"), "Coffee beans")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=custom-wallet]")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=custom-wallet]"), "咖啡豆")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-points]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=customer-points]"), "咖啡豆")
	tab.Screenshot(t, "points-wallet-label-zh-CN")
	csv := b.Get(t, "/console/points/reports/export?format=csv&wallet=coffee", b.SessionCookie(t, "owner@lotus.example"))
	defer csv.Body.Close()
	raw, err := io.ReadAll(csv.Body)
	require.NoError(t, err)
	require.Contains(t, string(raw), ",咖啡豆,", "the summary's export names the wallet too")
	consoletest.NoNetworkErrorsBut422(t, tab)
}
