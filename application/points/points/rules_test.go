package points_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

func title(s string) rules.Text { return rules.Text{ZH: s + "（中文）", EN: s} }

// weekendSet is a point per yuan, double at weekends, status points at the base rate, and at
// most 500 points a day.
func weekendSet() rules.Set {
	return rules.Set{Rules: []rules.Rule{
		{Key: "base", Title: title("base"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 100},
		{Key: "status", Title: title("status"), Wallet: ledger.Status, Kind: rules.KindBase, Points: 1, PerFen: 100},
		{Key: "weekend", Title: title("weekend"), Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: 200,
			When: rules.Conditions{Weekdays: []int{0, 6}}},
	}, Caps: []rules.Cap{{Wallet: ledger.Points, PerDay: 500}}}
}

func (b *testBundle) version(t testing.TB, at time.Time, set rules.Set) rules.Version {
	t.Helper()
	v, err := b.svc.AddRuleVersion(ctx, b.tn.ID, rules.Version{EffectiveAt: at, Set: set, Note: "test"})
	require.NoError(t, err)
	return v
}

func earned(t testing.TB, e points.Earning, w ledger.Wallet) int64 {
	t.Helper()
	for _, r := range e.Wallets {
		if r.Wallet == w {
			return r.Points + r.Pending
		}
	}
	return 0
}

// A purchase earns under the version in effect when it happened: before the first version by
// the program's base rates, after it by its rules, whichever way it arrives.
func TestPurchasesEarnUnderTheVersionInEffectWhenTheyHappened(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.customer(t)
	now := b.clock.Now() // Tuesday 2026-03-10 10:00 in Shanghai
	saturday := time.Date(2026, 3, 14, 11, 0, 0, 0, shanghai)
	v := b.version(t, now.Add(time.Hour), weekendSet())
	require.Equal(t, 1, v.Number)

	// Before the version: the base rate (a point per yuan) even on a Saturday.
	p := b.purchase(c, "before", 10_000)
	p.OccurredAt = time.Date(2026, 3, 7, 11, 0, 0, 0, shanghai)
	e, err := b.svc.EarnPurchase(ctx, b.tn.ID, p)
	require.NoError(t, err)
	require.Equal(t, int64(100), earned(t, e, ledger.Points))

	b.clock.set(saturday.Add(time.Hour))
	p = b.purchase(c, "weekend-1", 10_000)
	p.OccurredAt = saturday
	e, err = b.svc.EarnPurchase(ctx, b.tn.ID, p)
	require.NoError(t, err)
	require.Equal(t, int64(200), earned(t, e, ledger.Points), "double at weekends")
	require.Equal(t, int64(100), earned(t, e, ledger.Status))

	// The activity stream's way: two purchases the same Saturday share the cap per day with the
	// till's (500 points a day): 200 + 200 + 100.
	amount := int64(10_000)
	var drafts []event.Draft
	for i := range 2 {
		drafts = append(drafts, event.Draft{ID: fmt.Sprintf("weekend-stream-%d", i), CustomerID: c.String(), Type: event.TypePurchase,
			Channel: "website", OccurredAt: saturday.Add(time.Duration(i+1) * time.Minute), AmountFen: &amount,
			Items: []event.Item{{SKU: "tea", Quantity: 1}}})
	}
	_, err = b.app.Events.IngestBatch(ctx, b.tn.ID, drafts)
	require.NoError(t, err)
	require.Positive(t, b.work(t))
	require.Equal(t, [2]int64{100 + 200 + 200 + 100, 0}, b.balances(t, c)["points"])

	// Retried at the till, the stream's purchase is the first earning.
	p = b.purchase(c, "weekend-stream-1", 10_000)
	p.OccurredAt, p.Channel = saturday.Add(2*time.Minute), "website"
	again, err := b.svc.EarnPurchase(ctx, b.tn.ID, p)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, int64(100), earned(t, again, ledger.Points), "capped at the day's 500")
	b.checkLedger(t, false)
}

