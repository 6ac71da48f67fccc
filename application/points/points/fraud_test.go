package points_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
)

// fraudRules sets the brand's fraud rules.
func (b *testBundle) fraudRules(t *testing.T, s fraud.Settings) {
	t.Helper()
	_, err := b.svc.PutFraudSettings(as("admin"), b.tn.ID, s)
	require.NoError(t, err)
}

// pendingFlags returns the brand's flags waiting for a decision, newest first.
func (b *testBundle) pendingFlags(t *testing.T) []points.Flag {
	t.Helper()
	fs, err := b.svc.FraudFlags(ctx, b.tn.ID, points.FlagQuery{Status: points.FlagPending}, pageOf(50))
	require.NoError(t, err)
	return fs
}

// More earnings of one customer than the velocity rule allows are credited held, flagged with
// the reason; an approval releases them exactly once however many admins approve at once.
func TestAVelocityBreachHoldsThePointsUntilAnApprovalReleasesThemOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fraudRules(t, fraud.Settings{Velocity: fraud.Window{Count: 2, Minutes: 10}})
	c := b.customer(t)
	for i := range 3 {
		e, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, fmt.Sprintf("v-%d", i), 10_000))
		require.NoError(t, err)
		require.Equal(t, i == 2, e.Held, "the third within ten minutes is held")
		b.clock.set(b.clock.Now().Add(time.Minute))
	}
	require.Equal(t, [2]int64{200, 100}, b.balances(t, c)["points"], "100 of the third purchase are held")
	views, err := b.svc.Wallets(ctx, b.tn.ID, c)
	require.NoError(t, err)
	require.Equal(t, int64(100), views[0].Held)
	require.Empty(t, views[0].Releases, "held points have no release date")
	flags := b.pendingFlags(t)
	require.Len(t, flags, 1)
	f := flags[0]
	require.Equal(t, []fraud.Reason{{Code: fraud.ReasonVelocity, Subject: fraud.Customer, Minutes: 10, Max: 2, Actual: 3}}, f.Reasons)
	require.Contains(t, f.Held, points.HeldPoints{Wallet: ledger.Points, Points: 100})
	require.Equal(t, "v-2", f.PurchaseID)
	b.checkLedger(t, false)

	// The sweep never releases held points.
	b.clock.set(b.clock.Now().AddDate(1, 0, 0))
	require.Equal(t, [2]int64{200, 100}, b.balances(t, c)["points"])

	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = b.svc.ApproveFlag(as("admin"), b.tn.ID, f.ID, points.Decision{Reason: "legitimate"})
		})
	}
	wg.Wait()
	var ok int
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, err, points.ErrFlagDecided)
	}
	require.Equal(t, 1, ok)
	require.Equal(t, [2]int64{300, 0}, b.balances(t, c)["points"])
	got, err := b.svc.FraudFlag(ctx, b.tn.ID, f.ID)
	require.NoError(t, err)
	require.Equal(t, points.FlagApproved, got.Status)
	require.Equal(t, []string{"points_fraud.approve"}, b.audited(t, f.ID.String()))
	b.checkLedger(t, false)
}

