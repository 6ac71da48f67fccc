package points_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
)

// The loop of a purchase paid partly with points: the customer earns on an earlier purchase,
// spends those points on the order, earns on the order, and the order is refunded (the refund
// sent twice). Under every refund policy no points are printed (the customer ends with what
// they had before the order) and none is charged twice. A brand that takes back pending points
// only holds purchase points for its return window: the refund comes within it.
func TestBuyEarnRedeemRefundPrintsNoPointsAndChargesNoneTwice(t *testing.T) {
	t.Parallel()
	for _, policy := range program.RefundPolicies {
		t.Run(string(policy), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			c := b.customer(t)
			_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "earlier", 20000)) // 200 points
			require.NoError(t, err)
			before := b.balances(t, c)
			b.program(t, func(s *program.Settings) {
				s.RefundPolicy = policy
				if policy == program.RefundPendingOnly {
					s.PendingDays = 14
				}
			})

			_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 150, Reference: "rdm-order", OrderID: "order-1"})
			require.NoError(t, err)
			_, err = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "order-1", 8800)) // 88 points on the cash part
			require.NoError(t, err)
			after := b.balances(t, c)["points"]
			require.Equal(t, int64(200-150+88), after[0]+after[1], "counting or pending")

			refund := points.Refund{Customer: c, PurchaseID: "order-1", RefundID: "rfd-1", AmountFen: 8800}
			first, err := b.svc.Refund(ctx, b.tn.ID, refund)
			require.NoError(t, err)
			again, err := b.svc.Refund(ctx, b.tn.ID, refund)
			require.NoError(t, err)
			require.True(t, again.Replayed)
			require.Equal(t, first.OperationID, again.OperationID)
			_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "order-1", RefundID: "rfd-2", AmountFen: 1})
			require.ErrorIs(t, err, points.ErrRefundTooLarge, "the order is refunded in full already")

			require.Equal(t, before, b.balances(t, c), "the order printed nothing and charged nothing")
			b.checkLedger(t, false)
		})
	}
}

// A partial refund recomputes the points of what was kept; refunds of a purchase never take
// back more than it earned, and add up to its amount at most.
func TestPartialRefundsTakeBackWhatTheRestDoesNotEarn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) {
		s.Wallets[0].Rate = program.Rate{Points: 1, PerFen: 100, MinSpendFen: 5000}
	})
	c := b.customer(t)
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "order-1", 12050)) // 120 points, 120 status points
	require.NoError(t, err)
	// The rules change after the purchase: the refunds still use the purchase's day's.
	b.program(t, func(s *program.Settings) { s.Wallets[0].Rate = program.Rate{Points: 10, PerFen: 100} })

	o, err := b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "order-1", RefundID: "r1", AmountFen: 2050})
	require.NoError(t, err) // kept 10000: 100 points
	require.Equal(t, []ledger.Result{{Wallet: ledger.Points, Points: -20, Balance: 100}, {Wallet: ledger.Status, Points: -20, Balance: 100}},
		o.Wallets)
	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "order-1", RefundID: "r2", AmountFen: 6000})
	require.NoError(t, err) // kept 4000, under the minimum spend: no points; status points 40
	require.Equal(t, map[string][2]int64{"points": {0, 0}, "status": {40, 0}}, b.balances(t, c))
	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "order-1", RefundID: "r3", AmountFen: 4001})
	require.ErrorIs(t, err, points.ErrRefundTooLarge)
	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "order-1", RefundID: "r3", AmountFen: 4000})
	require.NoError(t, err)
	require.Equal(t, map[string][2]int64{"points": {0, 0}, "status": {0, 0}}, b.balances(t, c))

	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "no-such-order", RefundID: "r4", AmountFen: 1})
	require.ErrorIs(t, err, points.ErrPurchaseNotFound)
	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: b.customer(t), PurchaseID: "order-1", RefundID: "r5", AmountFen: 1})
	require.ErrorIs(t, err, points.ErrPurchaseNotFound, "another customer's purchase")
	b.checkLedger(t, false)
}

