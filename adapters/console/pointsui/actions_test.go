package pointsui_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/ledger"
)

// A loyalty manager sets up action rules in Chinese: a daily check-in with a bonus every
// seventh day and a tasting event picked from the brand's event types by its label; an event
// rule without a type is refused beside the picker; the list says each rule in words; a rule
// is edited and removed.
func TestActionRulesAreSetUpInWords(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	_, err := b.App.Events.SaveEventType(ctx, tn.ID, event.CustomType{Key: "tasting_day", Label: "品鉴日"})
	require.NoError(t, err)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/actions"), chromedp.WaitVisible(chromedp.CSS("[data-test=no-action-rules]")))
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=action-form]")`)
	form := "[data-test=action-form]"
	tab.Run(t,
		setValue(form+" [data-test=rule-key]", "daily_check_in"),
		chromedp.SetValue(chromedp.CSS(form+" [data-test=rule-action]"), "check_in"),
		setValue(form+" [data-test=rule-title]", "每日签到"),
		setValue(form+" [data-test=rule-tip]", "每天签到得 5 积分"),
		setValue(form+" [data-test=rule-points]", "5"),
		setValue(form+" [data-test=streak-days-0]", "7"),
		setValue(form+" [data-test=streak-points-0]", "20"),
		chromedp.Click(chromedp.CSS(form+" input[name='streak[0].repeat']")),
		chromedp.Click(chromedp.CSS("[data-test=save-rule]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=action-rule-daily_check_in]")),
	)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=action-rule-daily_check_in]"), "每日签到")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=action-rule-daily_check_in]"), "每天一次")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=action-rule-daily_check_in]"), "连续签到第 7 天及其倍数 +20")

	// An event rule without its type is refused beside the picker, and nothing is added.
	tab.Run(t,
		setValue(form+" [data-test=rule-key]", "tasting"),
		chromedp.SetValue(chromedp.CSS(form+" [data-test=rule-action]"), "event"),
		setValue(form+" [data-test=rule-title]", "参加品鉴日"),
		setValue(form+" [data-test=rule-points]", "50"),
		setValue(form+" [data-test=rule-limit-count]", "1"),
		chromedp.SetValue(chromedp.CSS(form+" [data-test=rule-limit-period]"), "month"),
		chromedp.Click(chromedp.CSS("[data-test=save-rule]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-event-type]")),
	)
	require.Equal(t, "参与活动的规则请选择一个自定义事件类型。", consoletest.Text(t, tab, "[data-test=error-event-type]"))
	rules, err := svc.ActionRules(ctx, tn.ID)
	require.NoError(t, err)
	require.Len(t, rules, 1)
	tab.Run(t, chromedp.SetValue(chromedp.CSS(form+" [data-test=rule-event-type]"), "custom:tasting_day"),
		chromedp.Click(chromedp.CSS("[data-test=save-rule]")), chromedp.WaitVisible(chromedp.CSS("[data-test=action-rule-tasting]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=action-rule-tasting]"), "参与活动 · 品鉴日")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=action-rule-tasting]"), "每月一次")
	tab.Screenshot(t, "action-rules-zh-CN")

	rules, err = svc.ActionRules(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, []actions.Rule{
		{Key: "daily_check_in", Action: actions.CheckIn, Wallet: ledger.Points, Points: 5, Limit: actions.Limit{Count: 1, Period: actions.Day},
			Streak: []actions.StreakBonus{{Days: 7, Points: 20, Repeat: true}}, Title: "每日签到", Tip: "每天签到得 5 积分", Active: true},
		{Key: "tasting", Action: actions.Event, EventType: "custom:tasting_day", Wallet: ledger.Points, Points: 50,
			Limit: actions.Limit{Count: 1, Period: actions.Month}, Title: "参加品鉴日", Active: true},
	}, rules)

	// Edit: the tasting earns 80 points, up to twice a month; then it is removed.
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=edit-tasting]")), chromedp.WaitReady(chromedp.CSS(form+" input[name=editing]")))
	tab.Run(t, setValue(form+" [data-test=rule-points]", "80"), setValue(form+" [data-test=rule-limit-count]", "2"),
		chromedp.Click(chromedp.CSS("[data-test=save-rule]")))
	consoletest.Settle(t, tab, `(document.querySelector("[data-test=action-rule-tasting]")?.textContent || "").includes("每月最多 2 次")`)
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="en"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "en" && !!document.querySelector("[data-test=action-rules]")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=action-rule-tasting]"), "Taking part in an event · 品鉴日")
	tab.Screenshot(t, "action-rules-en")
	consoletest.AcceptConfirms(t, tab)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=delete-tasting]")))
	consoletest.Settle(t, tab, `!document.querySelector("[data-test=action-rule-tasting]") && !!document.querySelector("[data-test=action-rule-daily_check_in]")`)
	consoletest.NoNetworkErrorsBut422(t, tab)
}
