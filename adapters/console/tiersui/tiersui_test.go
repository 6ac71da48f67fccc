package tiersui_test

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
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/tenants"
)

var ctx = context.Background()

func ptr(s string) *string { return &s }

// setValue sets an input's value, which may be empty (chromedp.SetValue writes "undefined" for "").
func setValue(css, value string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).value = %q; true`, css, value))(ctx, t)
		return chromedp.Void{}, err
	}
}

// ladder is Orange for everyone, Silver from ¥1,000 or 2,000 status points, Gold from ¥5,000
// and 3 visits.
func ladder() tier.Ladder {
	return tier.Ladder{
		{Code: "orange", Name: tier.Text{ZH: "橙卡", EN: "Orange"}, Colour: "#F28C28", Match: tier.All},
		{Code: "silver", Name: tier.Text{ZH: "银卡", EN: "Silver"}, Colour: "#9EA7B3", Match: tier.Any,
			Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 100_000}, {Kind: tier.StatusPoints, Min: 2_000}}},
		{Code: "gold", Name: tier.Text{ZH: "金卡", EN: "Gold"}, Colour: "#C9A227", Match: tier.All,
			Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 500_000}, {Kind: tier.Visits, Min: 3}}},
	}
}

func program(t *testing.T, svc *tiers.Service, tn tenants.Tenant) {
	t.Helper()
	_, err := svc.PutProgram(ctx, tn.ID, ladder(), tier.DefaultSettings)
	require.NoError(t, err)
}

func texts(t *testing.T, tab *browsertest.Tab, css string) []string {
	t.Helper()
	return browsertest.Get(t, tab, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => e.textContent.trim())`, css)))
}

