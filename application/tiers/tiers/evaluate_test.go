package tiers_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
)

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, shanghai) }

// The evaluation at the end of a validity renews the members whose figures in the period just
// ended still qualify and downgrades the others, only then (never mid-period), in the brand's
// zone; a second run at the same time changes nothing.
func TestTheEvaluationRenewsAndDowngradesWhenDue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *tier.Settings) { s.Validity = tier.EndOfPeriod })
	keeps, lapses := b.customer(t), b.customer(t)
	for day := range 3 {
		b.clock.set(at(2026, 3, 10+day, 10))
		b.buy(t, keeps, 200_000)
		b.buy(t, lapses, 200_000)
	}
	code, _ := b.tierOf(t, keeps)
	require.Equal(t, tier.Code("gold"), code)

	b.clock.set(at(2026, 12, 31, 23))
	require.Zero(t, b.evaluate(t), "nobody is due in the period")

	// 16:30 UTC on 31 December is 00:30 on 1 January in Shanghai.
	b.clock.set(time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC))
	require.Equal(t, 2, b.evaluate(t), "both renewed on 2026's figures")
	v, err := b.svc.MemberTier(ctx, b.tn.ID, lapses, "en")
	require.NoError(t, err)
	require.Equal(t, at(2028, 1, 1, 0), v.Member.ValidUntil.In(shanghai), "kept through 2027")
	require.Equal(t, tiers.Change{ID: v.History[0].ID, Customer: lapses, From: "gold", To: "gold", Kind: tier.KindRenewal,
		Reason: "evaluation", Figures: tier.Figures{SpendFen: 600_000, Visits: 3, StatusPoints: 6_000}, ValidUntil: v.History[0].ValidUntil,
		Actor: "evaluation", OccurredAt: v.History[0].OccurredAt}, v.History[0])
	require.Equal(t, "To keep Gold after 31 Dec, spend ¥5,000 more and visit 3 more times", v.Keep)

	for day := range 3 {
		b.clock.set(at(2027, 5, 1+day, 10))
		b.buy(t, keeps, 200_000)
	}
	// 30 days ahead (the default), the member whose 2027 would lower them is told, once.
	b.clock.set(at(2027, 12, 1, 1))
	require.Zero(t, b.evaluate(t))
	require.Equal(t, []string{"tier.upgraded:silver", "tier.upgraded:gold", "tier.renewed:gold"}, b.published(t, lapses), "not yet")
	b.clock.set(at(2027, 12, 5, 10))
	require.Zero(t, b.evaluate(t))
	b.clock.set(at(2027, 12, 6, 10))
	require.Zero(t, b.evaluate(t))
	require.Equal(t, []string{"tier.upgraded:silver", "tier.upgraded:gold", "tier.renewed:gold"}, b.published(t, keeps),
		"the member who keeps gold is not warned")
	var missing string
	require.NoError(t, b.super.QueryRow(ctx, `SELECT data->>'missing' FROM domain_events WHERE type = 'tier.will_downgrade'
		AND data->>'customer_id' = $1`, lapses.String()).Scan(&missing))
	require.JSONEq(t, `[{"kind":"spend","min":500000,"have":0,"short":500000},{"kind":"visits","min":3,"have":0,"short":3}]`, missing)

	b.clock.set(at(2028, 1, 1, 1))
	require.Equal(t, 2, b.evaluate(t))
	code, attr := b.tierOf(t, lapses)
	require.Equal(t, tier.Code("orange"), code, "recalculated to what 2027 qualifies for")
	require.Equal(t, "orange", attr)
	code, _ = b.tierOf(t, keeps)
	require.Equal(t, tier.Code("gold"), code)
	require.Equal(t, []string{"tier.upgraded:silver", "tier.upgraded:gold", "tier.renewed:gold", "tier.will_downgrade:orange",
		"tier.downgraded:orange"}, b.published(t, lapses))
	require.Zero(t, b.evaluate(t), "evaluated already")
}

// At most one level: a gold member who did nothing drops to silver, not to the lowest tier.
func TestAtMostOneLevelPerEvaluation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *tier.Settings) { s.Validity, s.Downgrade = tier.EndOfPeriod, tier.OneLevel })
	c := b.customer(t)
	for day := range 3 {
		b.clock.set(at(2026, 3, 10+day, 10))
		b.buy(t, c, 200_000)
	}
	b.clock.set(at(2028, 1, 1, 1))
	require.Equal(t, 1, b.evaluate(t))
	code, _ := b.tierOf(t, c)
	require.Equal(t, tier.Code("silver"), code)
}

// A manual tier outranks the rules until it expires; the evaluation after recalculates it.
func TestAManualTierOutranksTheRulesUntilItExpires(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, nil)
	c := b.customer(t)
	until := at(2026, 6, 1, 0)
	m, err := b.svc.Assign(ctx, b.tn.ID, tiers.Assignment{Customer: c, Tier: "gold", Reason: "VIP 名单", Until: &until})
	require.NoError(t, err)
	require.True(t, m.Manual)
	code, attr := b.tierOf(t, c)
	require.Equal(t, tier.Code("gold"), code)
	require.Equal(t, "gold", attr)

	b.buy(t, c, 100_000)
	code, _ = b.tierOf(t, c)
	require.Equal(t, tier.Code("gold"), code, "a purchase does not touch a manual tier")

	b.clock.set(at(2026, 5, 31, 23))
	require.Zero(t, b.evaluate(t))
	b.clock.set(at(2026, 6, 1, 1))
	require.Equal(t, 1, b.evaluate(t))
	code, attr = b.tierOf(t, c)
	require.Equal(t, tier.Code("orange"), code, "2025 qualifies for nothing")
	require.Equal(t, "orange", attr)
	require.Equal(t, []string{"tier.upgraded:gold", "tier.expired:orange"}, b.published(t, c))

	_, err = b.svc.Assign(ctx, b.tn.ID, tiers.Assignment{Customer: c, Tier: "diamond", Reason: "x"})
	require.ErrorIs(t, err, tiers.ErrUnknownTier)
	_, err = b.svc.Assign(ctx, b.tn.ID, tiers.Assignment{Customer: c, Tier: "gold"})
	require.ErrorIs(t, err, tiers.ErrReason)
}