// Concurrent earnings of one customer on one day never exceed the cap per day: each reads the
// day's earnings after the lock.
func TestConcurrentEarningsShareTheCapPerDay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.customer(t)
	b.version(t, b.clock.Now(), rules.Set{Rules: []rules.Rule{
		{Key: "base", Title: title("base"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 100},
	}, Caps: []rules.Cap{{Wallet: ledger.Points, PerDay: 1_000}}})
	b.clock.set(b.clock.Now().Add(time.Minute))
	var wg sync.WaitGroup
	errs := make([]error, 30)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, fmt.Sprintf("c-%d", i), 7_700))
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, [2]int64{1_000, 0}, b.balances(t, c)["points"], "30 × 77 points, capped at 1,000 a day")
	b.checkLedger(t, false)
}

// Birthdays and segment members: what the customers module knows of the customer.
func TestBirthdayAndSegmentBonusesReadTheCustomer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	name := "寿星"
	birth := time.Date(1990, 3, 10, 0, 0, 0, 0, time.UTC)
	bday, err := b.app.Customers.Create(ctx, b.tn.ID, customers.Patch{Name: &name, BirthDate: &birth})
	require.NoError(t, err)
	seg, err := b.app.Segments.Create(ctx, b.tn.ID, segments.Draft{Name: "所有人", Tree: map[string]any{"field": "purchase_count", "op": ">=", "value": 0}})
	require.NoError(t, err)
	outsider := b.customer(t) // created after the segment's members were computed
	b.version(t, b.clock.Now(), rules.Set{Rules: []rules.Rule{
		{Key: "base", Title: title("base"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 100},
		{Key: "birthday", Title: title("birthday"), Wallet: ledger.Points, Kind: rules.KindBonus, Points: 300,
			When: rules.Conditions{Birthday: rules.BirthdayDay}},
		{Key: "members", Title: title("members"), Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: 200,
			When: rules.Conditions{Segments: []uuid.UUID{seg.ID}}},
	}})
	b.clock.set(b.clock.Now().Add(time.Minute))
	e, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(bday.ID, "bday", 5_000))
	require.NoError(t, err)
	require.Equal(t, int64(50+50+300), earned(t, e, ledger.Points))
	// The ledger keeps which rules held, not the birthday or the segments.
	var details string
	require.NoError(t, b.super.QueryRow(ctx, `SELECT details::text FROM points_operations WHERE tenant_id = $1 AND purchase_id = 'bday'`,
		b.tn.ID.UUID()).Scan(&details))
	require.Contains(t, details, `"decided": ["birthday", "members"]`)
	require.NotContains(t, details, "birth_")
	require.NotContains(t, details, seg.ID.String())
	// Half refunded: what was kept earns under the same decisions (25 + 25 + 300).
	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: bday.ID, PurchaseID: "bday", RefundID: "half", AmountFen: 2_500})
	require.NoError(t, err)
	require.Equal(t, [2]int64{350, 0}, b.balances(t, bday.ID)["points"])
	e, err = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(outsider, "outsider", 5_000))
	require.NoError(t, err)
	require.Equal(t, int64(50), earned(t, e, ledger.Points))
}

