package wire_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/segments"
)

// A save that matches at most InlineMembers customers computes its members in its request; one
// that matches more enqueues their count in its transaction and reads as counting, with the
// count of before, until the job ran; then its count is the live count's.
func TestSegmentSavesMatchingManyLeaveTheirMembersToAJob(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("wire test"), NoPeriodicJobs: true, SegmentInlineMembers: 2}, pg.OpenApp(t))
	require.NoError(t, err)
	ctx := context.Background()
	tn := pgtest.NewTenant(t, a.Tenants)
	for _, city := range []string{"上海", "上海", "北京", "北京", "北京"} {
		c := city
		_, err := a.Customers.Create(ctx, tn.ID, customers.Patch{City: &c})
		require.NoError(t, err)
	}
	refreshSegments(t, a) // the customers' own changes

	shanghai, err := a.Segments.Create(ctx, tn.ID, segments.Draft{Name: "上海", Tree: map[string]any{"field": "city", "op": "=", "value": "上海"}})
	require.NoError(t, err)
	require.False(t, shanghai.Counting(), "two match: counted in the save")
	require.EqualValues(t, 2, shanghai.Members)
	require.Zero(t, refreshSegments(t, a), "nothing left to a job")

	beijing, err := a.Segments.Create(ctx, tn.ID, segments.Draft{Name: "北京", Tree: map[string]any{"field": "city", "op": "=", "value": "北京"}})
	require.NoError(t, err)
	require.True(t, beijing.Counting(), "three match: left to a job")
	require.Zero(t, beijing.Members)
	require.Equal(t, 1, refreshSegments(t, a))
	beijing, err = a.Segments.Get(ctx, tn.ID, beijing.ID)
	require.NoError(t, err)
	require.False(t, beijing.Counting())
	require.EqualValues(t, 3, beijing.Members)

	// A change to a tree that matches many keeps the count of before until the job ran.
	changed, err := a.Segments.Update(ctx, tn.ID, shanghai.ID, segments.Draft{Name: "上海或北京",
		Tree: map[string]any{"field": "city", "op": "in", "value": []any{"上海", "北京"}}})
	require.NoError(t, err)
	require.True(t, changed.Counting())
	require.EqualValues(t, 2, changed.Members, "the count of before")
	require.Equal(t, 1, refreshSegments(t, a))
	changed, err = a.Segments.Get(ctx, tn.ID, shanghai.ID)
	require.NoError(t, err)
	require.False(t, changed.Counting())
	require.EqualValues(t, 5, changed.Members)
	live, err := a.Segments.Count(ctx, tn.ID, map[string]any{"field": "city", "op": "in", "value": []any{"上海", "北京"}})
	require.NoError(t, err)
	require.Equal(t, live, changed.Members, "the saved count is the live count")

	// A save refused enqueues nothing.
	_, err = a.Segments.Create(ctx, tn.ID, segments.Draft{Name: "北京", Tree: map[string]any{"field": "city", "op": "=", "value": "北京"}})
	require.Error(t, err)
	require.Zero(t, refreshSegments(t, a))
}