// A rejection cancels the held points; limits per store and per device hold what goes beyond
// them in the brand's day; a refund of a held purchase cancels from the held lot.
func TestLimitsPerStoreAndDeviceHoldAndARejectionCancels(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) { s.PendingDays = 3 })
	b.fraudRules(t, fraud.Settings{Limits: []fraud.Limit{
		{Subject: fraud.Store, Period: fraud.Day, Measure: fraud.Points, Max: 250},
		{Subject: fraud.Device, Period: fraud.Week, Measure: fraud.Earnings, Max: 1}}})
	c1, c2 := b.customer(t), b.customer(t)
	p := b.purchase(c1, "s-1", 20_000)
	p.Store = "SH01"
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, p)
	require.NoError(t, err)
	p = b.purchase(c2, "s-2", 10_000)
	p.Store = "SH01"
	e, err := b.svc.EarnPurchase(ctx, b.tn.ID, p)
	require.NoError(t, err)
	require.True(t, e.Held, "300 points at SH01 today is over 250")
	p = b.purchase(c2, "s-3", 5_000)
	p.Store = "BJ01"
	e, err = b.svc.EarnPurchase(ctx, b.tn.ID, p)
	require.NoError(t, err)
	require.False(t, e.Held, "another store")

	// Device limits count the activity stream's purchases with their device.
	b.clock.set(b.clock.Now().Add(time.Hour))
	for i := range 2 {
		p := b.purchase(c1, fmt.Sprintf("d-%d", i), 1_000)
		p.Device = "iphone-7f3a"
		_, err := b.svc.EarnPurchase(ctx, b.tn.ID, p)
		require.NoError(t, err)
	}
	flags := b.pendingFlags(t)
	require.Len(t, flags, 2)
	require.Equal(t, "d-1", flags[0].PurchaseID)
	require.Equal(t, fraud.Device, flags[0].Reasons[0].Subject)
	store := flags[1]
	require.Equal(t, fraud.Store, store.Reasons[0].Subject)
	require.False(t, store.ReleaseAt.IsZero(), "it would have been pending 3 days")

	_, err = b.svc.RejectFlag(as("admin"), b.tn.ID, store.ID, points.Decision{Reason: "confirmed_fraud", Note: "同一收银员刷单"})
	require.NoError(t, err)
	require.Equal(t, [2]int64{0, 50}, b.balances(t, c2)["points"], "the held 100 are cancelled, the 50 of BJ01 pending")
	_, err = b.svc.RejectFlag(as("admin"), b.tn.ID, store.ID, points.Decision{Reason: "confirmed_fraud"})
	require.ErrorIs(t, err, points.ErrFlagDecided)

	// Approving the device's flag makes its points pending until their release date.
	_, err = b.svc.ApproveFlag(as("admin"), b.tn.ID, flags[0].ID, points.Decision{Reason: "known_customer"})
	require.NoError(t, err)
	views, err := b.svc.Wallets(ctx, b.tn.ID, c1)
	require.NoError(t, err)
	require.Zero(t, views[0].Held)
	require.Len(t, views[0].Releases, 2)
	b.clock.set(b.clock.Now().AddDate(0, 0, 4))
	require.Equal(t, [2]int64{220, 0}, b.balances(t, c1)["points"])
	b.checkLedger(t, false)
}

// A redemption right after an unusual earning is refused and raises one flag; once an admin
// approves it, the customer redeems.
func TestARedemptionRightAfterAnUnusualEarningIsRefusedUntilApproved(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fraudRules(t, fraud.Settings{Redeem: fraud.RedeemAfter{Minutes: 30, Points: 500}})
	c := b.customer(t)
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "big", 100_000))
	require.NoError(t, err)
	b.clock.set(b.clock.Now().Add(5 * time.Minute))
	for i := range 2 {
		_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 900, Reference: fmt.Sprintf("r-%d", i)})
		require.ErrorIs(t, err, points.ErrRedemptionHeld)
	}
	require.Equal(t, int64(1000), b.balances(t, c)["points"][0], "nothing spent")
	flags := b.pendingFlags(t)
	require.Len(t, flags, 1, "one flag per unusual earning")
	require.Equal(t, points.FlagRedemption, flags[0].Kind)
	_, err = b.svc.ApproveFlag(as("admin"), b.tn.ID, flags[0].ID, points.Decision{Reason: "legitimate"})
	require.NoError(t, err)
	_, err = b.svc.Redeem(ctx, b.tn.ID, points.Redemption{Customer: c, Points: 900, Reference: "r-2"})
	require.NoError(t, err)
	require.Equal(t, int64(100), b.balances(t, c)["points"][0])
	b.checkLedger(t, false)
}

