package pointsui_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/rewards"
	domain "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
)

// A loyalty manager adds a reward in both languages with its price in points plus yuan, its
// stock, limits and a validity window in the brand's zone; a bad value is refused beside its
// input and nothing is saved; the catalog lists it in words.
func TestTheCatalogIsKeptInYuanAndTheBrandsZone(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*rewards.Service](b.App.Kernel)
	ctx := context.Background()

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rewards"), chromedp.WaitVisible(chromedp.CSS("[data-test=no-rewards]")),
		chromedp.Click(chromedp.CSS("[data-test=new-reward]")), chromedp.WaitVisible(chromedp.CSS("[data-test=reward-form]")))
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=reward-form]").noValidate = true`))
	tab.Run(t,
		setValue("[data-test=title-zh]", "乌龙茶一杯"), setValue("[data-test=title-en]", "An oolong tea"),
		setValue("[data-test=category]", "饮品"), setValue("[data-test=points]", "0"), setValue("[data-test=cash]", "9.90"),
		setValue("[data-test=stock]", "100"), setValue("[data-test=per-customer]", "2"),
		setValue("[data-test=per-period]", "1"), chromedp.SetValue(chromedp.CSS("[data-test=period]"), "week"),
		setValue("[data-test=valid-from]", "2026-12-01T10:00"), setValue("[data-test=valid-until]", "2027-01-01T00:00"),
		chromedp.Click(chromedp.CSS("[data-test=save-reward]")), chromedp.WaitVisible(chromedp.CSS("[data-test=error-points]")))
	require.Equal(t, "Enter between 1 and 100,000,000 points.", consoletest.Text(t, tab, "[data-test=error-points]"))
	list, err := svc.List(ctx, tn.ID, rewards.Query{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, list, "nothing saved")

	tab.Run(t, setValue("[data-test=points]", "1,200"), chromedp.Click(chromedp.CSS("[data-test=save-reward]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=rewards]")))
	list, err = svc.List(ctx, tn.ID, rewards.Query{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, list, 1)
	r := list[0]
	require.Equal(t, int64(1200), r.Points)
	require.Equal(t, int64(990), r.CashFen)
	require.Equal(t, int64(100), *r.Stock)
	require.Equal(t, domain.Limit{Count: 1, Period: domain.PeriodWeek}, r.PerPeriod)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	require.True(t, r.ValidFrom.Equal(time.Date(2026, 12, 1, 10, 0, 0, 0, shanghai)), r.ValidFrom.String())
	require.Equal(t, "1,200 points + ¥9.90", consoletest.Text(t, tab, "[data-test=reward-price]"))
	require.Equal(t, "2026-12-01 10:00 – 2027-01-01 00:00", consoletest.Text(t, tab, "[data-test=reward-window]"))

	// Edit it: the stock cannot go below what was claimed.
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	_, err = module.Get[*points.Service](b.App.Kernel).Adjust(ctx, tn.ID, points.Adjustment{Customer: c.ID, Points: 5000, ReasonCode: "goodwill"})
	require.NoError(t, err)
	edit := r.Reward
	edit.ValidFrom, edit.CashFen = time.Time{}, 0
	_, err = svc.Update(ctx, tn.ID, r.ID, edit)
	require.NoError(t, err)
	_, err = svc.Redeem(ctx, tn.ID, rewards.Claim{Customer: c.ID, Reward: r.ID, Key: "k1"})
	require.NoError(t, err)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rewards/"+r.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=reward-form]")),
		setValue("[data-test=stock]", "0"), chromedp.Click(chromedp.CSS("[data-test=save-reward]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-stock]")))
	require.Equal(t, "The stock cannot be less than what was claimed.", consoletest.Text(t, tab, "[data-test=error-stock]"))
	tab.Screenshot(t, "reward-form-en")
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=reward-form]")`)
	tab.Screenshot(t, "reward-form-zh-CN")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rewards"), chromedp.WaitVisible(chromedp.CSS("[data-test=rewards]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=reward]"), "乌龙茶一杯")
	require.Equal(t, "每人限 2 次\n每周限 1 次", consoletest.Text(t, tab, "[data-test=reward-limits]"))
	require.Equal(t, "至 2027-01-01 00:00", consoletest.Text(t, tab, "[data-test=reward-window]"))
	tab.Screenshot(t, "rewards-zh-CN")
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="en"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "en" && !!document.querySelector("[data-test=rewards]")`)
	tab.Screenshot(t, "rewards-en")
	consoletest.NoNetworkErrorsBut422(t, tab)
}

// At the counter staff look a voucher up by its code as the customer reads it, use it once,
// and cancel another, which gives its points back once.
func TestVouchersAreLookedUpUsedAndCancelled(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*rewards.Service](b.App.Kernel)
	pts := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	stock := int64(5)
	r, err := svc.Create(ctx, tn.ID, domain.Reward{Kind: domain.KindVoucher, Status: domain.StatusActive,
		Title: domain.Text{ZH: "乌龙茶一杯", EN: "An oolong tea"}, Points: 300, Stock: &stock, VoucherDays: 30})
	require.NoError(t, err)
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	_, err = pts.Adjust(ctx, tn.ID, points.Adjustment{Customer: c.ID, Points: 1000, ReasonCode: "goodwill"})
	require.NoError(t, err)
	first, err := svc.Redeem(ctx, tn.ID, rewards.Claim{Customer: c.ID, Reward: r.ID, Key: "a"})
	require.NoError(t, err)
	second, err := svc.Redeem(ctx, tn.ID, rewards.Claim{Customer: c.ID, Reward: r.ID, Key: "b"})
	require.NoError(t, err)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/vouchers"), chromedp.WaitVisible(chromedp.CSS("[data-test=vouchers]")))
	require.Len(t, browsertest.Get(t, tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-test=voucher]")].map(e => e.textContent)`)), 2)
	tab.Screenshot(t, "vouchers-en")
	typed := first.Voucher.Code[:4] + " " + first.Voucher.Code[5:9] + first.Voucher.Code[10:]
	tab.Run(t, setValue("[data-test=voucher-code]", typed), chromedp.Click(chromedp.CSS("[data-test=voucher-lookup]")))
	consoletest.Settle(t, tab, `document.querySelectorAll("[data-test=voucher]").length === 1`)
	require.Equal(t, first.Voucher.Code, consoletest.Text(t, tab, "[data-test=code]"))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=use]")), chromedp.WaitVisible(chromedp.CSS("[data-test=voucher-flash]")))
	require.Equal(t, "The voucher is used.", consoletest.Text(t, tab, "[data-test=voucher-flash]"))
	require.Equal(t, "Used", consoletest.Text(t, tab, "[data-test=state]"))
	require.Equal(t, "林晓", consoletest.Text(t, tab, "[data-test=customer]"))
	require.Zero(t, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=use]").length`)))

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=voucher-search]")`)
	tab.Run(t, setValue("[data-test=voucher-code]", second.Voucher.Code), chromedp.Click(chromedp.CSS("[data-test=voucher-lookup]")))
	consoletest.Settle(t, tab, `document.querySelectorAll("[data-test=voucher]").length === 1 && !!document.querySelector("[data-test=cancel]")`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=cancel]")), chromedp.WaitVisible(chromedp.CSS("[data-test=voucher-flash]")))
	require.Equal(t, "券已作废，积分和库存已退还。", consoletest.Text(t, tab, "[data-test=voucher-flash]"))
	require.Equal(t, "已作废", consoletest.Text(t, tab, "[data-test=state]"))
	// The same cancellation sent again gives nothing more.
	status := browsertest.Get(t, tab, chromedp.Evaluate[int](`fetch("/console/points/vouchers/`+second.Voucher.ID.String()+`/cancel", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "_csrf=" + encodeURIComponent(document.querySelector("input[name=_csrf]").value)}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	require.Equal(t, 200, status)
	wallets, err := pts.Wallets(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(700), wallets[0].Balance, "one voucher used, the other refunded once")
	tab.Screenshot(t, "vouchers-zh-CN")
	tab.Run(t, setValue("[data-test=voucher-code]", "0000-0000-0000"), chromedp.Click(chromedp.CSS("[data-test=voucher-lookup]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=voucher-not-found]")))
	require.Equal(t, "没有找到这个券码。", consoletest.Text(t, tab, "[data-test=voucher-not-found]"))
	consoletest.NoNetworkErrorsBut422(t, tab)
}
