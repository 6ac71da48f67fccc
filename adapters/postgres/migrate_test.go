package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
)

func TestMigrationsGoUpDownToZeroAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewEmpty(t)

	m, err := postgres.NewMigrator(ctx, db.OwnerURL)
	require.NoError(t, err)
	t.Cleanup(m.Close)

	require.NoError(t, m.Up(ctx))
	requireTables(t, db, true)
	status, err := m.Status(ctx)
	require.NoError(t, err)
	for _, s := range status {
		require.Truef(t, s.Applied, "%s applied after up", s.Source)
	}

	require.NoError(t, m.Reset(ctx))
	requireTables(t, db, false)
	status, err = m.Status(ctx)
	require.NoError(t, err)
	for _, s := range status {
		require.Falsef(t, s.Applied, "%s rolled back after reset", s.Source)
	}

	require.NoError(t, m.Up(ctx))
	requireTables(t, db, true)
}

func requireTables(t *testing.T, db *pgtest.Database, present bool) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.OwnerURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx,
		`SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('tenants', 'api_keys', 'river_job')`).Scan(&n))
	if present {
		require.Equal(t, 3, n)
	} else {
		require.Zero(t, n)
	}
}
