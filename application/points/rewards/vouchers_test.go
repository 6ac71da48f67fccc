package rewards_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/domain/points/program"
	domain "github.com/engagehq/engage/domain/points/rewards"
)

// Cancelling a voucher gives its points and stock back once, however many cancel it at once
// and again; the customer may then claim it again within a per-customer limit of one.
func TestCancellingAVoucherRefundsPointsAndStockOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.reward(t, ptr(int64(1)), func(r *domain.Reward) { r.PerCustomer = 1 })
	c := b.customer(t, 600)
	got, err := b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "a"})
	require.NoError(t, err)
	require.Equal(t, int64(100), b.balance(t, c))
	out := make([]rewards.Cancelled, 20)
	errs := make([]error, 20)
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() { out[i], errs[i] = b.svc.Cancel(ctx, b.tn.ID, got.Voucher.ID, "customer asked") })
	}
	wg.Wait()
	fresh := 0
	for i := range out {
		require.NoError(t, errs[i])
		require.Equal(t, domain.StateCancelled, out[i].Voucher.State)
		if !out[i].Replayed {
			fresh++
			require.Equal(t, int64(500), out[i].Points.Wallets[0].Points)
		}
	}
	require.Equal(t, 1, fresh)
	again, err := b.svc.Cancel(ctx, b.tn.ID, got.Voucher.ID, "")
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, int64(600), b.balance(t, c))
	require.Zero(t, b.claimed(t, r.ID))
	require.Equal(t, int64(1), b.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'voucher.cancel'`))
	// A cancelled claim no longer counts against the limit, and the stock is there again.
	_, err = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "b"})
	require.NoError(t, err)
	require.Equal(t, int64(100), b.balance(t, c))
	b.checkLedger(t)
}

// Staff verify a voucher by code (as typed) or scanned payload and use it once; forged or
// foreign payloads name nothing; a used, cancelled or expired voucher cannot be used or
// cancelled.
func TestStaffVerifyAndUseVouchersOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.reward(t, nil, func(r *domain.Reward) { r.Points = 100; r.VoucherDays = 1 })
	c := b.customer(t, 1000)
	got, err := b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "a"})
	require.NoError(t, err)
	v := got.Voucher
	qr, err := b.svc.QR(ctx, b.tn.ID, v.Voucher)
	require.NoError(t, err)
	again, err := b.svc.QR(ctx, b.tn.ID, v.Voucher)
	require.NoError(t, err)
	require.Equal(t, qr, again, "one key per brand, kept")

	byCode, err := b.svc.Verify(ctx, b.tn.ID, rewards.Find{Code: strings.ToLower(strings.ReplaceAll(v.Code, "-", " "))})
	require.NoError(t, err)
	require.Equal(t, v.ID, byCode.ID)
	require.Equal(t, domain.StateIssued, byCode.State)
	byQR, err := b.svc.Verify(ctx, b.tn.ID, rewards.Find{QR: qr})
	require.NoError(t, err)
	require.Equal(t, v.ID, byQR.ID)
	forged := domain.SignQR([]byte(strings.Repeat("x", 32)), b.tn.ID.UUID(), v.ID, v.Code)
	for _, f := range []rewards.Find{{QR: forged}, {QR: "EVC1.nothing.here"}, {Code: "0000-0000-0000"}, {Code: "not a code"}, {}} {
		_, err := b.svc.Verify(ctx, b.tn.ID, f)
		require.Error(t, err, "%+v", f)
	}
	_, err = b.svc.Verify(ctx, b.tn.ID, rewards.Find{QR: forged})
	require.ErrorIs(t, err, rewards.ErrVoucherNotFound)

	// Two counters use it at once: one succeeds.
	errs := make([]error, 10)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { _, errs[i] = b.svc.Use(ctx, b.tn.ID, rewards.Find{QR: qr}, "sh-001") })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, err, domain.ErrVoucherUsed)
	}
	require.Equal(t, 1, ok)
	used, err := b.svc.Voucher(ctx, b.tn.ID, v.ID)
	require.NoError(t, err)
	require.Equal(t, domain.StateUsed, used.State)
	require.Equal(t, "sh-001", used.Store)
	_, err = b.svc.Cancel(ctx, b.tn.ID, v.ID, "")
	require.ErrorIs(t, err, domain.ErrVoucherUsed)
	require.Equal(t, int64(900), b.balance(t, c), "a used voucher gives nothing back")

	// A voucher of one day is usable to the end of the next day in Shanghai, then expired, swept
	// or not; the sweep stores it so.
	second, err := b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "b"})
	require.NoError(t, err)
	require.True(t, second.Voucher.ExpiresAt.Equal(time.Date(2026, 3, 12, 0, 0, 0, 0, shanghai)), second.Voucher.ExpiresAt.String())
	b.clock.set(time.Date(2026, 3, 12, 0, 0, 0, 0, shanghai))
	_, err = b.svc.Use(ctx, b.tn.ID, rewards.Find{Code: second.Voucher.Code}, "")
	require.ErrorIs(t, err, domain.ErrVoucherExpired)
	_, err = b.svc.Cancel(ctx, b.tn.ID, second.Voucher.ID, "")
	require.ErrorIs(t, err, domain.ErrVoucherExpired)
	listed, err := b.svc.Vouchers(ctx, b.tn.ID, rewards.VoucherQuery{Customer: c, States: []domain.State{domain.StateExpired}}, pageOf(10))
	require.NoError(t, err)
	require.Len(t, listed, 1)
	n, err := b.svc.Sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = b.svc.Sweep(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, int64(1), b.count(t, `SELECT count(*) FROM reward_vouchers WHERE tenant_id = $1 AND state = 'expired'`))
	require.Equal(t, int64(1), b.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'voucher.use'`))
	history, err := b.svc.Vouchers(ctx, b.tn.ID, rewards.VoucherQuery{Customer: c}, pageOf(10))
	require.NoError(t, err)
	require.Len(t, history, 2)
	require.Equal(t, second.Voucher.ID, history[0].ID, "newest first")
	require.Equal(t, "An oolong tea", history[0].Title.EN)
}