// A brand's CRM manager reads the ladder and its rules in words, and changes them on the
// form: spend in yuan, every setting from a picker. A refused value is shown beside its input
// and nothing changes; a tier members hold cannot be removed.
func TestTheProgramIsReadInWordsAndEdited(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*tiers.Service](b.App.Kernel)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/tiers/program"), chromedp.WaitVisible(chromedp.CSS("[data-test=program-form]")))
	require.Equal(t, "No membership tiers yet. Add tiers below and save to start.", consoletest.Text(t, tab, "[data-test=no-program]"))

	// A first program typed on the form: the lowest tier without criteria, and a tier above it.
	tab.Run(t, setValue("[data-test=code-0]", "orange"), setValue("[data-test=name-zh-0]", "橙卡"), setValue("[data-test=name-en-0]", "Orange"),
		setValue("[data-test=code-1]", "silver"), setValue("[data-test=name-zh-1]", "银卡"), setValue("[data-test=name-en-1]", "Silver"),
		setValue("[data-test=spend-1]", "1,000"), chromedp.Click(chromedp.CSS("[data-test=save-program]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=program-flash]")))
	p, err := svc.Program(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, []tier.Code{"orange", "silver"}, []tier.Code{p.Ladder[0].Code, p.Ladder[1].Code})
	require.Len(t, p.Ladder, 2, "the empty row is left out")
	require.Equal(t, tier.DefaultSettings, p.Settings)

	program(t, svc, tn)
	tab.Run(t, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-test=ladder]")))
	require.Equal(t, []string{"Every member", "Spend ¥1,000.00 or earn 2,000 status points", "Spend ¥5,000.00 and visit 3 times"},
		texts(t, tab, "[data-test^=criteria-]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=settings]"), "Spend, status points and visits count over the calendar year")
	require.Equal(t, "1000", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=spend-1]"))))
	tab.Screenshot(t, "tiers-program-en")

	// Gold's spend below Silver's is refused beside it; nothing changes.
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=program-form]").noValidate = true`))
	tab.Run(t, setValue("[data-test=spend-2]", "800"), chromedp.Click(chromedp.CSS("[data-test=save-program]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test='error-tiers[2].spend']")))
	require.Equal(t, "Must be above the same criterion in every lower tier.", consoletest.Text(t, tab, "[data-test='error-tiers[2].spend']"))
	p, err = svc.Program(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, 2, p.Version)

	// A new top tier and other settings: spend typed with separators is in yuan.
	tab.Run(t, setValue("[data-test=spend-2]", "5,000"), setValue("[data-test=code-3]", "platinum"), setValue("[data-test=name-zh-3]", "白金卡"),
		setValue("[data-test=name-en-3]", "Platinum"), setValue("[data-test=spend-3]", "20,000.50"),
		chromedp.SetValue(chromedp.CSS("[data-test=window]"), "rolling_12_months"), chromedp.SetValue(chromedp.CSS("[data-test=grace]"), "3"),
		chromedp.SetValue(chromedp.CSS("[data-test=downgrade]"), "one_level"),
		chromedp.Click(chromedp.CSS("[data-test=tier-row-2] details summary")), setValue("[data-test=benefits-zh-2]", "生日双倍积分"),
		setValue("[data-test=benefits-en-2]", "Double points on your birthday"),
		chromedp.Click(chromedp.CSS("[data-test=save-program]")), chromedp.WaitVisible(chromedp.CSS("[data-test=program-flash]")))
	p, err = svc.Program(ctx, tn.ID)
	require.NoError(t, err)
	require.Len(t, p.Ladder, 4)
	require.Equal(t, []tier.Criterion{{Kind: tier.Spend, Min: 2_000_050}}, p.Ladder[3].Criteria)
	require.Equal(t, tier.Text{ZH: "生日双倍积分", EN: "Double points on your birthday"}, p.Ladder[2].Benefits)
	require.Equal(t, tier.Settings{Window: tier.Rolling12Months, Start: tier.AtOnce, Downgrade: tier.OneLevel, Validity: tier.EndOfNextPeriod,
		GraceMonths: 3, Mode: tier.Auto, WarningDays: 30}, p.Settings)

	// Silver is held: removing it is refused with a sentence, nothing changes.
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	_, err = svc.Assign(ctx, tn.ID, tiers.Assignment{Customer: c.ID, Tier: "silver", Reason: "VIP"})
	require.NoError(t, err)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=remove-1]")), chromedp.Click(chromedp.CSS("[data-test=save-program]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-tiers]")))
	require.Equal(t, "Members hold Silver: move them to another tier before removing it.", consoletest.Text(t, tab, "[data-test=error-tiers]"))
	p, err = svc.Program(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, 3, p.Version)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/tiers/program"), chromedp.WaitVisible(chromedp.CSS("[data-test=ladder]")),
		chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=ladder]")`)
	require.Equal(t, []string{"所有会员", "消费满1,000.00元或成长值满2,000", "消费满5,000.00元且到店满3次", "消费满20,000.50元"},
		texts(t, tab, "[data-test^=criteria-]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=settings]"), "有效期结束后再保留3个月。")
	tab.Screenshot(t, "tiers-program-zh-CN")
	// Refusals in Chinese, beside their inputs.
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=program-form]").noValidate = true`))
	tab.Run(t, setValue("[data-test=warning-days]", "400"), setValue("[data-test=code-4]", "diamond"),
		chromedp.Click(chromedp.CSS("[data-test=save-program]")), chromedp.WaitVisible(chromedp.CSS("[data-test='error-settings.warning_days']")))
	require.Equal(t, "提醒天数为0至180天。", consoletest.Text(t, tab, "[data-test='error-settings.warning_days']"))
	require.Equal(t, "请填写中英文名称，各不超过40个字。", consoletest.Text(t, tab, "[data-test='error-tiers[4].name']"))
	require.Equal(t, "最低等级以上的等级至少需要一个大于0的条件。", consoletest.Text(t, tab, "[data-test='error-tiers[4].criteria']"))
	tab.Screenshot(t, "tiers-program-errors-zh-CN")
	consoletest.NoNetworkErrorsBut422(t, tab)
}

