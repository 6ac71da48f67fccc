package customersdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/ports"
)

func TestRefreshFamiliesAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.RefreshFamilies{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			owner, err := insertCustomer(ctx)
			if err != nil {
				return "", err
			}
			f := ports.RefreshFamily{ID: uuid.New(), CustomerID: owner, Generation: 1, AuthenticatedAt: time.Now(),
				ExpiresAt: time.Now().Add(time.Hour)}
			return f.ID.String(), repo.Insert(ctx, f)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Lock(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			return repo.Update(ctx, ports.RefreshFamily{ID: uuid.MustParse(id), Generation: 2, ExpiresAt: time.Now()})
		},
		NotFound: ports.ErrRefreshFamilyNotFound,
	})
}

func TestRefreshFamiliesRotateAndArePurgedWhenOfNoMoreUse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := customersdb.RefreshFamilies{}
	now := time.Now().UTC().Truncate(time.Second)
	b.inTenant(t, tn, func(ctx context.Context) error {
		owner, err := insertCustomer(ctx)
		require.NoError(t, err)
		family := func(expires time.Time, revoked *time.Time) uuid.UUID {
			f := ports.RefreshFamily{ID: uuid.New(), CustomerID: owner, Generation: 1, AuthenticatedAt: now.Add(-time.Hour), ExpiresAt: expires}
			require.NoError(t, repo.Insert(ctx, f))
			if revoked != nil {
				f.RevokedAt, f.RevokedReason = revoked, "reused"
				require.NoError(t, repo.Update(ctx, f))
			}
			return f.ID
		}
		earlier := now.Add(-time.Minute)
		live, expired, revoked := family(now.Add(time.Hour), nil), family(earlier, nil), family(now.Add(time.Hour), &earlier)

		f, err := repo.Lock(ctx, live)
		require.NoError(t, err)
		f.Generation, f.RefreshedAt, f.ExpiresAt = 2, &now, now.Add(2*time.Hour)
		require.NoError(t, repo.Update(ctx, f))
		got, err := repo.Lock(ctx, live)
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Generation)
		require.True(t, got.ExpiresAt.Equal(now.Add(2*time.Hour)))
		require.True(t, got.RefreshedAt.Equal(now))
		require.True(t, got.AuthenticatedAt.Equal(now.Add(-time.Hour)))

		require.NoError(t, repo.Purge(ctx, owner, now))
		_, err = repo.Lock(ctx, live)
		require.NoError(t, err, "a live family stays")
		for _, id := range []uuid.UUID{expired, revoked} {
			_, err = repo.Lock(ctx, id)
			require.ErrorIs(t, err, ports.ErrRefreshFamilyNotFound, "expired and revoked families go")
		}
		return nil
	})
}
