package rewards_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	domain "github.com/engagehq/engage/domain/points/rewards"
)

// A hundred customers claiming a reward with a stock of ten at once: ten vouchers, ten
// customers charged, the others refused as out of stock and charged nothing.
func TestHundredConcurrentClaimsOfAStockOfTenIssueTen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.reward(t, ptr(int64(10)), nil)
	cs := make([]uuid.UUID, 100)
	for i := range cs {
		cs[i] = b.customer(t, 800)
	}
	errs := make([]error, len(cs))
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() {
			_, errs[i] = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "k"})
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		if err == nil {
			ok++
			require.Equal(t, int64(300), b.balance(t, cs[i]))
			continue
		}
		require.ErrorIs(t, err, domain.ErrOutOfStock)
		require.Equal(t, int64(800), b.balance(t, cs[i]))
	}
	require.Equal(t, 10, ok)
	require.Equal(t, int64(10), b.claimed(t, r.ID))
	require.Equal(t, int64(10), b.count(t, `SELECT count(*) FROM reward_vouchers WHERE tenant_id = $1`))
	b.checkLedger(t)
}

// A hundred claims at once by one customer whose balance covers one: one voucher, one debit.
func TestHundredConcurrentClaimsAgainstABalanceForOneSucceedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.reward(t, nil, nil)
	c := b.customer(t, 700)
	errs := make([]error, 100)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: fmt.Sprintf("k-%d", i)})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, err, ledger.ErrInsufficient)
	}
	require.Equal(t, 1, ok)
	require.Equal(t, int64(200), b.balance(t, c))
	require.Equal(t, int64(1), b.claimed(t, r.ID), "refused claims give their stock back with their transaction")
	require.Equal(t, int64(1), b.count(t, `SELECT count(*) FROM reward_vouchers WHERE tenant_id = $1`))
	b.checkLedger(t)
}

// The same key claimed a hundred times at once, then again: one voucher, every answer it.
func TestRetriesWithTheSameKeyReplayTheFirstClaim(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.reward(t, ptr(int64(5)), nil)
	c := b.customer(t, 5000)
	out := make([]rewards.Claimed, 100)
	errs := make([]error, 100)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			out[i], errs[i] = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "same"})
		})
	}
	wg.Wait()
	fresh := 0
	for i := range out {
		require.NoError(t, errs[i])
		require.Equal(t, out[0].Voucher.ID, out[i].Voucher.ID)
		require.Equal(t, out[0].Voucher.Code, out[i].Voucher.Code)
		if !out[i].Replayed {
			fresh++
		}
	}
	require.Equal(t, 1, fresh)
	require.Equal(t, int64(4500), b.balance(t, c))
	require.Equal(t, int64(1), b.claimed(t, r.ID))
	// The key with another reward is refused at the key, and changes nothing.
	other := b.reward(t, nil, nil)
	_, err := b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: other.ID, Key: "same"})
	require.ErrorIs(t, err, rewards.ErrKeyReused)
	requireField(t, err, "key")
	require.Equal(t, int64(4500), b.balance(t, c))
	// Another customer may use the same key for a claim of their own.
	d := b.customer(t, 500)
	_, err = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: d, Reward: r.ID, Key: "same"})
	require.NoError(t, err)
	b.checkLedger(t)
}

// requireField asserts err names field.
func requireField(t testing.TB, err error, field string) {
	t.Helper()
	var names []string
	for _, fe := range fielderr.All(err) {
		names = append(names, fe.Field)
	}
	require.Contains(t, names, field, "%v", err)
}