// A partial refund of a purchase earned under a rule version recomputes what was kept under the
// same rules: product-category multipliers on the lines' shares, the minimum spend.
func TestPartialRefundRecomputesUnderThePurchasesRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.customer(t)
	b.version(t, b.clock.Now(), rules.Set{Rules: []rules.Rule{
		{Key: "base", Title: title("base"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 100,
			When: rules.Conditions{MinSpendFen: 3_000}},
		{Key: "tea", Title: title("tea"), Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: 300,
			When: rules.Conditions{ProductCategories: []string{"tea"}}},
	}})
	b.clock.set(b.clock.Now().Add(time.Minute))
	p := b.purchase(c, "order", 10_000)
	p.Items = []event.Item{{SKU: "oolong", Category: "tea", Quantity: 1, PriceFen: ptr(int64(5_000))}, {SKU: "cup", Category: "ware", Quantity: 1, PriceFen: ptr(int64(5_000))}}
	e, err := b.svc.EarnPurchase(ctx, b.tn.ID, p)
	require.NoError(t, err)
	require.Equal(t, int64(100+100), earned(t, e, ledger.Points), "base 100, tea's 50 tripled adds 100")
	// The rule set changes afterwards: the refund still recomputes with the purchase's version.
	b.version(t, b.clock.Now().Add(time.Minute), rules.Set{Rules: []rules.Rule{
		{Key: "base", Title: title("base"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 10, PerFen: 100}}})
	b.clock.set(b.clock.Now().Add(time.Hour))

	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "order", RefundID: "r1", AmountFen: 4_000})
	require.NoError(t, err)
	// 60 yuan kept: base 60, tea's share 30 tripled adds 60.
	require.Equal(t, [2]int64{120, 0}, b.balances(t, c)["points"])
	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "order", RefundID: "r2", AmountFen: 4_000})
	require.NoError(t, err)
	require.Equal(t, [2]int64{0, 0}, b.balances(t, c)["points"], "20 yuan kept is under the minimum spend")
	b.checkLedger(t, false)
}

func ptr[T any](v T) *T { return &v }

// Versions: bad rules name their fields and store nothing; a version never takes effect in the
// past, nor at another's instant; one in effect stays, one ahead may be withdrawn.
func TestRuleVersionsRefuseBadInputAndStayOnceInEffect(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := b.clock.Now()
	bad := weekendSet()
	bad.Rules[0].Wallet = "gold_coins"
	bad.Rules[2].Percent = 20
	_, err := b.svc.AddRuleVersion(ctx, b.tn.ID, rules.Version{EffectiveAt: now.Add(-time.Hour), Set: bad})
	var fields []string
	for _, fe := range fielderr.All(err) {
		fields = append(fields, fe.Field)
	}
	require.ElementsMatch(t, []string{"effective_at", "rules.rules[0].wallet", "rules.rules[2].percent"}, fields)
	vs, current, err := b.svc.RuleVersions(ctx, b.tn.ID)
	require.NoError(t, err)
	require.Empty(t, vs)
	require.Zero(t, current)

	first := b.version(t, now, weekendSet())
	ahead := b.version(t, now.Add(24*time.Hour), weekendSet())
	_, err = b.svc.AddRuleVersion(ctx, b.tn.ID, rules.Version{EffectiveAt: ahead.EffectiveAt, Set: weekendSet()})
	require.ErrorIs(t, err, points.ErrEffectiveTaken)
	require.ErrorIs(t, b.svc.WithdrawRuleVersion(ctx, b.tn.ID, first.Number), points.ErrVersionInEffect)
	require.ErrorIs(t, b.svc.WithdrawRuleVersion(ctx, b.tn.ID, 99), points.ErrVersionNotFound)
	require.NoError(t, b.svc.WithdrawRuleVersion(ctx, b.tn.ID, ahead.Number))
	vs, current, err = b.svc.RuleVersions(ctx, b.tn.ID)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	require.Equal(t, first.Number, current)
}

// Versions added at once are numbered one after the other.
func TestConcurrentVersionsGetTheirOwnNumbers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var wg sync.WaitGroup
	numbers := make([]int, 10)
	errs := make([]error, 10)
	for i := range numbers {
		wg.Go(func() {
			var v rules.Version
			v, errs[i] = b.svc.AddRuleVersion(ctx, b.tn.ID, rules.Version{EffectiveAt: b.clock.Now().Add(time.Duration(i+1) * time.Hour), Set: weekendSet()})
			numbers[i] = v.Number
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.ElementsMatch(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, numbers)
}
