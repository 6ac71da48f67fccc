package points_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// The simulator answers what earning then credits, with a line per rule, counting what the
// customer earned that day; it changes nothing.
func TestTheSimulatorAnswersWhatEarningCredits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.customer(t)
	b.version(t, b.clock.Now(), weekendSet())
	saturday := time.Date(2026, 3, 14, 11, 0, 0, 0, shanghai)
	b.clock.set(saturday.Add(time.Hour))
	for i := range 3 {
		p := b.purchase(c, fmt.Sprintf("s-%d", i), 15_000)
		p.OccurredAt = saturday.Add(time.Duration(i) * time.Minute)
		sim, err := b.svc.Simulate(ctx, b.tn.ID, points.Simulation{Purchase: p})
		require.NoError(t, err)
		require.Equal(t, 1, sim.Version)
		e, err := b.svc.EarnPurchase(ctx, b.tn.ID, p)
		require.NoError(t, err)
		require.Equal(t, earned(t, e, ledger.Points), sim.Points(ledger.Points), "purchase %d", i)
		require.Equal(t, earned(t, e, ledger.Status), sim.Points(ledger.Status))
		if i == 1 {
			require.Equal(t, int64(200), sim.Points(ledger.Points), "300 earned already, capped at 500")
			require.Equal(t, rules.Line{Wallet: ledger.Points, Kind: rules.CapPerDay, Outcome: rules.Capped, Points: -100}, sim.Lines[2], "the points wallet's lines, then the status wallet's")
		}
	}
	// A draft and another version; a customer not named earns without facts.
	draft := rules.Set{Rules: []rules.Rule{{Key: "x", Title: title("x"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 5, PerFen: 100}}}
	sim, err := b.svc.Simulate(ctx, b.tn.ID, points.Simulation{Purchase: points.Purchase{AmountFen: 1_000}, Draft: &draft})
	require.NoError(t, err)
	require.True(t, sim.Draft)
	require.Equal(t, int64(50), sim.Points(ledger.Points))
	_, err = b.svc.Simulate(ctx, b.tn.ID, points.Simulation{Purchase: points.Purchase{AmountFen: 1_000}, Version: 7})
	require.ErrorIs(t, err, points.ErrVersionNotFound)
	_, err = b.svc.Simulate(ctx, b.tn.ID, points.Simulation{Purchase: points.Purchase{AmountFen: -1, Items: []event.Item{{SKU: "a"}}}})
	var fields []string
	for _, fe := range fielderr.All(err) {
		fields = append(fields, fe.Field)
	}
	require.Equal(t, []string{"amount_fen", "items[0].quantity"}, fields)
	require.Equal(t, [2]int64{500, 0}, b.balances(t, c)["points"], "only the earnings credited")
}

// The change preview evaluates the stored purchases of the last 30 days both ways.
func TestTheChangePreviewEvaluatesTheLastThirtyDaysBothWays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, c := b.customer(t), b.customer(t)
	now := b.clock.Now() // Tuesday 2026-03-10
	var drafts []event.Draft
	add := func(id string, who fmt.Stringer, at time.Time, fen int64) {
		drafts = append(drafts, event.Draft{ID: id, CustomerID: who.String(), Type: event.TypePurchase, Channel: "pos", OccurredAt: at,
			AmountFen: &fen, Items: []event.Item{{SKU: "tea", Quantity: 1}}})
	}
	add("old", a, now.AddDate(0, 0, -40), 100_000)                      // before the window
	add("sat", a, time.Date(2026, 3, 7, 12, 0, 0, 0, shanghai), 10_000) // a Saturday
	add("mon", a, time.Date(2026, 3, 9, 12, 0, 0, 0, shanghai), 10_000) // a Monday
	add("sun", c, time.Date(2026, 2, 22, 12, 0, 0, 0, shanghai), 5_000) // a Sunday
	add("wed", c, time.Date(2026, 2, 25, 12, 0, 0, 0, shanghai), 5_000) // a Wednesday
	_, err := b.app.Events.IngestBatch(ctx, b.tn.ID, drafts)
	require.NoError(t, err)
	b.work(t)
	v := b.version(t, now.Add(24*time.Hour), weekendSet())

	pv, err := b.svc.PreviewChange(ctx, b.tn.ID, points.PreviewRequest{Version: v.Number})
	require.NoError(t, err)
	require.Equal(t, 4, pv.Purchases)
	require.Equal(t, 2, pv.Customers)
	require.Equal(t, 2, pv.Affected)
	require.Equal(t, []points.PreviewWallet{{Wallet: ledger.Points, Current: 300, Proposed: 450, Gaining: 2},
		{Wallet: ledger.Status, Current: 300, Proposed: 300}}, pv.Wallets)
	require.Equal(t, []points.PreviewCustomer{{Customer: a, Wallet: ledger.Points, Current: 200, Proposed: 300},
		{Customer: c, Wallet: ledger.Points, Current: 100, Proposed: 150}}, pv.Largest, "a gains 100 points, c 50; status points stay")
	var weekend int64
	for _, r := range pv.Rules {
		if r.Proposed && r.Rule == "weekend" {
			weekend = r.Points
			require.Equal(t, 2, r.Purchases)
		}
	}
	require.Equal(t, int64(150), weekend)

	_, err = b.svc.PreviewChange(ctx, b.tn.ID, points.PreviewRequest{Version: 9})
	require.ErrorIs(t, err, points.ErrVersionNotFound)
	_, err = b.svc.PreviewChange(ctx, b.tn.ID, points.PreviewRequest{Version: v.Number, Days: 400})
	require.Error(t, err)
}

// Customers read the rules in effect in their language, with tips written for them or said in
// words.
func TestCustomersReadTheRulesInTheirLanguage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.customer(t)
	tips, lang, err := b.svc.MyRules(ctx, b.tn.ID, c, "")
	require.NoError(t, err)
	require.Equal(t, "zh-CN", lang)
	require.Equal(t, []points.RuleTip{
		{Key: "base_points", Wallet: ledger.Points, Kind: rules.KindBase, Title: "消费积分", Tip: "每消费 1 元得 1 积分"},
		{Key: "base_status", Wallet: ledger.Status, Kind: rules.KindBase, Title: "消费积分", Tip: "每消费 1 元得 1 成长值"},
	}, tips, "the default rule set of the program's base rates")
	set := weekendSet()
	set.Rules[2].Tip = rules.Text{ZH: "周末消费双倍积分", EN: "Double points at weekends"}
	set.Rules[2].Priority = 5
	set.Rules = append(set.Rules, rules.Rule{Key: "ended", Title: title("ended"), Wallet: ledger.Points, Kind: rules.KindBonus, Points: 5,
		When: rules.Conditions{ToDate: "2026-03-01"}})
	b.version(t, b.clock.Now(), set)
	tips, lang, err = b.svc.MyRules(ctx, b.tn.ID, c, "en")
	require.NoError(t, err)
	require.Equal(t, "en", lang)
	require.Len(t, tips, 3, "the ended rule is left out")
	require.Equal(t, points.RuleTip{Key: "weekend", Wallet: ledger.Points, Kind: rules.KindMultiplier, Title: "weekend", Tip: "Double points at weekends"}, tips[0])
	require.Equal(t, "1 point for every ¥1 spent", tips[1].Tip)
}
