package tiers_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/tiers/tier"
)

// The console's members by tier: counts per tier, and each tier's members in pages.
func TestMembersAreCountedAndListedByTier(t *testing.T) {
	t.Parallel()
	b := setupQuiet(t)
	b.program(t, nil)
	a, c, d := b.customer(t), b.customer(t), b.customer(t)
	b.buy(t, a, 100_000)
	b.buy(t, c, 100_000)
	b.buy(t, d, 100)

	counts, err := b.svc.Counts(ctx, b.tn.ID)
	require.NoError(t, err)
	require.Equal(t, map[tier.Code]int64{"orange": 1, "silver": 2}, counts)
	first, err := b.svc.Members(ctx, b.tn.ID, "silver", uuid.Nil, 1)
	require.NoError(t, err)
	require.Len(t, first, 1)
	rest, err := b.svc.Members(ctx, b.tn.ID, "silver", first[0].Customer, 10)
	require.NoError(t, err)
	require.Len(t, rest, 1)
	require.ElementsMatch(t, []uuid.UUID{a, c}, []uuid.UUID{first[0].Customer, rest[0].Customer})
	none, err := b.svc.Members(ctx, b.tn.ID, "gold", uuid.Nil, 10)
	require.NoError(t, err)
	require.Empty(t, none)
}
