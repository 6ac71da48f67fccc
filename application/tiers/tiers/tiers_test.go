package tiers_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
)

// A purchase that reaches a threshold upgrades at once, exactly at the threshold; the tier goes
// into the customer attribute the points rules read; working the same jobs again counts nothing
// twice.
func TestAPurchaseUpgradesAtOnceExactlyAtTheThreshold(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, nil)
	c := b.customer(t)

	b.buy(t, c, 99_999)
	code, attr := b.tierOf(t, c)
	require.Equal(t, tier.Code("orange"), code, "one fen short of silver")
	require.Equal(t, "orange", attr, "a newcomer holds the lowest tier, in the attribute too")

	b.buy(t, c, 1)
	code, attr = b.tierOf(t, c)
	require.Equal(t, tier.Code("silver"), code, "exactly ¥1,000")
	require.Equal(t, "silver", attr)
	require.Equal(t, []string{"tier.upgraded:silver"}, b.published(t, c))

	v, err := b.svc.MemberTier(ctx, b.tn.ID, c, "zh-CN")
	require.NoError(t, err)
	require.Equal(t, tier.Figures{SpendFen: 100_000, Visits: 1, StatusPoints: 999}, v.Figures)
	require.Equal(t, time.Date(2028, 1, 1, 0, 0, 0, 0, shanghai), v.Member.ValidUntil.In(shanghai), "qualify in 2026, keep through 2027")
	require.Equal(t, "再消费4,000元、到店2次即可升级为金卡会员", v.Upgrade)
	require.Len(t, v.History, 1)
	require.Equal(t, tiers.Change{ID: v.History[0].ID, Customer: c, From: "orange", To: "silver", Kind: tier.KindUpgrade,
		Reason: "qualified", Figures: v.Figures, ValidUntil: v.History[0].ValidUntil, Actor: v.History[0].Actor,
		OccurredAt: v.History[0].OccurredAt}, v.History[0])

	// Every subscriber job of the brand worked again changes nothing.
	var before int64
	require.NoError(t, b.super.QueryRow(ctx, `SELECT sum(spend_fen) FROM tier_facts WHERE tenant_id = $1`, b.tn.ID.UUID()).Scan(&before))
	b.rerun(t)
	var after int64
	require.NoError(t, b.super.QueryRow(ctx, `SELECT sum(spend_fen) FROM tier_facts WHERE tenant_id = $1`, b.tn.ID.UUID()).Scan(&after))
	require.Equal(t, before, after)
	require.Equal(t, []string{"tier.upgraded:silver"}, b.published(t, c))
}

// Status points (成长值) the points module credits count on their own: with silver on 500 of
// them, a ¥500 purchase (500 status points by the default rate) reaches it. Visits count days.
func TestStatusPointsQualifyAndVisitsAreDays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	l := ladder()
	l[1].Criteria = []tier.Criterion{{Kind: tier.StatusPoints, Min: 500}}
	b.programOf(t, l, func(s *tier.Settings) { s.Window = tier.Rolling12Months })
	c := b.customer(t)
	b.buy(t, c, 50_000)
	code, _ := b.tierOf(t, c)
	require.Equal(t, tier.Code("silver"), code, "¥500 is 500 status points")

	// Two visits on the same day are one day of visits.
	for range 2 {
		_, err := b.app.Events.IngestBatch(ctx, b.tn.ID, []event.Draft{{ID: "v" + uuid.NewString(), CustomerID: c.String(),
			Type: event.TypeVisit, Channel: "pos", OccurredAt: b.clock.Now().Add(-time.Minute)}})
		require.NoError(t, err)
	}
	jobstest.WorkSubscribers(t, b.app.DB.Pool(), b.app.Bus)
	v, err := b.svc.MemberTier(ctx, b.tn.ID, c, "en")
	require.NoError(t, err)
	require.Equal(t, tier.Figures{SpendFen: 50_000, StatusPoints: 500, Visits: 1}, v.Figures)
	require.Equal(t, "Spend ¥4,500 more and visit 2 more times to reach Gold", v.Upgrade)
}

// Events for one customer worked at once in several transactions upgrade them once: each
// transaction locks the member's row before it reads the figures.
func TestConcurrentEventsUpgradeOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, nil)
	c := b.customer(t)
	b.buy(t, c, 1) // the member's row exists

	const n = 4
	evs := make([]event.Event, n)
	for i := range evs {
		amount := int64(100_000)
		evs[i] = event.Event{ID: uuid.NewString(), CustomerID: c, Type: event.TypePurchase, OccurredAt: b.clock.Now(), AmountFen: &amount}
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range evs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.app.DB.InTenant(ctx, b.tn.ID, func(ctx context.Context) error {
				return b.svc.Reactor().React(ctx, evs[i:i+1])
			})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, []string{"tier.upgraded:silver"}, b.published(t, c), "one upgrade, not one per transaction")
	v, err := b.svc.MemberTier(ctx, b.tn.ID, c, "en")
	require.NoError(t, err)
	require.Equal(t, int64(4*100_000+1), v.Figures.SpendFen)
	require.Len(t, v.History, 1)
}

// Status points of a customer merged away since (the points module's event still names them)
// leave no member and fail nothing: the subscriber's job does not retry for ever.
func TestStatusPointsOfACustomerGoneSinceFailNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, nil)
	data, err := json.Marshal(ledger.Changed{CustomerID: uuid.New(), OperationID: uuid.New(), OccurredAt: b.clock.Now(),
		Wallets: []ledger.Result{{Wallet: ledger.Status, Points: 5_000}}})
	require.NoError(t, err)
	sub := b.svc.StatusSubscriber("tiers")
	require.NoError(t, b.app.DB.InTenant(ctx, b.tn.ID, func(ctx context.Context) error {
		return sub.Handle(ctx, []ports.DomainEvent{{ID: uuid.New(), Type: ledger.TypeEarned, Data: data, OccurredAt: b.clock.Now()}})
	}))
}
