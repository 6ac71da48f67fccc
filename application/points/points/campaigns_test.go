package points_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// campaign creates a campaign starting in an hour and lasting a day, and moves the clock into it.
func (b *testBundle) campaign(t testing.TB, edit func(c *campaigns.Campaign)) campaigns.Campaign {
	t.Helper()
	now := b.clock.Now()
	c := campaigns.Campaign{Name: rules.Text{ZH: "春季双倍积分", EN: "Spring double points"}, Wallet: ledger.Points,
		StartsAt: now.Add(time.Hour), EndsAt: now.Add(25 * time.Hour), Kind: rules.KindBonus, Points: 30, Budget: 1000}
	if edit != nil {
		edit(&c)
	}
	stored, err := b.svc.CreateCampaign(ctx, b.tn.ID, c)
	require.NoError(t, err)
	require.Equal(t, campaigns.Scheduled, stored.StateAt(now))
	b.clock.set(now.Add(2 * time.Hour))
	return stored
}

// Many purchases at once against one budget: the campaign issues exactly its budget, the
// purchase that would cross it gets what remains, those after it nothing, and the campaign
// stops, spent. Every purchase still earns its base points.
func TestConcurrentEarningsNeverOverspendACampaignsBudget(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.listen(t)
	c := b.campaign(t, nil) // 30 a purchase, 1,000 in all: 33 purchases in full, one of 10
	const n = 60
	customers := make([]uuid.UUID, n)
	for i := range customers {
		customers[i] = b.customer(t)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i, cu := range customers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(cu, fmt.Sprintf("p-%d", i), 10000))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := b.svc.Campaign(ctx, b.tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(1000), got.Issued)
	require.Equal(t, campaigns.Stopped, got.StateAt(b.clock.Now()))
	require.Equal(t, campaigns.StoppedBudget, got.StopReason)
	require.Equal(t, int64(34), got.Purchases)
	require.Equal(t, int64(34), got.Participants)
	require.Equal(t, int64(34*10000), got.SpendFen)

	var total, partial int64
	for _, cu := range customers {
		bal := b.balances(t, cu)["points"][0]
		require.Contains(t, []int64{100, 130, 110}, bal)
		total += bal - 100
		if bal == 110 {
			partial++
		}
	}
	require.Equal(t, int64(1000), total, "what the customers got is what the campaign issued")
	require.Equal(t, int64(1), partial, "one purchase got what remained")
	b.checkLedger(t, false)

	// The campaign's lines in the breakdowns add up to its budget too.
	var lines int64
	require.NoError(t, b.super.QueryRow(ctx, `SELECT coalesce(sum((c->>'points')::bigint), 0) FROM points_operations o,
		jsonb_array_elements(o.details->'campaigns') c WHERE o.tenant_id = $1`, b.tn.ID.UUID()).Scan(&lines))
	require.Equal(t, int64(1000), lines)
	require.Equal(t, []string{`{"name": {"en": "Spring double points", "zh_cn": "春季双倍积分"}, "budget": 1000, "issued": 1000, "reason": "budget"}`},
		b.stoppedEvents(t), "the campaign's stop is published once")
}

// stoppedEvents are the points.campaign_stopped events published, without their IDs and times.
func (b *testBundle) stoppedEvents(t *testing.T) []string {
	t.Helper()
	rows, err := b.super.Query(ctx, `SELECT (data::jsonb - 'campaign_id' - 'stopped_at')::text FROM domain_events
		WHERE tenant_id = $1 AND type = 'points.campaign_stopped' ORDER BY id`, b.tn.ID.UUID())
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// A multiplier gives the base points again on the days and segment it names; a retried
// purchase counts once; a partial refund takes back the campaign's share of what was refunded
// with the rest, and the budget does not get it back.
func TestACampaignMultiplierEarnsOnceAndARefundTakesItsShareBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := b.clock.Now().Add(2 * time.Hour)
	c := b.campaign(t, func(c *campaigns.Campaign) {
		c.Kind, c.Points, c.Percent = rules.KindMultiplier, 0, 200
		c.When = rules.Conditions{Weekdays: []int{int(now.In(shanghai).Weekday())}, MinSpendFen: 5000}
	})
	cu := b.customer(t)
	sim, err := b.svc.Simulate(ctx, b.tn.ID, points.Simulation{Purchase: b.purchase(cu, "", 12000)})
	require.NoError(t, err)
	require.Equal(t, int64(240), sim.Points(ledger.Points), "the simulator adds the campaign's points")
	last := sim.Lines[len(sim.Lines)-1]
	require.Equal(t, rules.Line{Rule: "campaign:" + c.ID.String(), Title: c.Name, Wallet: ledger.Points, Kind: points.LineCampaign,
		Outcome: rules.Applied, Points: 120}, last)
	for range 2 {
		e, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(cu, "order-1", 12000))
		require.NoError(t, err)
		require.Equal(t, int64(240), e.Wallets[0].Balance, "120 base points and 120 from the campaign")
	}
	_, err = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(cu, "small", 3000)) // under the campaign's min spend
	require.NoError(t, err)
	require.Equal(t, [2]int64{270, 0}, b.balances(t, cu)["points"])
	require.Equal(t, [2]int64{150, 0}, b.balances(t, cu)["status"], "the campaign earns into its wallet only")

	o, err := b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: cu, PurchaseID: "order-1", RefundID: "r1", AmountFen: 6000})
	require.NoError(t, err)
	require.Equal(t, ledger.Result{Wallet: ledger.Points, Points: -120, Balance: 150}, o.Wallets[0],
		"half refunded: 60 base points and 60 of the campaign's")
	got, err := b.svc.Campaign(ctx, b.tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, campaigns.Performance{Issued: 120, Participants: 1, Purchases: 1, SpendFen: 12000}, got.Performance)
	require.Equal(t, campaigns.Running, got.StateAt(b.clock.Now()))
	b.checkLedger(t, false)
}

