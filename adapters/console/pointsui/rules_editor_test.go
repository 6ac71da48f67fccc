package pointsui_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/points/points"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/fieldtype"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/domain/points/rules"
)

// A loyalty manager writes a new version of the rules in the console: a weekend double in
// the brand's flagship stores, with a cap per day, in yuan and from pickers. A multiplier below
// 100% is refused beside its input; publishing needs the change preview of the draft as it
// stands (a draft sent to publish unpreviewed is previewed instead); once published the
// version is in effect with the rules as typed.
func TestARuleVersionIsWrittenPreviewedAndPublished(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	settings := receipts.Defaults()
	settings.Stores = []receipts.Store{{Code: "SH-001", Name: "静安嘉里中心店"}, {Code: "SH-002", Name: "徐家汇港汇店"}}
	require.NoError(t, module.Get[*receiptsapp.Service](b.App.Kernel).SetSettings(ctx, tn.ID, settings))
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	sh := mustZone(t, "Asia/Shanghai")
	lastSaturday := time.Now().In(sh).AddDate(0, 0, -int(time.Now().In(sh).Weekday())-1)
	saturday := time.Date(lastSaturday.Year(), lastSaturday.Month(), lastSaturday.Day(), 15, 0, 0, 0, sh)
	_, err = svc.EarnPurchase(ctx, tn.ID, points.Purchase{ID: "POS-1", Customer: c.ID, AmountFen: 25_800, OccurredAt: saturday, Store: "SH-001",
		Items: []event.Item{{SKU: "oolong-500g", Category: "tea", Quantity: 1}}})
	require.NoError(t, err)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rules"), chromedp.WaitVisible(chromedp.CSS("[data-test=new-version]")),
		chromedp.Click(chromedp.CSS("[data-test=new-version]")), chromedp.WaitVisible(chromedp.CSS("[data-test=rule-draft]")))
	require.Equal(t, "1", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=per-yuan-0]"))), "the base rate in yuan")
	require.Empty(t, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=publish]").length`)), "no publishing before a preview")
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=rule-draft]").noValidate = true`))
	tab.Run(t,
		setValue("[data-test=category-zh-0]", "旗舰店"), setValue("[data-test=category-en-0]", "Flagships"),
		chromedp.Click(chromedp.CSS("[data-test=store-0-SH-001]")),
		setValue("[data-test=title-zh-2]", "周末双倍积分"), setValue("[data-test=title-en-2]", "Double points at weekends"),
		chromedp.SetValue(chromedp.CSS("[data-test=kind-2]"), "multiplier"),
		setValue("[data-test=percent-2]", "50"),
		chromedp.Click(chromedp.CSS("[data-test=when-2] summary")),
		chromedp.Click(chromedp.CSS("[data-test=weekday-2-6]")), chromedp.Click(chromedp.CSS("[data-test=weekday-2-0]")),
		setValue("[data-test=cap-day-points]", "2000"),
		chromedp.Click(chromedp.CSS("[data-test=preview-draft]")),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="error-rules[2].percent"]`)),
	)
	require.Equal(t, "For a multiplier enter 100 to 10,000 percent (200 doubles); leave it blank for other kinds.",
		consoletest.Text(t, tab, `[data-test="error-rules[2].percent"]`))
	require.Equal(t, "周末双倍积分", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=title-zh-2]"))), "what was typed is kept")

	// Fixed, the rule is limited to the flagships (the category is the draft's now), and the
	// preview says what it would have changed.
	tab.Run(t, setValue("[data-test=percent-2]", "200"),
		chromedp.Click(chromedp.CSS(`[data-test=when-2] input[value="stores_1"]`)),
		chromedp.Click(chromedp.CSS("[data-test=preview-draft]")), chromedp.WaitVisible(chromedp.CSS("[data-test=preview]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=preview-wallets]"), "Points\t258\t516\t+258\t1\t0")
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=preview-affected]"))
	tab.Screenshot(t, "points-rule-draft-en")

	// Changed after its preview, a publish previews again instead.
	tab.Run(t, setValue("[data-test=cap-day-points]", "3000"), chromedp.Click(chromedp.CSS("[data-test=publish]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=draft-flash]")))
	vs, _, err := svc.RuleVersions(ctx, tn.ID)
	require.NoError(t, err)
	require.Empty(t, vs, "nothing published unpreviewed")

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=publish]")), chromedp.WaitVisible(chromedp.CSS("[data-test=rules-flash]")))
	require.Equal(t, "Version 1 is published.", consoletest.Text(t, tab, "[data-test=rules-flash]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=version-1]"), "In effect")
	vs, current, err := svc.RuleVersions(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, 1, current)
	set := vs[0].Set
	require.Len(t, set.Rules, 3)
	require.Equal(t, rules.Rule{Key: "rule_3", Title: rules.Text{ZH: "周末双倍积分", EN: "Double points at weekends"}, Wallet: ledger.Points,
		Kind: rules.KindMultiplier, Stacking: rules.Stack, Percent: 200,
		When: rules.Conditions{StoreCategories: []string{"stores_1"}, Weekdays: []int{0, 6}}}, set.Rules[2])
	require.Equal(t, []rules.StoreCategory{{Key: "stores_1", Title: rules.Text{ZH: "旗舰店", EN: "Flagships"}, Stores: []string{"SH-001"}}}, set.StoreCategories)
	require.Equal(t, []rules.Cap{{Wallet: ledger.Points, PerDay: 3000}}, set.Caps)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=rules-current]"), "Flagships")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=rules-current]")`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=copy-1]")), chromedp.WaitVisible(chromedp.CSS("[data-test=rule-draft]")))
	require.Equal(t, "周末双倍积分", consoletest.Text(t, tab, "[data-test=rule-rule_3] legend"))
	require.Equal(t, "3000", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=cap-day-points]"))))
	tab.Run(t, setValue("[data-test=effective-at]", "2020-01-01T00:00"), chromedp.Click(chromedp.CSS("[data-test=preview-draft]")),
		chromedp.WaitVisible(chromedp.CSS(`[data-test="error-effective_at"]`)))
	require.Equal(t, "生效时间不能早于现在：之前的消费已经按当时的规则获得积分。", consoletest.Text(t, tab, `[data-test="error-effective_at"]`))
	tab.Screenshot(t, "points-rule-draft-zh-CN")
	consoletest.NoNetworkErrorsBut422(t, tab)
}