// Pending points count after the program's days (the sweep releases them); a refund while they
// are pending cancels them, whatever the policy; a refund of points already spent leaves a debt
// where the brand allows it, repaid by the next purchase.
func TestPendingPointsReleaseOrAreCancelledAndDebtsAreRepaid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) {
		s.PendingDays = 7
		s.RefundPolicy = program.RefundAllowNegative
	})
	c := b.customer(t)
	start := b.clock.Now()
	e, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "p1", 5000))
	require.NoError(t, err)
	release := start.AddDate(0, 0, 7)
	require.Equal(t, int64(50), e.Wallets[0].Pending)
	require.Equal(t, release, e.Wallets[0].ReleasesAt.In(shanghai))
	_, err = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "p2", 3000))
	require.NoError(t, err)
	require.Equal(t, map[string][2]int64{"points": {0, 80}, "status": {0, 80}}, b.balances(t, c))

	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "p2", RefundID: "r-p2", AmountFen: 3000})
	require.NoError(t, err)
	require.Equal(t, map[string][2]int64{"points": {0, 50}, "status": {0, 50}}, b.balances(t, c), "cancelled while pending")

	b.clock.set(release.Add(-time.Second))
	swept, err := b.svc.Maintain(ctx, points.MaintainArgs{TenantID: b.tn.ID.UUID()})
	require.NoError(t, err)
	require.Zero(t, swept.Operations)
	b.clock.set(release)
	swept, err = b.svc.Maintain(ctx, points.MaintainArgs{TenantID: b.tn.ID.UUID()})
	require.NoError(t, err)
	require.Equal(t, 1, swept.Operations)
	require.Equal(t, map[string][2]int64{"points": {50, 0}, "status": {50, 0}}, b.balances(t, c))

	_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 40, Reference: "rdm"})
	require.NoError(t, err)
	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: "p1", RefundID: "r-p1", AmountFen: 5000})
	require.NoError(t, err)
	require.Equal(t, map[string][2]int64{"points": {-40, 0}, "status": {0, 0}}, b.balances(t, c), "a debt of the points spent")
	b.checkLedger(t, true)

	b.program(t, func(s *program.Settings) { s.RefundPolicy = program.RefundAllowNegative })
	_, err = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "p3", 10000))
	require.NoError(t, err)
	require.Equal(t, map[string][2]int64{"points": {60, 0}, "status": {100, 0}}, b.balances(t, c), "repaid by the next points")
	b.checkLedger(t, true)
}

// Points expiring at the end of the day in Shanghai count until 23:59:59.999999 there and are
// gone at midnight, whether or not the sweep ran; the sweep then writes the expiry, and warns
// of it once beforehand.
func TestExpiryAtMidnightInTheBrandsTimeZone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.listen(t)
	b.program(t, func(s *program.Settings) {
		s.Wallets[0].Expiry = program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 0, Period: program.Day}
		s.WarningDays = 1
	})
	c := b.customer(t)
	e, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "p1", 5000))
	require.NoError(t, err)
	midnight := time.Date(2026, 3, 11, 0, 0, 0, 0, shanghai)
	require.Equal(t, midnight, e.Wallets[0].ExpiresAt.In(shanghai))
	require.Nil(t, e.Wallets[1].ExpiresAt, "status points never expire")

	b.clock.set(time.Date(2026, 3, 10, 23, 59, 59, 0, shanghai))
	swept, err := b.svc.Maintain(ctx, points.MaintainArgs{TenantID: b.tn.ID.UUID()})
	require.NoError(t, err)
	require.Equal(t, points.Swept{Accounts: 1, Warnings: 1}, swept, "warned, nothing expired yet")
	swept, err = b.svc.Maintain(ctx, points.MaintainArgs{TenantID: b.tn.ID.UUID()})
	require.NoError(t, err)
	require.Zero(t, swept, "warned once")
	views, err := b.svc.Wallets(ctx, b.tn.ID, c)
	require.NoError(t, err)
	require.Equal(t, int64(50), views[0].Balance)
	next, ok := views[0].NextExpiry()
	require.True(t, ok)
	require.Equal(t, points.Bucket{At: midnight.UTC(), Points: 50}, next)
	_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 10, Reference: "last-second"})
	require.NoError(t, err, "a second before midnight they count")

	b.clock.set(midnight)
	require.Equal(t, int64(0), b.balances(t, c)["points"][0], "at midnight they are gone before any sweep")
	_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 1, Reference: "too-late"})
	require.ErrorIs(t, err, ledger.ErrInsufficient)
	swept, err = b.svc.Maintain(ctx, points.MaintainArgs{TenantID: b.tn.ID.UUID()})
	require.NoError(t, err)
	require.Equal(t, points.Swept{Accounts: 1, Operations: 1}, swept, "the refused redemption changed nothing: the sweep expires them")
	hist, err := b.svc.History(ctx, b.tn.ID, c, points.HistoryQuery{Wallet: ledger.Points, Kinds: points.HistoryKinds["expired"]},
		pageOf(10))
	require.NoError(t, err)
	require.Len(t, hist, 1)
	require.Equal(t, int64(-40), hist[0].Points)
	b.checkLedger(t, false)

	var published []string
	var expiring ledger.Expiring
	rows, err := b.super.Query(ctx, `SELECT type, data FROM domain_events WHERE type LIKE 'points.%' ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var typ string
		var data []byte
		require.NoError(t, rows.Scan(&typ, &data))
		published = append(published, typ)
		if typ == ledger.TypeExpiring {
			require.NoError(t, json.Unmarshal(data, &expiring))
		}
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{ledger.TypeEarned, ledger.TypeExpiring, ledger.TypeRedeemed, ledger.TypeExpired}, published)
	require.Equal(t, ledger.Expiring{CustomerID: c, Wallet: ledger.Points, Points: 50, ExpiresAt: midnight.UTC()}, expiring)
}