// Anniversary windows are each member's own, from the day their first figure was counted, and
// the evaluation in SQL agrees with the domain's windows.
func TestAnniversaryWindowsAreEachMembersOwn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clock.set(at(2025, 5, 1, 10))
	b.program(t, func(s *tier.Settings) { s.Window, s.Validity = tier.Anniversary, tier.EndOfPeriod })
	c := b.customer(t)
	for day := range 3 {
		b.clock.set(at(2025, 5, 20+day, 10))
		b.buy(t, c, 200_000)
	}
	v, err := b.svc.MemberTier(ctx, b.tn.ID, c, "en")
	require.NoError(t, err)
	require.Equal(t, tier.Code("gold"), v.Member.Tier)
	require.Equal(t, at(2026, 5, 20, 0), v.Member.ValidUntil.In(shanghai), "the first anniversary")

	b.clock.set(at(2026, 5, 19, 23))
	require.Zero(t, b.evaluate(t))
	b.clock.set(at(2026, 5, 20, 1))
	require.Equal(t, 1, b.evaluate(t))
	v, err = b.svc.MemberTier(ctx, b.tn.ID, c, "en")
	require.NoError(t, err)
	require.Equal(t, tier.KindRenewal, v.History[0].Kind)
	require.Equal(t, tier.Figures{SpendFen: 600_000, StatusPoints: 6_000, Visits: 3}, v.History[0].Figures)
	s := tier.DefaultSettings
	s.Window, s.Validity = tier.Anniversary, tier.EndOfPeriod
	require.Equal(t, s.EvaluatedValidUntil(b.clock.Now(), at(2025, 5, 20, 0), shanghai), v.Member.ValidUntil.In(shanghai))
	require.Equal(t, at(2027, 5, 20, 0), v.Member.ValidUntil.In(shanghai))
}

// A refund takes back status points: with refunds counting, the figures show it at once, but
// the tier goes down only at the evaluation when its validity ends.
func TestARefundLowersTheFiguresButDowngradesOnlyAtEvaluation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	l := ladder()
	l[1].Criteria = []tier.Criterion{{Kind: tier.StatusPoints, Min: 500}}
	b.programOf(t, l, func(s *tier.Settings) { s.Validity, s.RefundsDowngrade = tier.EndOfPeriod, true })
	c := b.customer(t)
	purchase := b.buy(t, c, 50_000)
	code, _ := b.tierOf(t, c)
	require.Equal(t, tier.Code("silver"), code)

	_, err := module.Get[*points.Service](b.app.Kernel).Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: purchase,
		RefundID: "r1", AmountFen: 20_000})
	require.NoError(t, err)
	jobstest.WorkSubscribers(t, b.app.DB.Pool(), b.app.Bus)
	v, err := b.svc.MemberTier(ctx, b.tn.ID, c, "zh-CN")
	require.NoError(t, err)
	require.Equal(t, int64(300), v.Figures.StatusPoints, "200 status points taken back")
	require.Equal(t, tier.Code("silver"), v.Member.Tier, "no downgrade mid-period")
	require.Equal(t, "12月31日前再获得200成长值即可保级银卡", v.Keep)
	require.Zero(t, b.evaluate(t))

	b.clock.set(at(2027, 1, 1, 1))
	require.Equal(t, 1, b.evaluate(t))
	code, _ = b.tierOf(t, c)
	require.Equal(t, tier.Code("orange"), code, "counted at the evaluation")
}

// With upgrades starting at the next period, purchases move nobody: the evaluation at the
// period's start does, on the figures of the period just ended. In manual mode it does nothing.
func TestUpgradesAtTheNextPeriodWaitForTheEvaluation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *tier.Settings) { s.Start = tier.NextPeriod })
	c := b.customer(t)
	for day := range 3 {
		b.clock.set(at(2026, 3, 10+day, 10))
		b.buy(t, c, 200_000)
	}
	code, attr := b.tierOf(t, c)
	require.Equal(t, tier.Code("orange"), code)
	require.Equal(t, "orange", attr)
	require.Zero(t, b.evaluate(t), "2025 qualifies for nothing")

	b.clock.set(at(2027, 1, 1, 1))
	b.programOf(t, ladder(), func(s *tier.Settings) { s.Start, s.Mode = tier.NextPeriod, tier.Manual })
	require.Zero(t, b.evaluate(t), "manual mode")
	b.program(t, func(s *tier.Settings) { s.Start = tier.NextPeriod })
	require.Equal(t, 1, b.evaluate(t))
	v, err := b.svc.MemberTier(ctx, b.tn.ID, c, "en")
	require.NoError(t, err)
	require.Equal(t, tier.Code("gold"), v.Member.Tier)
	require.Equal(t, at(2028, 1, 1, 0), v.Member.ValidUntil.In(shanghai), "qualify in 2026, keep through 2027")
	require.Equal(t, tier.KindUpgrade, v.History[0].Kind)
}