// A campaign changes only while scheduled, stops by hand once, and members see the running
// ones whose conditions on them hold.
func TestCampaignsChangeWhileScheduledAndStopByHand(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.listen(t)
	start := b.clock.Now()
	_, err := b.svc.CreateCampaign(ctx, b.tn.ID, campaigns.Campaign{Name: rules.Text{ZH: "x"}, Wallet: "nope",
		StartsAt: start.Add(-time.Hour), EndsAt: start.Add(-2 * time.Hour), Kind: rules.KindMultiplier, Percent: 50})
	var fields []string
	for _, fe := range fielderr.All(err) {
		fields = append(fields, fe.Field)
	}
	require.ElementsMatch(t, []string{"name.en", "wallet", "ends_at", "percent", "budget", "starts_at"}, fields)

	c := b.campaign(t, nil)
	everyone := b.campaign(t, func(c *campaigns.Campaign) { c.Name.EN = "Later" })
	b.clock.set(start) // back before both start
	everyone.Budget = 5000
	updated, err := b.svc.UpdateCampaign(ctx, b.tn.ID, everyone)
	require.NoError(t, err)
	require.Equal(t, int64(5000), updated.Budget)

	b.clock.set(start.Add(3 * time.Hour))
	c.Budget = 1
	_, err = b.svc.UpdateCampaign(ctx, b.tn.ID, c)
	require.ErrorIs(t, err, campaigns.ErrNotScheduled)

	segment := uuid.New()
	gold, err := b.svc.CreateCampaign(ctx, b.tn.ID, campaigns.Campaign{Name: rules.Text{ZH: "会员日", EN: "Members' day"},
		Wallet: ledger.Points, StartsAt: b.clock.Now().Add(time.Minute), EndsAt: b.clock.Now().Add(time.Hour), Kind: rules.KindBonus,
		Points: 5, Budget: 100, When: rules.Conditions{Segments: []uuid.UUID{segment}}})
	require.NoError(t, err)
	b.clock.set(b.clock.Now().Add(2 * time.Minute))
	cu := b.customer(t)
	mine, lang, err := b.svc.MyCampaigns(ctx, b.tn.ID, cu, "en-US")
	require.NoError(t, err)
	require.Equal(t, "en", lang)
	var ids []uuid.UUID
	for _, m := range mine {
		ids = append(ids, m.ID)
	}
	require.ElementsMatch(t, []uuid.UUID{c.ID, everyone.ID}, ids, "not the segment's campaign: the customer is not in it")
	require.NotContains(t, ids, gold.ID)

	stopped, err := b.svc.StopCampaign(ctx, b.tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, campaigns.StoppedByHand, stopped.StopReason)
	require.Equal(t, []string{`{"name": {"en": "Spring double points", "zh_cn": "春季双倍积分"}, "budget": 1000, "issued": 0, "reason": "admin"}`},
		b.stoppedEvents(t))
	_, err = b.svc.StopCampaign(ctx, b.tn.ID, c.ID)
	require.ErrorIs(t, err, campaigns.ErrNotStoppable)
	_, err = b.svc.StopCampaign(ctx, b.tn.ID, uuid.New())
	require.ErrorIs(t, err, campaigns.ErrNotFound)
	e, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(cu, "after-stop", 10000))
	require.NoError(t, err)
	require.Equal(t, int64(130), e.Wallets[0].Balance, "100 base points and 30 of the campaign still running")
}

// A stored batch shares a budget among its purchases in order, in the subscriber's one
// transaction; the same batch worked again gives nothing more.
func TestABatchSharesTheBudgetInOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.campaign(t, func(c *campaigns.Campaign) { c.Budget = 75 }) // 30 a purchase: 30, 30, 15, 0
	cu := b.customer(t)
	var drafts []event.Draft
	for i := range 4 {
		amount := int64(10000)
		drafts = append(drafts, event.Draft{ID: fmt.Sprintf("batch-%d", i), CustomerID: cu.String(), Type: event.TypePurchase, Channel: "pos",
			OccurredAt: b.clock.Now().Add(-time.Duration(i) * time.Minute), AmountFen: &amount,
			Items: []event.Item{{SKU: "tea-oolong", Quantity: 1}}})
	}
	b.ingest(t, drafts...)
	require.Equal(t, [2]int64{475, 0}, b.balances(t, cu)["points"], "400 base points and the budget of 75")
	b.ingest(t, drafts...)
	got, err := b.svc.Campaign(ctx, b.tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, campaigns.Performance{Issued: 75, Participants: 1, Purchases: 3, SpendFen: 30000}, got.Performance)
	require.Equal(t, campaigns.StoppedBudget, got.StopReason)
	require.Equal(t, [2]int64{475, 0}, b.balances(t, cu)["points"])
	b.checkLedger(t, false)
}
