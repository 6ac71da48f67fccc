package pointsui_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// A CRM manager schedules a campaign in both languages with its window in the brand's zone, its
// weekdays and budget; a bad value is refused beside its input and nothing is saved. The list
// shows a running campaign's live performance in words, counts and yuan, and it is stopped.
func TestCampaignsAreScheduledWatchedAndStopped(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	pts := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/campaigns"), chromedp.WaitVisible(chromedp.CSS("[data-test=no-campaigns]")),
		chromedp.Click(chromedp.CSS("[data-test=new-campaign]")), chromedp.WaitVisible(chromedp.CSS("[data-test=campaign-form]")))
	tab.Run(t, setValue("[data-test=name-zh]", "周末双倍积分"), setValue("[data-test=name-en]", "Double points at weekends"),
		setValue("[data-test=starts-at]", "2030-05-01T10:00"), setValue("[data-test=ends-at]", "2030-05-31T22:00"),
		chromedp.Click(chromedp.CSS("[data-test=weekday-6]")), chromedp.Click(chromedp.CSS("[data-test=weekday-0]")),
		setValue("[data-test=budget]", "0"), chromedp.Click(chromedp.CSS("[data-test=save-campaign]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-budget]")))
	require.Equal(t, "Enter between 1 and 1,000,000,000 points.", consoletest.Text(t, tab, "[data-test=error-budget]"))
	list, err := pts.Campaigns(ctx, tn.ID)
	require.NoError(t, err)
	require.Empty(t, list, "nothing saved")
	tab.Screenshot(t, "campaign-form-en")
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN"`)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/campaigns/new"), chromedp.WaitVisible(chromedp.CSS("[data-test=campaign-form]")),
		setValue("[data-test=name-zh]", "周末双倍积分"), setValue("[data-test=name-en]", "Double points at weekends"),
		setValue("[data-test=starts-at]", "2030-05-01T10:00"), setValue("[data-test=ends-at]", "2030-04-30T22:00"),
		chromedp.Click(chromedp.CSS("[data-test=weekday-6]")), chromedp.Click(chromedp.CSS("[data-test=weekday-0]")),
		setValue("[data-test=budget]", "50,000"), chromedp.Click(chromedp.CSS("[data-test=save-campaign]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-ends-at]")))
	require.Equal(t, "结束时间要晚于开始时间，最长 366 天。", consoletest.Text(t, tab, "[data-test=error-ends-at]"))
	tab.Screenshot(t, "campaign-form-zh-CN")
	tab.Run(t, setValue("[data-test=ends-at]", "2030-05-31T22:00"), chromedp.Click(chromedp.CSS("[data-test=save-campaign]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=campaigns]")))
	list, err = pts.Campaigns(ctx, tn.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	require.True(t, list[0].StartsAt.Equal(time.Date(2030, 5, 1, 10, 0, 0, 0, shanghai)), list[0].StartsAt.String())
	require.Equal(t, []int{6, 0}, list[0].When.Weekdays)
	require.Equal(t, int64(200), list[0].Percent)
	require.Equal(t, "未开始", consoletest.Text(t, tab, "[data-test=campaign-state]"))

	// A running campaign with a purchase earned from it.
	running, err := pts.CreateCampaign(ctx, tn.ID, campaigns.Campaign{Name: rules.Text{ZH: "会员日每单加 30", EN: "Members' day +30"},
		Wallet: ledger.Points, StartsAt: time.Now().Add(time.Second), EndsAt: time.Now().Add(24 * time.Hour), Kind: rules.KindBonus,
		Points: 30, Budget: 12000})
	require.NoError(t, err)
	time.Sleep(time.Until(running.StartsAt) + 50*time.Millisecond)
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	_, err = pts.EarnPurchase(ctx, tn.ID, points.Purchase{ID: "order-1", Customer: c.ID, AmountFen: 1_234_500,
		Items: []event.Item{{SKU: "tea-oolong", Quantity: 1}}})
	require.NoError(t, err)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/campaigns"), chromedp.WaitVisible(chromedp.CSS("[data-test=campaigns]")))
	require.Equal(t, "30 / 12,000", consoletest.Text(t, tab, "tr:nth-child(2) [data-test=campaign-issued]"))
	require.Equal(t, "¥12,345.00", consoletest.Text(t, tab, "tr:nth-child(2) [data-test=campaign-spend]"))
	require.Equal(t, "每笔加 30 积分 · 积分", consoletest.Text(t, tab, "tr:nth-child(2) [data-test=campaign-offer]"))
	tab.Screenshot(t, "campaigns-zh-CN")
	// The simulator adds what the running campaign gives, under its name.
	at := time.Now().Add(time.Minute).In(shanghai).Format("2006-01-02T15:04") // within the campaign, the minute after its start
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rules?simulate=1&amount=100&at="+at),
		chromedp.WaitVisible(chromedp.CSS("[data-test=sim-lines]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=sim-lines]"), "积分活动：会员日每单加 30")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=sim-total]"), "130")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/campaigns"), chromedp.WaitVisible(chromedp.CSS("[data-test=campaigns]")))
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="en"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "en" && !!document.querySelector("[data-test=campaigns]")`)
	tab.Screenshot(t, "campaigns-en")
	tab.Run(t, chromedp.Click(chromedp.CSS("tr:nth-child(2) [data-test=stop-campaign]")), chromedp.WaitVisible(chromedp.CSS("[data-test=campaigns-flash]")))
	require.Equal(t, "Campaign stopped; the points it gave stay.", consoletest.Text(t, tab, "[data-test=campaigns-flash]"))
	got, err := pts.Campaign(ctx, tn.ID, running.ID)
	require.NoError(t, err)
	require.Equal(t, campaigns.StoppedByHand, got.StopReason)
	consoletest.NoNetworkErrorsBut422(t, tab)
}
