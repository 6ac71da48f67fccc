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
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// A loyalty manager reads the rules in effect in words, simulates a purchase rule by rule and
// previews what a scheduled version would have changed over the last 30 days, in both
// languages; a scheduled version can be withdrawn.
func TestTheRulesPageSimulatesAndPreviews(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	sh := mustZone(t, "Asia/Shanghai")
	lastSaturday := time.Now().In(sh).AddDate(0, 0, -int(time.Now().In(sh).Weekday())-1)
	saturday := time.Date(lastSaturday.Year(), lastSaturday.Month(), lastSaturday.Day(), 15, 0, 0, 0, sh)
	_, err = svc.EarnPurchase(ctx, tn.ID, points.Purchase{ID: "POS-1", Customer: c.ID, AmountFen: 25_800, OccurredAt: saturday,
		Items: []event.Item{{SKU: "oolong-500g", Category: "tea", Quantity: 1}}})
	require.NoError(t, err)
	text := func(zh, en string) rules.Text { return rules.Text{ZH: zh, EN: en} }
	_, err = svc.AddRuleVersion(ctx, tn.ID, rules.Version{EffectiveAt: time.Now().Add(48 * time.Hour), Note: "周末双倍", Set: rules.Set{
		Rules: []rules.Rule{
			{Key: "base", Title: text("消费积分", "Points for purchases"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 100},
			{Key: "status", Title: text("成长值", "Status points"), Wallet: ledger.Status, Kind: rules.KindBase, Points: 1, PerFen: 100},
			{Key: "weekend", Title: text("周末双倍积分", "Double points at weekends"), Wallet: ledger.Points, Kind: rules.KindMultiplier,
				Percent: 200, Priority: 5, Stacking: rules.BestOf, When: rules.Conditions{Weekdays: []int{0, 6}}},
			{Key: "tea", Title: text("茶叶 1.5 倍", "Tea 1.5×"), Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: 150,
				Stacking: rules.BestOf, When: rules.Conditions{ProductCategories: []string{"tea"}}},
			{Key: "birthday", Title: text("生日月礼", "Birthday month gift"), Wallet: ledger.Points, Kind: rules.KindBonus, Points: 200,
				When: rules.Conditions{Birthday: rules.BirthdayMonth}},
		},
		Caps: []rules.Cap{{Wallet: ledger.Points, PerDay: 2_000}}}})
	require.NoError(t, err)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rules"), chromedp.WaitVisible(chromedp.CSS("[data-test=rules-current]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=rules-current]"), "1 point for every ¥1 spent", "the default rules until the version")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=version-1]"), "Scheduled")

	// The simulator, under version 1: the weekend's double beats tea's 1.5× (best of).
	tab.Run(t,
		setValue("[data-test=sim-amount]", "258"),
		setValue("[data-test=sim-at]", saturday.Format("2006-01-02T15:04")),
		setValue("[data-test=sim-category]", "tea"),
		setValue("[data-test=sim-customer]", c.ID.String()),
		chromedp.SetValue(chromedp.CSS("[data-test=simulate-form] select[name=version]"), "1"),
		chromedp.Click(chromedp.CSS("[data-test=simulate]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=sim-lines]")),
	)
	require.Equal(t, "Earns 516 Points, 258 Status points", consoletest.Text(t, tab, "[data-test=sim-total]"))
	lines := consoletest.Text(t, tab, "[data-test=sim-lines]")
	require.Contains(t, lines, "Another best-of rule gave more")
	require.Contains(t, lines, "Not met: birthday")
	tab.Screenshot(t, "points-rules-simulator-en")

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=preview-1]")), chromedp.WaitVisible(chromedp.CSS("[data-test=preview]")))
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=preview-purchases]"))
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=preview-affected]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=preview-wallets]"), "Points\t258\t516\t+258\t1\t0")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=preview-largest]"), "林晓", "customers by name")
	tab.Screenshot(t, "points-rules-preview-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=preview]")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=preview-rules]"), "周末双倍积分")
	tab.Screenshot(t, "points-rules-preview-zh-CN")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rules?simulate=1&amount=abc&at=&version=1"), chromedp.WaitVisible(chromedp.CSS("[data-test=error-amount]")))
	require.Equal(t, "请输入金额（元，最多两位小数）。", consoletest.Text(t, tab, "[data-test=error-amount]"))
	tab.Screenshot(t, "points-rules-zh-CN")

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=withdraw-1]")), chromedp.WaitVisible(chromedp.CSS("[data-test=no-versions]")))
	vs, _, err := svc.RuleVersions(ctx, tn.ID)
	require.NoError(t, err)
	require.Empty(t, vs)
	consoletest.NoNetworkErrorsBut422(t, tab)
}
