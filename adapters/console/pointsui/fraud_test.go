package pointsui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/fraud"
)

// The owner sets the fraud rules with pickers, sees the held purchases with the customers'
// names and the reasons in words, releases one and rejects the other, in both languages.
func TestTheOwnerReviewsHeldPointsAndSetsTheFraudRules(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/fraud/settings"), chromedp.WaitVisible(chromedp.CSS("[data-test=fraud-settings]")),
		chromedp.SetValue(chromedp.CSS(`select[name="limits[0].subject"]`), "store"),
		chromedp.SetValue(chromedp.CSS(`select[name="limits[0].period"]`), "day"),
		chromedp.SetValue(chromedp.CSS(`[data-test=limit-max-0]`), "500"),
		chromedp.SetValue(chromedp.CSS(`[data-test=velocity-count]`), "3"),
		chromedp.SetValue(chromedp.CSS(`[data-test=velocity-minutes]`), "0"),
		chromedp.Click(chromedp.CSS("[data-test=save-fraud-settings]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-velocity-minutes]")))
	s, err := svc.FraudSettings(ctx, tn.ID)
	require.NoError(t, err)
	require.False(t, s.On(), "nothing saved with a field at fault")
	tab.Run(t, chromedp.SetValue(chromedp.CSS(`[data-test=velocity-minutes]`), "10"),
		chromedp.SetValue(chromedp.CSS(`[data-test=risk-rank]`), "3"),
		chromedp.Click(chromedp.CSS("[data-test=save-fraud-settings]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	s, err = svc.FraudSettings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, fraud.Settings{Limits: []fraud.Limit{{Subject: fraud.Store, Period: fraud.Day, Measure: fraud.Points, Max: 500}},
		Velocity: fraud.Window{Count: 3, Minutes: 10}, RiskRank: 3}, s)
	tab.Screenshot(t, "points-fraud-settings-en")

	// 300 and 100 points at the store are within the day's 500; the 200 after them are held.
	for i, p := range []struct {
		name   string
		amount []int64
	}{{"林晓", []int64{30_000}}, {"陈一鸣", []int64{10_000, 20_000}}} {
		c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr(p.name)})
		require.NoError(t, err)
		for j, fen := range p.amount {
			e, err := svc.EarnPurchase(ctx, tn.ID, points.Purchase{ID: fmt.Sprintf("POS-%d-%d", i, j), Customer: c.ID, AmountFen: fen,
				OccurredAt: time.Now(), Store: "SH-NJW", Items: []event.Item{{SKU: "oolong-500g", Quantity: 1}}})
			require.NoError(t, err)
			require.Equal(t, i == 1 && j == 1, e.Held)
		}
	}
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/fraud"), chromedp.WaitVisible(chromedp.CSS("[data-test=fraud-pending]")))
	require.Equal(t, 1, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=flag]").length`)))
	require.Equal(t, "Points earned by one store this day: 600, over the limit of 500",
		consoletest.Text(t, tab, "[data-test=flag] [data-test=flag-reasons]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=flag]"), "陈一鸣")
	tab.Screenshot(t, "points-fraud-en")
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=flag] [data-test=decision-reason]"), "store_event"),
		chromedp.Click(chromedp.CSS("[data-test=flag] [data-test=approve]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=no-flags]")))
	require.Equal(t, "Released: the held points count.", consoletest.Text(t, tab, "[data-test=fraud-flash]"))
	require.Equal(t, "Released", consoletest.Text(t, tab, "[data-test=decided]:first-child [data-test=decided-status]"))

	// A third purchase at the store is held again; rejected in Chinese.
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("周婷")})
	require.NoError(t, err)
	_, err = svc.EarnPurchase(ctx, tn.ID, points.Purchase{ID: "POS-3", Customer: c.ID, AmountFen: 8_800, OccurredAt: time.Now(),
		Store: "SH-NJW", Items: []event.Item{{SKU: "oolong-500g", Quantity: 1}}})
	require.NoError(t, err)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()+"/points"), chromedp.WaitVisible(chromedp.CSS("[data-test=held-points]")))
	require.Equal(t, "held for fraud review: 88", consoletest.Text(t, tab, "[data-test=held-points]"))
	tab.Screenshot(t, "customer-points-held-en")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/fraud"), chromedp.WaitVisible(chromedp.CSS("[data-test=fraud-pending]")),
		chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=flag]")`)
	require.Equal(t, "同一门店当天获得积分达到 688，超过上限 500", consoletest.Text(t, tab, "[data-test=flag] [data-test=flag-reasons]"))
	tab.Screenshot(t, "points-fraud-zh-CN")
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=flag] [data-test=decision-reason]"), "confirmed_fraud"),
		chromedp.Click(chromedp.CSS("[data-test=flag] [data-test=reject]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=no-flags]")))
	require.Equal(t, "已驳回", consoletest.Text(t, tab, "[data-test=decided]:first-child [data-test=decided-status]"))
	views, err := svc.Wallets(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, [2]int64{0, 0}, [2]int64{views[0].Balance, views[0].Pending}, "the rejected points are cancelled")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/fraud/settings"), chromedp.WaitVisible(chromedp.CSS("[data-test=fraud-settings]")))
	tab.Screenshot(t, "points-fraud-settings-zh-CN")
	consoletest.NoNetworkErrorsBut422(t, tab)
}