// Every condition of a rule is read from its picker as the rule set holds it: a birthday-month
// bonus for gold members of a segment, evenings only, between two dates, on 88.8 元 of tea;
// and a draft started from the version shows them again.
func TestARulesConditionsAreReadFromTheirPickers(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	seg, err := b.App.Segments.Create(ctx, tn.ID, segments.Draft{Name: "上海会员", Tree: map[string]any{"field": "city", "op": "=", "value": "上海"}})
	require.NoError(t, err)
	require.NoError(t, b.App.Customers.SetAttributeDefs(ctx, tn.ID, []customer.AttributeDef{{Key: "tier", Type: fieldtype.Enum, Label: "会员等级",
		LabelEn: "Tier", EnumValues: []string{"gold", "silver"}}}))

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rules/draft"), chromedp.WaitVisible(chromedp.CSS("[data-test=rule-draft]")),
		setValue("[data-test=title-zh-2]", "生日月礼"), setValue("[data-test=title-en-2]", "Birthday month gift"),
		setValue("[data-test=points-2]", "200"),
		chromedp.Click(chromedp.CSS("[data-test=when-2] summary")),
	)
	require.Equal(t, "none", browsertest.Get(t, tab, chromedp.Evaluate[string](
		`getComputedStyle(document.querySelector("[data-test=percent-label-2]")).display`)), "a bonus has no percent to fill")
	tab.Run(t,
		setValue("[data-test=products-2]", "tea，茶具"), setValue("[data-test=min-spend-2]", "88.8"),
		chromedp.SetValue(chromedp.CSS(`[data-test=when-2] select[name="rules[2].when.from_hour"]`), "18"),
		chromedp.SetValue(chromedp.CSS(`[data-test=when-2] select[name="rules[2].when.to_hour"]`), "22"),
		setValue(`[data-test=when-2] input[name="rules[2].when.from_date"]`, "2027-01-01"),
		setValue("[data-test=to-date-2]", "2027-12-31"),
		chromedp.SetValue(chromedp.CSS(`[data-test=when-2] select[name="rules[2].when.birthday"]`), "month"),
		chromedp.SetValue(chromedp.CSS(`[data-test=when-2] select[name="rules[2].when.attribute.name"]`), "tier"),
		chromedp.Click(chromedp.CSS(`[data-test="pick-2-tier=gold"]`)),
		chromedp.Click(chromedp.CSS(`[data-test=when-2] input[value="`+seg.ID.String()+`"]`)),
		chromedp.Click(chromedp.CSS("[data-test=preview-draft]")), chromedp.WaitVisible(chromedp.CSS("[data-test=publish]")),
		chromedp.Click(chromedp.CSS("[data-test=publish]")), chromedp.WaitVisible(chromedp.CSS("[data-test=rules-flash]")))
	vs, _, err := svc.RuleVersions(ctx, tn.ID)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	rule := vs[0].Set.Rules[2]
	require.Equal(t, rules.KindBonus, rule.Kind)
	require.Equal(t, int64(200), rule.Points)
	require.Equal(t, rules.Conditions{ProductCategories: []string{"tea", "茶具"}, MinSpendFen: 8880, FromHour: 18, ToHour: 22,
		FromDate: "2027-01-01", ToDate: "2027-12-31", Birthday: rules.BirthdayMonth, Segments: []uuid.UUID{seg.ID},
		Attribute: &rules.AttributeCondition{Name: "tier", Values: []string{"gold"}}}, rule.When)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=rules-current]"), "In the birthday month")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/rules/draft"), chromedp.WaitVisible(chromedp.CSS("[data-test=rule-draft]")))
	require.Equal(t, "88.8", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=min-spend-2]"))))
	require.Equal(t, "tea, 茶具", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=products-2]"))))
	require.True(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector('[data-test=when-2] input[value="`+seg.ID.String()+`"]').checked`)))
	require.True(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector('[data-test="pick-2-tier=gold"]').checked`)), "the tier ticked")
	require.Equal(t, "Tier", browsertest.Get(t, tab, chromedp.Evaluate[string](
		`(s => s.options[s.selectedIndex].text)(document.querySelector('[data-test=when-2] select[name="rules[2].when.attribute.name"]'))`)))
	tab.Screenshot(t, "points-rule-conditions-en")
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=rule-draft]")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=when-2]"), "生日当月")
	tab.Screenshot(t, "points-rule-conditions-zh-CN")
	consoletest.NoNetworkErrorsBut422(t, tab)
}
