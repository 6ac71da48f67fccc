package platformdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/ports"
)

func TestIdempotencyKeysAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	store := platformdb.IdempotencyKeys{}
	a, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	require.NoError(t, b.db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		if _, err := store.Claim(ctx, "key-1", []byte("a"), b.now().Add(time.Minute)); err != nil {
			return err
		}
		return store.Complete(ctx, "key-1", 201, []byte(`{"a":1}`))
	}))

	require.NoError(t, b.db.InTenant(ctx, other.ID, func(ctx context.Context) error {
		rec, err := store.Claim(ctx, "key-1", []byte("b"), b.now().Add(time.Minute))
		require.NoError(t, err)
		require.Equal(t, ports.IdempotencyNew, rec.State, "the same key in another tenant is a fresh key")
		purged, err := store.Purge(ctx, b.now().Add(time.Hour))
		require.NoError(t, err)
		require.EqualValues(t, 1, purged, "a purge removes only the tenant's own keys")
		return nil
	}))

	require.NoError(t, b.db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		rec, err := store.Claim(ctx, "key-1", []byte("a"), b.now().Add(time.Minute))
		require.NoError(t, err)
		require.Equal(t, ports.IdempotencyRecord{State: ports.IdempotencyDone, Status: 201, Body: []byte(`{"a":1}`)}, rec)
		return nil
	}))
}

// The one-round-trip reader sets the tenant for its query only: the query sees the tenant's
// rows, and the connection it used sees none afterwards.
