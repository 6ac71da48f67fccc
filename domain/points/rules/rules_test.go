package rules_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/domain/points/rules"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func text(s string) rules.Text { return rules.Text{ZH: s, EN: s} }

func base() rules.Rule {
	return rules.Rule{Key: "base", Title: text("base"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 100}
}

func fen(n int64) *int64 { return &n }

// saturday is 2026-12-05 14:30 in Shanghai.
var saturday = time.Date(2026, 12, 5, 14, 30, 0, 0, shanghai)

func purchase(amount int64, at time.Time) rules.Purchase {
	return rules.Purchase{AmountFen: amount, OccurredAt: at, Store: "S01",
		Items: []rules.Item{{SKU: "a", Category: "shoes", Quantity: 1, PriceFen: fen(amount * 3 / 4)}, {SKU: "b", Category: "socks", Quantity: 1, PriceFen: fen(amount / 4)}}}
}

func TestPurchaseRulesEarnWithABreakdown(t *testing.T) {
	vip := uuid.New()
	gold := rules.Customer{Attributes: map[string]string{"tier": "gold"}, Segments: []uuid.UUID{vip}, BirthMonth: time.December, BirthDay: 5}
	stores := []rules.StoreCategory{{Key: "outlet", Title: text("outlet"), Stores: []string{"S01"}}}
	mult := func(k string, pct int64, st rules.Stacking, prio int, w rules.Conditions) rules.Rule {
		return rules.Rule{Key: k, Title: text(k), Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: pct, Stacking: st, Priority: prio, When: w}
	}
	bonus := func(k string, pts int64, st rules.Stacking, prio int, w rules.Conditions) rules.Rule {
		return rules.Rule{Key: k, Title: text(k), Wallet: ledger.Points, Kind: rules.KindBonus, Points: pts, Stacking: st, Priority: prio, When: w}
	}
	cases := []struct {
		name     string
		set      rules.Set
		p        rules.Purchase
		c        rules.Customer
		today    int64
		want     int64
		outcomes map[string]string
	}{
		{name: "base rate: a point per whole yuan", set: rules.Set{Rules: []rules.Rule{base()}}, p: purchase(12_345, saturday), want: 123},
		{name: "minimum spend not met", set: rules.Set{Rules: []rules.Rule{func() rules.Rule { r := base(); r.When.MinSpendFen = 20_000; return r }()}},
			p: purchase(12_345, saturday), want: 0, outcomes: map[string]string{"base": rules.NotMet}},
		{name: "double points at weekends", set: rules.Set{Rules: []rules.Rule{base(), mult("weekend", 200, rules.Stack, 0, rules.Conditions{Weekdays: []int{0, 6}})}},
			p: purchase(10_000, saturday), want: 200, outcomes: map[string]string{"weekend": rules.Applied}},
		{name: "not on a Monday", set: rules.Set{Rules: []rules.Rule{base(), mult("weekend", 200, rules.Stack, 0, rules.Conditions{Weekdays: []int{0, 6}})}},
			p: purchase(10_000, saturday.AddDate(0, 0, 2)), want: 100, outcomes: map[string]string{"weekend": rules.NotMet}},
		{name: "the weekday is the brand's: Saturday 01:00 in Shanghai is Friday in UTC",
			set: rules.Set{Rules: []rules.Rule{base(), mult("weekend", 200, rules.Stack, 0, rules.Conditions{Weekdays: []int{6}})}},
			p:   purchase(10_000, time.Date(2026, 12, 5, 1, 0, 0, 0, shanghai)), want: 200},
		{name: "happy hours wrap past midnight", set: rules.Set{Rules: []rules.Rule{base(), bonus("late", 50, rules.Stack, 0, rules.Conditions{FromHour: 22, ToHour: 2})}},
			p: purchase(10_000, time.Date(2026, 12, 5, 23, 0, 0, 0, shanghai)), want: 150},
		{name: "outside the hours", set: rules.Set{Rules: []rules.Rule{base(), bonus("late", 50, rules.Stack, 0, rules.Conditions{FromHour: 22, ToHour: 2})}},
			p: purchase(10_000, saturday), want: 100},
		{name: "date range in the brand's calendar", set: rules.Set{Rules: []rules.Rule{base(), bonus("dec", 10, rules.Stack, 0, rules.Conditions{FromDate: "2026-12-01", ToDate: "2026-12-05"})}},
			p: purchase(10_000, saturday), want: 110},
		{name: "after the date range", set: rules.Set{Rules: []rules.Rule{base(), bonus("dec", 10, rules.Stack, 0, rules.Conditions{FromDate: "2026-12-01", ToDate: "2026-12-04"})}},
			p: purchase(10_000, saturday), want: 100, outcomes: map[string]string{"dec": rules.NotMet}},
		{name: "store category multiplier", set: rules.Set{StoreCategories: stores, Rules: []rules.Rule{base(), mult("outlet", 150, rules.Stack, 0, rules.Conditions{StoreCategories: []string{"outlet"}})}},
			p: purchase(10_000, saturday), want: 150},
		{name: "product category multiplier multiplies its lines' spend only", set: rules.Set{Rules: []rules.Rule{base(), mult("shoes", 300, rules.Stack, 0, rules.Conditions{ProductCategories: []string{"shoes"}})}},
			p: purchase(10_000, saturday), want: 100 + 150},
		{name: "birthday day", set: rules.Set{Rules: []rules.Rule{base(), bonus("bday", 500, rules.Stack, 0, rules.Conditions{Birthday: rules.BirthdayDay})}},
			p: purchase(10_000, saturday), c: gold, want: 600},
		{name: "birthday month, not the day", set: rules.Set{Rules: []rules.Rule{base(), mult("bmonth", 200, rules.Stack, 0, rules.Conditions{Birthday: rules.BirthdayMonth})}},
			p: purchase(10_000, saturday.AddDate(0, 0, 3)), c: gold, want: 200},
		{name: "no birthday known", set: rules.Set{Rules: []rules.Rule{base(), bonus("bday", 500, rules.Stack, 0, rules.Conditions{Birthday: rules.BirthdayDay})}},
			p: purchase(10_000, saturday), want: 100, outcomes: map[string]string{"bday": rules.NotMet}},
		{name: "segment members get 2X", set: rules.Set{Rules: []rules.Rule{base(), mult("vip", 200, rules.Stack, 0, rules.Conditions{Segments: []uuid.UUID{vip}})}},
			p: purchase(10_000, saturday), c: gold, want: 200},
		{name: "a tier is an attribute condition", set: rules.Set{Rules: []rules.Rule{base(), mult("gold", 200, rules.Stack, 0, rules.Conditions{Attribute: &rules.AttributeCondition{Name: "tier", Values: []string{"gold", "platinum"}}})}},
			p: purchase(10_000, saturday), c: gold, want: 200},
		{name: "stack adds every rule", set: rules.Set{Rules: []rules.Rule{base(), mult("weekend", 200, rules.Stack, 2, rules.Conditions{}), bonus("b", 7, rules.Stack, 1, rules.Conditions{})}},
			p: purchase(10_000, saturday), want: 207},
		{name: "best of gives only the largest", set: rules.Set{Rules: []rules.Rule{base(), mult("x2", 200, rules.BestOf, 2, rules.Conditions{}), mult("x3", 300, rules.BestOf, 1, rules.Conditions{}), bonus("b", 7, rules.Stack, 0, rules.Conditions{})}},
			p: purchase(10_000, saturday), want: 100 + 200 + 7, outcomes: map[string]string{"x2": rules.NotBest, "x3": rules.Applied, "b": rules.Applied}},
		{name: "exclusive first applies alone", set: rules.Set{Rules: []rules.Rule{base(), mult("x5", 500, rules.Exclusive, 9, rules.Conditions{}), mult("x2", 200, rules.Stack, 1, rules.Conditions{})}},
			p: purchase(10_000, saturday), want: 500, outcomes: map[string]string{"x5": rules.Applied, "x2": rules.Excluded}},
		{name: "exclusive not first does not apply", set: rules.Set{Rules: []rules.Rule{base(), mult("x5", 500, rules.Exclusive, 1, rules.Conditions{}), mult("x2", 200, rules.Stack, 9, rules.Conditions{})}},
			p: purchase(10_000, saturday), want: 200, outcomes: map[string]string{"x5": rules.Excluded, "x2": rules.Applied}},
		{name: "an exclusive rule that does not hold leaves the others", set: rules.Set{Rules: []rules.Rule{base(), mult("x5", 500, rules.Exclusive, 9, rules.Conditions{Weekdays: []int{1}}), mult("x2", 200, rules.Stack, 1, rules.Conditions{})}},
			p: purchase(10_000, saturday), want: 200, outcomes: map[string]string{"x5": rules.NotMet, "x2": rules.Applied}},
		{name: "base of higher priority supersedes", set: rules.Set{StoreCategories: stores, Rules: []rules.Rule{base(),
			{Key: "outlet_base", Title: text("o"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 50, Priority: 5, When: rules.Conditions{StoreCategories: []string{"outlet"}}}}},
			p: purchase(10_000, saturday), want: 200, outcomes: map[string]string{"outlet_base": rules.Applied, "base": rules.Superseded}},
		{name: "a rule's own cap", set: rules.Set{Rules: []rules.Rule{base(), func() rules.Rule {
			r := mult("x3", 300, rules.Stack, 0, rules.Conditions{})
			r.MaxPoints = 50
			return r
		}()}},
			p: purchase(10_000, saturday), want: 150},
		{name: "cap per order", set: rules.Set{Rules: []rules.Rule{base(), mult("x2", 200, rules.Stack, 0, rules.Conditions{})}, Caps: []rules.Cap{{Wallet: ledger.Points, PerOrder: 150}}},
			p: purchase(10_000, saturday), want: 150, outcomes: map[string]string{rules.CapPerOrder: rules.Capped}},
		{name: "cap per day counts what was earned that day", set: rules.Set{Rules: []rules.Rule{base()}, Caps: []rules.Cap{{Wallet: ledger.Points, PerDay: 300}}},
			p: purchase(10_000, saturday), today: 250, want: 50, outcomes: map[string]string{rules.CapPerDay: rules.Capped}},
		{name: "cap per day already reached", set: rules.Set{Rules: []rules.Rule{base()}, Caps: []rules.Cap{{Wallet: ledger.Points, PerDay: 300}}},
			p: purchase(10_000, saturday), today: 400, want: 0},
		{name: "a multiplier without a base gives nothing", set: rules.Set{Rules: []rules.Rule{mult("x2", 200, rules.Stack, 0, rules.Conditions{})}},
			p: purchase(10_000, saturday), want: 0, outcomes: map[string]string{"x2": rules.NotMet}},
		{name: "zero amount", set: rules.Set{Rules: []rules.Rule{base(), mult("x2", 200, rules.Stack, 0, rules.Conditions{})}}, p: purchase(0, saturday), want: 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.set.Check([]ledger.Wallet{ledger.Points, ledger.Status}))
			res := rules.Evaluate(tc.set, tc.p, tc.c, map[ledger.Wallet]int64{ledger.Points: tc.today}, shanghai)
			require.Equal(t, tc.want, res.Points(ledger.Points))
			var sum int64
			got := map[string]string{}
			for _, l := range res.Lines {
				sum += l.Points
				k := l.Rule
				if k == "" {
					k = l.Kind
				}
				got[k] = l.Outcome
			}
			require.Equal(t, tc.want, sum, "the breakdown adds up to what is earned")
			for k, o := range tc.outcomes {
				require.Equal(t, o, got[k], k)
			}
		})
	}
}