// Bad rules and decisions name their fields and change nothing.
func TestBadFraudInputNamesTheField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.svc.PutFraudSettings(as("admin"), b.tn.ID, fraud.Settings{RiskRank: 9})
	require.Equal(t, "risk_rank", fielderr.All(err)[0].Field)
	s, err := b.svc.FraudSettings(ctx, b.tn.ID)
	require.NoError(t, err)
	require.False(t, s.On())
	_, err = b.svc.ApproveFlag(as("admin"), b.tn.ID, [16]byte{1}, points.Decision{Reason: "because"})
	require.Equal(t, "reason", fielderr.All(err)[0].Field)
	_, err = b.svc.ApproveFlag(as("admin"), b.tn.ID, [16]byte{1}, points.Decision{Reason: "legitimate"})
	require.ErrorIs(t, err, points.ErrFlagNotFound)
}

// Many referrals from one device within the window hold both sides' awards of those beyond it;
// a purchase from the activity stream is counted under the device its payload names.
func TestManyReferralsFromOneDeviceAreHeld(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.rule(t, actions.Rule{Key: "refer", Action: actions.Referral, Points: 200, RefereePoints: 100, Limit: actions.Limit{Count: 1, Period: actions.Ever}})
	b.fraudRules(t, fraud.Settings{Referrals: fraud.Window{Count: 2, Minutes: 60}})
	referrer := b.customer(t)
	var friends []uuid.UUID
	for i := range 3 {
		f := b.customer(t)
		friends = append(friends, f)
		b.ingest(t, event.Draft{ID: fmt.Sprintf("ref-%d", i), CustomerID: f.String(), Type: event.TypeReferral, Channel: "mini_program",
			OccurredAt: b.clock.Now(), Payload: map[string]any{"referrer_id": referrer.String(), points.PayloadDevice: "android-42"}})
	}
	require.Equal(t, [2]int64{400, 200}, b.balances(t, referrer)["points"], "the third friend's 200 are held")
	require.Equal(t, [2]int64{0, 100}, b.balances(t, friends[2])["points"])
	flags := b.pendingFlags(t)
	require.Len(t, flags, 2, "both sides of the third referral")
	for _, f := range flags {
		require.Equal(t, points.FlagKind(fraud.Referral), f.Kind)
		require.Equal(t, fraud.Device, f.Reasons[0].Subject)
	}
	b.checkLedger(t, false)
}

// A merge makes the duplicate's held points and their flag the survivor's: the approval then
// releases them into the survivor's balance. Receipts of one store beyond the window are held.
func TestAMergedDuplicatesFlagIsTheSurvivorsAndReceiptsPerStoreAreHeld(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fraudRules(t, fraud.Settings{Receipts: fraud.Window{Count: 1, Minutes: 30}})
	survivor, duplicate := b.customer(t), b.customer(t)
	for i, c := range []uuid.UUID{survivor, duplicate} {
		p := b.purchase(c, fmt.Sprintf("receipt-%d", i), 5_000)
		p.Store = "SH01"
		e, err := b.svc.EarnPurchase(ctx, b.tn.ID, p)
		require.NoError(t, err)
		require.Equal(t, i == 1, e.Held, "the second receipt of SH01 within 30 minutes")
	}
	flags := b.pendingFlags(t)
	require.Len(t, flags, 1)
	require.Equal(t, points.FlagKind(fraud.Receipt), flags[0].Kind)
	_, err := b.app.Merges.Merge(ctx, b.tn.ID, survivor, duplicate)
	require.NoError(t, err)
	_, err = b.svc.ApproveFlag(as("admin"), b.tn.ID, flags[0].ID, points.Decision{Reason: "store_event"})
	require.NoError(t, err)
	require.Equal(t, [2]int64{100, 0}, b.balances(t, survivor)["points"])
	b.checkLedger(t, false)
}