// Customers browse what is offered now, by category and points, or only what they may claim.
func TestCustomersBrowseTheCatalog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tea := b.reward(t, nil, func(r *domain.Reward) { r.Points = 100 })
	mug := b.reward(t, ptr(int64(0)), func(r *domain.Reward) { r.Points = 800; r.Category = "merch"; r.Kind = domain.KindPhysical })
	gold := b.reward(t, nil, func(r *domain.Reward) {
		r.Points = 300
		r.Eligibility.Conditions = []domain.Condition{{Attribute: "tier", Values: []string{"gold"}}}
	})
	b.reward(t, nil, func(r *domain.Reward) { r.Status = domain.StatusPaused })
	b.reward(t, nil, func(r *domain.Reward) { r.ValidUntil = b.clock.Now().Add(-time.Hour) })
	c := b.customer(t, 0)
	ids := func(os []rewards.Offer) []uuid.UUID {
		var out []uuid.UUID
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	all, err := b.svc.Browse(ctx, b.tn.ID, c, rewards.Query{}, false, pageOf(10))
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{tea.ID, gold.ID, mug.ID}, ids(all))
	require.NoError(t, all[0].Refusal)
	require.ErrorIs(t, all[1].Refusal, domain.ErrIneligible)
	require.ErrorIs(t, all[2].Refusal, domain.ErrOutOfStock)
	eligible, err := b.svc.Browse(ctx, b.tn.ID, c, rewards.Query{}, true, pageOf(10))
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{tea.ID}, ids(eligible))
	merch, err := b.svc.Browse(ctx, b.tn.ID, c, rewards.Query{Category: "merch"}, false, pageOf(10))
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{mug.ID}, ids(merch))
	ranged, err := b.svc.Browse(ctx, b.tn.ID, c, rewards.Query{MinPoints: 200, MaxPoints: 500}, false, pageOf(10))
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{gold.ID}, ids(ranged))
	_, err = b.svc.Browse(ctx, b.tn.ID, c, rewards.Query{MinPoints: 500, MaxPoints: 200}, false, pageOf(10))
	requireField(t, err, "max_points")
}

// Claims, uses and cancellations are published in their transactions, about their customer;
// a refused claim publishes nothing.
func TestVoucherEventsArePublishedWithTheirChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, _, err := b.app.Webhooks.Create(ctx, b.tn.ID, webhook.Draft{URL: "https://crm.example.com/hooks", EventTypes: domain.EventTypes})
	require.NoError(t, err)
	r := b.reward(t, ptr(int64(2)), nil)
	c := b.customer(t, 1200)
	one, err := b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "a"})
	require.NoError(t, err)
	two, err := b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "b"})
	require.NoError(t, err)
	_, err = b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "c"})
	require.ErrorIs(t, err, domain.ErrOutOfStock)
	_, err = b.svc.Use(ctx, b.tn.ID, rewards.Find{Code: one.Voucher.Code}, "sh-001")
	require.NoError(t, err)
	_, err = b.svc.Cancel(ctx, b.tn.ID, two.Voucher.ID, "")
	require.NoError(t, err)
	_, err = b.svc.Cancel(ctx, b.tn.ID, two.Voucher.ID, "")
	require.NoError(t, err)
	for typ, want := range map[string]int64{domain.TypeClaimed: 2, domain.TypeUsed: 1, domain.TypeCancelled: 1} {
		require.Equal(t, want, b.count(t, `SELECT count(*) FROM domain_events WHERE tenant_id = $1 AND type = $2 AND subject_id = $3`,
			typ, c), typ)
	}
}

// Points a cancelled voucher gives back keep the expiry they had: those whose expiry passed
// since the claim expire at once, and the rest count again.
func TestCancellingReturnsPointsWithTheirExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := program.Defaults()
	s.Wallets[0].Expiry = program.Expiry{Policy: program.ExpireEndOfPeriod, Period: program.Month}
	require.NoError(t, b.pts.SetSettings(ctx, b.tn.ID, s))
	r := b.reward(t, nil, func(r *domain.Reward) { r.Points = 500 })
	c := b.customer(t, 300) // expires at the end of March, Shanghai
	require.NoError(t, b.pts.SetSettings(ctx, b.tn.ID, program.Defaults()))
	_, err := b.pts.Adjust(ctx, b.tn.ID, points.Adjustment{Customer: c, Points: 300, ReasonCode: "goodwill"}) // never expires
	require.NoError(t, err)
	b.clock.set(time.Date(2026, 3, 31, 12, 0, 0, 0, shanghai))
	got, err := b.svc.Redeem(ctx, b.tn.ID, rewards.Claim{Customer: c, Reward: r.ID, Key: "a"})
	require.NoError(t, err)
	require.Equal(t, int64(100), b.balance(t, c))
	b.clock.set(time.Date(2026, 4, 2, 9, 0, 0, 0, shanghai))
	out, err := b.svc.Cancel(ctx, b.tn.ID, got.Voucher.ID, "")
	require.NoError(t, err)
	require.False(t, out.Replayed)
	// 300 of March's lot came back and expired at once; the 200 that never expire count again.
	require.Equal(t, int64(300), b.balance(t, c))
	b.checkLedger(t)
}
