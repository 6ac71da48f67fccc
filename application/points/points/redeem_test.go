package points_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
)

// A hundred redemptions at once against a balance that covers one: exactly one succeeds, the
// others are refused as over the balance, and the balance ends at zero.
func TestHundredConcurrentRedemptionsAgainstABalanceForOneSucceedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.customer(t)
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "pos-1", 10000))
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 100)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 100, Reference: fmt.Sprintf("rdm-%d", i)})
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
	require.Equal(t, int64(0), b.balances(t, c)["points"][0])
	b.checkLedger(t, false)
}

func TestRedemptionsAreRefusedWithTheFieldAtFaultAndChangeNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.customer(t)
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "pos-1", 5000))
	require.NoError(t, err)
	for _, tc := range []struct {
		r    points.Redemption
		want error
	}{
		{points.Redemption{Customer: c, Points: 0, Reference: "a"}, ledger.ErrNotPositive},
		{points.Redemption{Customer: c, Points: -5, Reference: "a"}, ledger.ErrNotPositive},
		{points.Redemption{Customer: c, Points: 51, Reference: "a"}, ledger.ErrInsufficient},
		{points.Redemption{Customer: c, Points: 5, Reference: "a", Wallet: ledger.Status}, points.ErrNotSpendable},
		{points.Redemption{Customer: c, Points: 5, Reference: "a", Wallet: "coins"}, points.ErrUnknownWallet},
		{points.Redemption{Customer: b.customer(t), Points: 5, Reference: "a"}, ledger.ErrInsufficient},
		{points.Redemption{Customer: uuid.New(), Points: 5, Reference: "a"}, ports.ErrCustomerNotFound},
	} {
		_, err := b.svc.Redeem(ctx, b.tn.ID, tc.r)
		require.ErrorIs(t, err, tc.want, "%+v", tc.r)
	}
	_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 5})
	var fe *fielderr.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "reference", fe.Field)
	require.Equal(t, map[string][2]int64{"points": {50, 0}, "status": {50, 0}}, b.balances(t, c))

	first, err := b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 20, Reference: "rdm-1"})
	require.NoError(t, err)
	again, err := b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 20, Reference: "rdm-1"})
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, first.OperationID, again.OperationID)
	_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 21, Reference: "rdm-1"})
	require.ErrorIs(t, err, points.ErrReferenceReused)
	require.Equal(t, int64(30), b.balances(t, c)["points"][0])
	b.checkLedger(t, false)
}

// A program may add a wallet, but not drop one customers hold points in.
func TestAProgramKeepsTheWalletsInUse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) {
		s.Wallets = append(s.Wallets, program.Wallet{Key: "coins", Spendable: true, Rate: program.Rate{Points: 5, PerFen: 100},
			Expiry: program.NeverExpire})
	})
	c := b.customer(t)
	e, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "p1", 1000))
	require.NoError(t, err)
	require.Equal(t, []ledger.Wallet{ledger.Points, ledger.Status, "coins"}, []ledger.Wallet{e.Wallets[0].Wallet, e.Wallets[1].Wallet,
		e.Wallets[2].Wallet})
	require.Equal(t, int64(50), e.Wallets[2].Balance)
	err = b.svc.SetSettings(ctx, b.tn.ID, program.Defaults())
	require.ErrorIs(t, err, points.ErrWalletInUse)
	var fe *fielderr.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "wallets", fe.Field)
}
