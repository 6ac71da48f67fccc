package pointsui_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/points/receipts"
)

// A brand sets its receipt checks in the console: how old a receipt may be, the amounts in
// yuan, automatic approval up to an amount, and its stores as receipts print them. A value out
// of range is refused beside its input and nothing changes.
func TestTheReceiptRulesAreSetInYuan(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*receiptsapp.Service](b.App.Kernel)
	ctx := context.Background()

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/receipts"), chromedp.WaitVisible(chromedp.CSS("[data-test=receipt-settings-link]")),
		chromedp.Click(chromedp.CSS("[data-test=receipt-settings-link]")), chromedp.WaitVisible(chromedp.CSS("[data-test=receipt-settings]")))
	require.Equal(t, "50000", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=max-amount]"))), "the defaults in yuan")
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=receipt-settings]").noValidate = true`))
	tab.Run(t,
		setValue("[data-test=max-age-days]", "400"),
		setValue("[data-test=min-amount]", "10"), setValue("[data-test=max-amount]", "2000"),
		chromedp.Click(chromedp.CSS("[data-test=auto-approve]")), setValue("[data-test=auto-approve-max]", "500.5"),
		setValue("[data-test=store-code-0]", "SH-001"), setValue("[data-test=store-name-0]", "静"),
		chromedp.Click(chromedp.CSS("[data-test=save-receipt-settings]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-max_age_days]")))
	require.Equal(t, "Enter between 1 and 366 days.", consoletest.Text(t, tab, "[data-test=error-max_age_days]"))
	require.Equal(t, "Give a name of 2 to 100 characters that no other store has.", consoletest.Text(t, tab, "[data-test=error-store-name]"))
	stored, err := svc.Settings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, receipts.Defaults(), stored, "nothing changed")

	tab.Run(t, setValue("[data-test=max-age-days]", "3"), setValue("[data-test=store-name-0]", "静安嘉里中心店"),
		chromedp.Click(chromedp.CSS("[data-test=save-receipt-settings]")), chromedp.WaitVisible(chromedp.CSS("[data-test=receipt-settings-flash]")))
	stored, err = svc.Settings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, receipts.Settings{AutoApprove: true, MaxAgeDays: 3, MinAmountFen: 1000, MaxAmountFen: 200_000, AutoApproveMaxFen: 50_050,
		Stores: []receipts.Store{{Code: "SH-001", Name: "静安嘉里中心店"}}}, stored)
	require.Equal(t, "500.5", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=auto-approve-max]"))))
	tab.Screenshot(t, "points-receipt-settings-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=receipt-settings]")`)
	require.Equal(t, "静安嘉里中心店", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=store-name-0]"))))
	tab.Screenshot(t, "points-receipt-settings-zh-CN")
	consoletest.NoNetworkErrorsBut422(t, tab)
}
