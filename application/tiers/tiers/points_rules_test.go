package tiers_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// A tier multiplier is a points rule on the attribute the tiers module fills: the purchase that
// reaches silver earns at the tier before it, the next one at silver's rate.
func TestATierMultiplierIsAPointsRuleOnTheTierAttribute(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, nil)
	pts := module.Get[*points.Service](b.app.Kernel)
	text := func(s string) rules.Text { return rules.Text{ZH: s + "（中文）", EN: s} }
	_, err := pts.AddRuleVersion(ctx, b.tn.ID, rules.Version{EffectiveAt: b.clock.Now().Add(time.Minute), Set: rules.Set{Rules: []rules.Rule{
		{Key: "base", Title: text("base"), Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 100},
		{Key: "status", Title: text("status"), Wallet: ledger.Status, Kind: rules.KindBase, Points: 1, PerFen: 100},
		{Key: "silver", Title: text("silver double"), Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: 200,
			When: rules.Conditions{Attribute: &rules.AttributeCondition{Name: "tier", Values: []string{"silver", "gold"}}}},
	}}})
	require.NoError(t, err)
	b.clock.set(b.clock.Now().Add(time.Hour))
	c := b.customer(t)
	balance := func() int64 {
		views, err := pts.Wallets(ctx, b.tn.ID, c)
		require.NoError(t, err)
		for _, v := range views {
			if v.Wallet == ledger.Points {
				return v.Balance
			}
		}
		return 0
	}
	b.buy(t, c, 100_000)
	require.Equal(t, int64(1_000), balance(), "the purchase reaching silver earns at orange")
	code, _ := b.tierOf(t, c)
	require.EqualValues(t, "silver", code)
	b.buy(t, c, 10_000)
	require.Equal(t, int64(1_000+200), balance(), "silver doubles")
}