// The 360° view shows the customer's tier, validity, progress and history; an admin with
// tiers:write sets the tier by hand with a reason and a last day.
func TestACustomersTierIsShownAndSetByHand(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*tiers.Service](b.App.Kernel)
	program(t, svc, tn)
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	amount := int64(25_800)
	_, err = b.App.Events.IngestBatch(ctx, tn.ID, []event.Draft{{ID: "POS-1", CustomerID: c.ID.String(), Type: event.TypePurchase,
		Channel: "pos", OccurredAt: time.Now().Add(-time.Minute), AmountFen: &amount, Items: []event.Item{{SKU: "oolong-500g", Quantity: 1}}}})
	require.NoError(t, err)
	jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-tier]")))
	require.Equal(t, "Orange", consoletest.Text(t, tab, "[data-test=current-tier]"))
	require.Equal(t, "No end date", consoletest.Text(t, tab, "[data-test=validity]"))
	require.Equal(t, "This period so far: spent ¥258.00 · status points 258 · days visited 1", consoletest.Text(t, tab, "[data-test=figures]"))
	require.Equal(t, "Spend ¥742 more or earn 1,742 more status points to reach Silver", consoletest.Text(t, tab, "[data-test=upgrade-sentence]"))

	// A reason is required; nothing changes without one.
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=assign-section] summary")))
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=assign-form]").noValidate = true`))
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=assign-tier]"), "gold"), chromedp.Click(chromedp.CSS("[data-test=assign-submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-reason]")))
	require.Equal(t, "Enter a reason of at most 200 characters.", consoletest.Text(t, tab, "[data-test=error-reason]"))
	v, err := svc.MemberTier(ctx, tn.ID, c.ID, "en")
	require.NoError(t, err)
	require.Equal(t, tier.Code("orange"), v.Member.Tier)

	until := time.Now().AddDate(0, 2, 0).In(mustZone(t, "Asia/Shanghai")).Format(time.DateOnly)
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=assign-tier]"), "gold"), setValue("[data-test=assign-reason]", "VIP 名单"),
		setValue("[data-test=assign-until]", until), chromedp.Click(chromedp.CSS("[data-test=assign-submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=tier-flash]")))
	require.Equal(t, "Gold", consoletest.Text(t, tab, "[data-test=current-tier]"))
	require.Equal(t, "Valid until "+until, consoletest.Text(t, tab, "[data-test=validity]"))
	require.Equal(t, []string{"Set by hand | Orange → Gold | VIP 名单"}, browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("[data-test=change]")].map(e => [1, 2, 3].map(i => e.children[i].textContent.trim()).join(" | "))`)))
	v, err = svc.MemberTier(ctx, tn.ID, c.ID, "en")
	require.NoError(t, err)
	require.Equal(t, tier.Code("gold"), v.Member.Tier)
	tab.Screenshot(t, "customer-tier-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=customer-tier]")`)
	require.Equal(t, "金卡", consoletest.Text(t, tab, "[data-test=current-tier]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=tier-history]"), "手动调整")
	tab.Screenshot(t, "customer-tier-zh-CN")

	// Members by tier: counts, and the tier's members by name, linked to their view.
	tab.Run(t, chromedp.Navigate(b.URL+"/console/tiers/members?tier=gold"), chromedp.WaitVisible(chromedp.CSS("[data-test=tier-members]")))
	require.Equal(t, []string{"林晓 手动设定"}, texts(t, tab, "[data-test=member] td:first-child"))
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=count-gold] .big"))
	tab.Screenshot(t, "tiers-members-zh-CN")
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="en"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "en" && !!document.querySelector("[data-test=tier-members]")`)
	tab.Screenshot(t, "tiers-members-en")
	consoletest.NoNetworkErrorsBut422(t, tab)
}

// An analyst reads a customer's upgrade on their view, but sees no assignment form, and a
// post without tiers:write is refused.
func TestOnlyWhoMayWriteSetsTiers(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	svc := module.Get[*tiers.Service](b.App.Kernel)
	program(t, svc, tn)
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	amount := int64(100_000)
	_, err = b.App.Events.IngestBatch(ctx, tn.ID, []event.Draft{{ID: "POS-1", CustomerID: c.ID.String(), Type: event.TypePurchase,
		Channel: "pos", OccurredAt: time.Now().Add(-time.Minute), AmountFen: &amount, Items: []event.Item{{SKU: "gift-box", Quantity: 1}}}})
	require.NoError(t, err)
	jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus)
	tab := b.SignIn(t, "analyst@lotus.example")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-tier]")))
	require.Equal(t, "Silver", consoletest.Text(t, tab, "[data-test=current-tier]"))
	// Reached in this calendar year, kept through the next.
	require.Equal(t, fmt.Sprintf("Valid until %d-12-31", time.Now().In(mustZone(t, "Asia/Shanghai")).Year()+1),
		consoletest.Text(t, tab, "[data-test=validity]"))
	require.Equal(t, []string{"Upgrade | Orange → Silver | Qualified"}, browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("[data-test=change]")].map(e => [1, 2, 3].map(i => e.children[i].textContent.trim()).join(" | "))`)))
	tab.Screenshot(t, "customer-tier-upgraded-en")
	require.Zero(t, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=assign-form]").length`)))
	status := browsertest.Get(t, tab, chromedp.Evaluate[int](fmt.Sprintf(`fetch("/console/customers/%s/tier", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "tier=gold&reason=x&_csrf=" + encodeURIComponent(document.querySelector("input[name=_csrf]").value)}).then(r => r.status)`, c.ID), chromedp.EvalAwaitPromise))
	require.Equal(t, 403, status)
	v, err := svc.MemberTier(ctx, tn.ID, c.ID, "en")
	require.NoError(t, err)
	require.Equal(t, tier.Code("silver"), v.Member.Tier)
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}