func TestTheDefaultRuleSetEarnsAsTheBaseRate(t *testing.T) {
	rate := program.Rate{Points: 3, PerFen: 250, MinSpendFen: 1000, MaxPerOrder: 400}
	set := rules.FromRates([]rules.Rate{{Wallet: ledger.Points, Points: 3, PerFen: 250, MinSpendFen: 1000, MaxPerOrder: 400}})
	for _, amount := range []int64{0, 1, 999, 1000, 1249, 1250, 33_333, 1_000_000} {
		got := rules.Evaluate(set, rules.Purchase{AmountFen: amount, OccurredAt: saturday}, rules.Customer{}, nil, shanghai)
		require.Equal(t, rate.Earn(amount), got.Points(ledger.Points), "amount %d", amount)
	}
}

func TestLinesWithoutPricesShareTheAmountByQuantity(t *testing.T) {
	set := rules.Set{Rules: []rules.Rule{base(), {Key: "x2", Title: text("x"), Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: 200,
		When: rules.Conditions{ProductCategories: []string{"cd"}}}}}
	p := rules.Purchase{AmountFen: 9_000, OccurredAt: saturday, Items: []rules.Item{{SKU: "a", Category: "cd", Quantity: 2}, {SKU: "b", Category: "dvd", Quantity: 1}}}
	require.Equal(t, int64(90+60), rules.Evaluate(set, p, rules.Customer{}, nil, shanghai).Points(ledger.Points))
}

