package points_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
)

// Merging two customers through the customers module moves the duplicate's points to the
// survivor: the survivor's debt is settled from the points the duplicate brings, pending points
// stay pending, the history is the survivor's, and the ledger stays consistent.
func TestMergingCustomersMovesTheirPointsAndSettlesADebt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) { s.RefundPolicy = program.RefundAllowNegative })
	survivor, duplicate := b.customer(t), b.customer(t)
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(survivor, "s1", 4000))
	require.NoError(t, err)
	_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: survivor, Points: 40, Reference: "s-rdm"})
	require.NoError(t, err)
	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: survivor, PurchaseID: "s1", RefundID: "s-rfd", AmountFen: 4000})
	require.NoError(t, err)
	require.Equal(t, map[string][2]int64{"points": {-40, 0}, "status": {0, 0}}, b.balances(t, survivor))
	_, err = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(duplicate, "d1", 10000))
	require.NoError(t, err)
	b.program(t, func(s *program.Settings) {
		s.RefundPolicy = program.RefundAllowNegative
		s.PendingDays = 3
	})
	_, err = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(duplicate, "d2", 2500))
	require.NoError(t, err)
	b.work(t)

	_, err = b.app.Merges.Merge(ctx, b.tn.ID, survivor, duplicate)
	require.NoError(t, err)
	require.Equal(t, map[string][2]int64{"points": {60, 25}, "status": {100, 25}}, b.balances(t, survivor))
	_, err = b.svc.Wallets(ctx, b.tn.ID, duplicate)
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
	hist, err := b.svc.History(ctx, b.tn.ID, survivor, points.HistoryQuery{}, pageOf(50))
	require.NoError(t, err)
	purchases := map[string]bool{}
	for _, h := range hist {
		purchases[h.PurchaseID] = true
	}
	require.True(t, purchases["d1"] && purchases["d2"] && purchases["s1"], "the survivor's history has both")
	b.checkLedger(t, true)

	// The data download has the points section; the duplicate's refund is still the survivor's.
	d, err := b.app.Privacy.Export(ctx, b.tn.ID, survivor)
	require.NoError(t, err)
	got := d.Sections["points"].(pointsdb.Download)
	require.Len(t, got.Wallets, 2)
	_, err = b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: survivor, PurchaseID: "d1", RefundID: "d-rfd", AmountFen: 10000})
	require.NoError(t, err)
	require.Equal(t, map[string][2]int64{"points": {-40, 25}, "status": {0, 25}}, b.balances(t, survivor))
	b.checkLedger(t, true)
}