// Bad claims are refused with the field at fault, and leave points, stock and vouchers as
// they were.
func TestBadClaimsAreRefusedAndChangeNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	open := b.reward(t, ptr(int64(3)), func(r *domain.Reward) { r.PerCustomer = 1 })
	weekly := b.reward(t, nil, func(r *domain.Reward) { r.Points = 10; r.PerPeriod = domain.Limit{Count: 1, Period: domain.PeriodWeek} })
	ended := b.reward(t, nil, func(r *domain.Reward) { r.ValidUntil = b.clock.Now().Add(-1) })
	later := b.reward(t, nil, func(r *domain.Reward) { r.ValidFrom = b.clock.Now().Add(24 * 3600 * 1e9) })
	paused := b.reward(t, nil, func(r *domain.Reward) { r.Status = domain.StatusPaused })
	gold := b.reward(t, nil, func(r *domain.Reward) {
		r.Eligibility.Conditions = []domain.Condition{{Attribute: "tier", Values: []string{"gold"}}}
	})
	dear := b.reward(t, nil, func(r *domain.Reward) { r.Points = 100000 })
	cash := b.reward(t, nil, func(r *domain.Reward) { r.CashFen = 990 })
	c := b.customer(t, 2000)
	_, err := b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: open.ID, Key: "first"})
	require.NoError(t, err)
	_, err = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: weekly.ID, Key: "weekly"})
	require.NoError(t, err)
	before := b.balance(t, c)
	vouchers := b.count(t, `SELECT count(*) FROM reward_vouchers WHERE tenant_id = $1`)
	for _, tc := range []struct {
		name  string
		claim rewards.Claim
		want  error
		field string
	}{
		{"unknown reward", rewards.Claim{Customer: c, Reward: uuid.New(), Key: "a"}, rewards.ErrRewardNotFound, "reward_id"},
		{"over the customer limit", rewards.Claim{Customer: c, Reward: open.ID, Key: "a"}, domain.ErrCustomerLimit, "reward_id"},
		{"over the weekly limit", rewards.Claim{Customer: c, Reward: weekly.ID, Key: "a"}, domain.ErrPeriodLimit, "reward_id"},
		{"expired reward", rewards.Claim{Customer: c, Reward: ended.ID, Key: "a"}, domain.ErrEnded, "reward_id"},
		{"not yet open", rewards.Claim{Customer: c, Reward: later.ID, Key: "a"}, domain.ErrNotYetOpen, "reward_id"},
		{"paused", rewards.Claim{Customer: c, Reward: paused.ID, Key: "a"}, domain.ErrUnavailable, "reward_id"},
		{"ineligible tier", rewards.Claim{Customer: c, Reward: gold.ID, Key: "a"}, domain.ErrIneligible, "customer_id"},
		{"not enough points", rewards.Claim{Customer: c, Reward: dear.ID, Key: "a"}, ledger.ErrInsufficient, "points"},
		{"cash unpaid", rewards.Claim{Customer: c, Reward: cash.ID, Key: "a"}, domain.ErrPaymentRequired, "payment_reference"},
		{"payment for no cash", rewards.Claim{Customer: c, Reward: dear.ID, Key: "b", PaymentReference: "wx-1"}, domain.ErrNoCash, "payment_reference"},
		{"no key", rewards.Claim{Customer: c, Reward: open.ID}, domain.ErrRequired, "key"},
	} {
		_, err := b.svc.Redeem(ctx, b.tn.ID, tc.claim)
		require.ErrorIs(t, err, tc.want, tc.name)
		requireField(t, err, tc.field)
	}
	_, err = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: uuid.New(), Reward: open.ID, Key: "a"})
	require.Error(t, err, "an unknown customer")
	require.Equal(t, before, b.balance(t, c))
	require.Equal(t, vouchers, b.count(t, `SELECT count(*) FROM reward_vouchers WHERE tenant_id = $1`))
	require.Equal(t, int64(1), b.claimed(t, open.ID))
	require.Zero(t, b.claimed(t, dear.ID))

	// Next week the weekly reward may be claimed again; a points + cash one with its payment.
	b.clock.set(b.clock.Now().AddDate(0, 0, 7))
	_, err = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: weekly.ID, Key: "weekly-2"})
	require.NoError(t, err)
	got, err := b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: cash.ID, Key: "cash", PaymentReference: "wx-42"})
	require.NoError(t, err)
	require.Equal(t, int64(990), got.Redemption.CashFen)
	require.Equal(t, "wx-42", got.Redemption.PaymentReference)
	b.checkLedger(t)
}

// Zero, negative and malformed rewards are refused field by field and saved nowhere.
func TestBadRewardsAreRefusedWithTheirFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.svc.Create(ctx, b.tn.ID, domain.Reward{Kind: domain.KindGift, Status: domain.StatusActive,
		Title: domain.Text{ZH: "礼品"}, Points: 0, CashFen: -1, Stock: ptr(int64(-3)), VoucherDays: 30})
	for _, f := range []string{"title.en", "points", "cash_fen", "stock"} {
		requireField(t, err, f)
	}
	require.Zero(t, b.count(t, `SELECT count(*) FROM rewards WHERE tenant_id = $1`))
	r := b.reward(t, ptr(int64(2)), nil)
	c := b.customer(t, 1000)
	_, err = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "a"})
	require.NoError(t, err)
	edit := r.Reward
	edit.Stock = ptr(int64(0))
	_, err = b.svc.Update(ctx, b.tn.ID, r.ID, edit)
	require.ErrorIs(t, err, domain.ErrStockBelowUsed)
	requireField(t, err, "stock")
	got, err := b.svc.Get(ctx, b.tn.ID, r.ID)
	require.NoError(t, err)
	require.Equal(t, int64(2), *got.Stock)
	_, err = b.svc.Update(ctx, b.tn.ID, uuid.New(), edit)
	require.ErrorIs(t, err, rewards.ErrRewardNotFound)
}
