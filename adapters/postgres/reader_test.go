package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/ports"
)

// The read scope is read-only in PostgreSQL itself: a write or a row lock sent through Query or
// QueryRow, which the reader cannot tell from a read, is refused as ErrReadOnly and changes
// nothing; and the connection it ran on is not left read-only for the next transaction.
func TestReadScopeRefusesWritesAndRowLocksSentAsQueries(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	one, err := postgres.Open(ctx, b.pg.AppURL+"&pool_max_conns=1")
	require.NoError(t, err)
	t.Cleanup(one.Close)
	tn := pgtest.NewTenant(t, b.dir)
	key := b.createKey(t, tn, "kept")

	keys := func() (names []string) {
		t.Helper()
		require.NoError(t, one.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			if err != nil {
				return err
			}
			rows, err := q.Query(ctx, `SELECT name FROM api_keys ORDER BY name`)
			if err != nil {
				return err
			}
			names, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		}))
		return names
	}
	before := keys()
	require.Equal(t, []string{"kept"}, before)

	writes := map[string]string{
		"insert returning": `INSERT INTO api_keys (tenant_id, id, name, role, secret_hash)
			SELECT tenant_id, gen_random_uuid(), 'added', role, secret_hash FROM api_keys WHERE id = $1 RETURNING id`,
		"update returning":      `UPDATE api_keys SET name = 'renamed' WHERE id = $1 RETURNING id`,
		"delete returning":      `DELETE FROM api_keys WHERE id = $1 RETURNING id`,
		"write in a CTE":        `WITH gone AS (DELETE FROM api_keys WHERE id = $1 RETURNING id) SELECT id FROM gone`,
		"select for update":     `SELECT id FROM api_keys WHERE id = $1 FOR UPDATE`,
		"select for no key upd": `SELECT id FROM api_keys WHERE id = $1 FOR NO KEY UPDATE`,
		"select for share":      `SELECT id FROM api_keys WHERE id = $1 FOR SHARE`,
		"select for key share":  `SELECT id FROM api_keys WHERE id = $1 FOR KEY SHARE`,
	}
	for name, sql := range writes {
		err := one.ReadInTenant(ctx, tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			if err != nil {
				return err
			}
			var id any
			return q.QueryRow(ctx, sql, key.ID).Scan(&id)
		})
		require.ErrorIs(t, err, postgres.ErrReadOnly, name)

		err = one.ReadInTenant(ctx, tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			if err != nil {
				return err
			}
			rows, err := q.Query(ctx, sql, key.ID)
			if err != nil {
				return err
			}
			rows.Close()
			return rows.Err()
		})
		require.ErrorIs(t, err, postgres.ErrReadOnly, name+" through Query")
		require.Equal(t, before, keys(), "%s changed nothing", name)
	}

	// The only connection of the pool served every refused write: it still reads, and it
	// still writes in the write scope.
	require.NoError(t, one.ReadInTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		var readOnly string
		if err := q.QueryRow(ctx, `SELECT current_setting('transaction_read_only')`).Scan(&readOnly); err != nil {
			return err
		}
		require.Equal(t, "on", readOnly)
		return nil
	}))
	require.NoError(t, one.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		var renamed string
		return q.QueryRow(ctx, `UPDATE api_keys SET name = 'renamed' WHERE id = $1 RETURNING name`, key.ID).Scan(&renamed)
	}))
	require.Equal(t, []string{"renamed"}, keys())
}

// The pool holds DefaultMaxConns connections unless the URL sets its size.
func TestThePoolSizeIsTheURLsOrTheDefault(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	def, err := postgres.Open(ctx, b.pg.AppURL)
	require.NoError(t, err)
	t.Cleanup(def.Close)
	require.EqualValues(t, postgres.DefaultMaxConns, def.Pool().Config().MaxConns)
	set, err := postgres.Open(ctx, b.pg.AppURL+"&pool_max_conns=3")
	require.NoError(t, err)
	t.Cleanup(set.Close)
	require.EqualValues(t, 3, set.Pool().Config().MaxConns)
}

// A transaction begun with ports.KeyedStatements plans each statement once; others plan as
// PostgreSQL chooses, and the setting does not outlive its transaction.
func TestKeyedTransactionsKeepGenericPlans(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	one, err := postgres.Open(ctx, b.pg.AppURL+"&pool_max_conns=1")
	require.NoError(t, err)
	t.Cleanup(one.Close)
	tn := pgtest.NewTenant(t, b.dir)
	mode := func(ctx context.Context) (m string) {
		t.Helper()
		require.NoError(t, one.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			if err != nil {
				return err
			}
			return q.QueryRow(ctx, `SELECT current_setting('plan_cache_mode')`).Scan(&m)
		}))
		return m
	}
	require.Equal(t, "force_generic_plan", mode(ports.KeyedStatements(ctx)))
	require.Equal(t, "auto", mode(ctx), "the same connection, the next transaction")
}