func TestBirthdayOn29FebruaryIsThe28thInOtherYears(t *testing.T) {
	set := rules.Set{Rules: []rules.Rule{base(), {Key: "bday", Title: text("b"), Wallet: ledger.Points, Kind: rules.KindBonus, Points: 9, When: rules.Conditions{Birthday: rules.BirthdayDay}}}}
	c := rules.Customer{BirthMonth: time.February, BirthDay: 29}
	at := func(y, m, d int) int64 {
		return rules.Evaluate(set, rules.Purchase{AmountFen: 100, OccurredAt: time.Date(y, time.Month(m), d, 12, 0, 0, 0, shanghai)}, c, nil, shanghai).Points(ledger.Points)
	}
	require.Equal(t, int64(10), at(2027, 2, 28))
	require.Equal(t, int64(1), at(2028, 2, 28))
	require.Equal(t, int64(10), at(2028, 2, 29))
}

func TestBadRuleSetsNameTheirFields(t *testing.T) {
	set := rules.Set{
		StoreCategories: []rules.StoreCategory{{Key: "Outlet", Title: text("o")}},
		Rules: []rules.Rule{
			{Key: "b", Title: rules.Text{ZH: "基础"}, Wallet: "nope", Kind: rules.KindBase, PerFen: 0},
			{Key: "b", Title: text("m"), Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: 50, Stacking: "sometimes",
				When: rules.Conditions{StoreCategories: []string{"mall"}, Weekdays: []int{7}, FromHour: 25, FromDate: "2026-12-31", ToDate: "2026-12-01", Birthday: "year"}},
			{Key: "bonus", Title: text("x"), Wallet: ledger.Points, Kind: "extra"},
		},
		Caps: []rules.Cap{{Wallet: ledger.Points, PerDay: -1}},
	}
	err := set.Check([]ledger.Wallet{ledger.Points, ledger.Status})
	var fields []string
	for _, fe := range fielderr.All(err) {
		fields = append(fields, fe.Field)
	}
	require.ElementsMatch(t, []string{"store_categories[0].key", "store_categories[0].stores",
		"rules[0].title.en", "rules[0].wallet", "rules[0].per_fen",
		"rules[1].key", "rules[1].stacking", "rules[1].percent", "rules[1].when.store_categories[0]", "rules[1].when.weekdays[0]",
		"rules[1].when.from_hour", "rules[1].when.to_date", "rules[1].when.birthday",
		"rules[2].kind", "caps[0].per_day"}, fields)
	require.True(t, errors.Is(err, rules.ErrUnknownStoreCategory))
}
