package postgres_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/localpg"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/apikey"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	pg  *pgtest.Database
	db  *postgres.DB
	dir *tenants.Directory
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	return &testBundle{pg: pg, db: db, dir: tenants.NewDirectory(platformdb.NewTenantStore(db))}
}

func TestEveryTenantOwnedTableForcesRowLevelSecurity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rows, err := b.pg.SuperConn(t).Query(context.Background(), `
		SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
		       coalesce(bool_and(p.polqual IS NOT NULL AND p.polwithcheck IS NOT NULL
		                         AND pg_get_expr(p.polqual, p.polrelid) LIKE '%app.tenant_id%'
		                         AND pg_get_expr(p.polwithcheck, p.polrelid) LIKE '%app.tenant_id%'), false),
		       count(p.oid)
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
		LEFT JOIN pg_policy p ON p.polrelid = c.oid
		WHERE c.relkind IN ('r', 'p')
		GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity`)
	require.NoError(t, err)
	seen := 0
	for rows.Next() {
		var (
			table                       string
			enabled, forced, policiesOK bool
			policies                    int
		)
		require.NoError(t, rows.Scan(&table, &enabled, &forced, &policiesOK, &policies))
		require.Truef(t, enabled, "%s: row level security not enabled", table)
		require.Truef(t, forced, "%s: row level security not forced", table)
		require.Positivef(t, policies, "%s: no policy", table)
		require.Truef(t, policiesOK, "%s: every policy needs USING and WITH CHECK on app.tenant_id", table)
		seen++
	}
	require.NoError(t, rows.Err())
	require.GreaterOrEqual(t, seen, 2, "the catalog query found the tenant-owned tables")
}

func TestApplicationRoleOwnsNothingAndCannotBypassRLS(t *testing.T) {
	t.Parallel()
	b := setup(t)
	conn := b.pg.SuperConn(t)
	ctx := context.Background()
	var super, bypass, createRole, createDB bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1`,
		localpg.AppRole).Scan(&super, &bypass, &createRole, &createDB))
	require.False(t, super)
	require.False(t, bypass)
	require.False(t, createRole)
	require.False(t, createDB)

	var owned int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
		WHERE r.rolname = $1`, localpg.AppRole).Scan(&owned))
	require.Zero(t, owned, "the application role owns no relation")

	var ddl bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT has_schema_privilege($1, 'public', 'CREATE')`, localpg.AppRole).Scan(&ddl))
	require.False(t, ddl, "the application role cannot create objects")
}

func TestTransactionWithoutTenantSeesNoRowsAndCannotInsert(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tn := pgtest.NewTenant(t, b.dir)
	b.createKey(t, tn, "pos")

	// The application role itself, with no tenant set: the rows exist but none are visible.
	conn, err := pgx.Connect(ctx, b.pg.AppURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM api_keys`).Scan(&n))
	require.Zero(t, n)

	// An empty setting (what a reset leaves) is no tenant too.
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', '', true)`)
	require.NoError(t, err)
	require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM api_keys`).Scan(&n))
	require.Zero(t, n)
	_, err = tx.Exec(ctx, `INSERT INTO api_keys (tenant_id, id, name, role, secret_hash) VALUES ($1, $2, 'x', 'admin', $3)`,
		tn.ID.UUID(), uuid.New(), make([]byte, 32))
	require.ErrorContains(t, err, "row-level security")
	require.NoError(t, tx.Rollback(ctx))

	// And the repositories refuse to run outside a tenant transaction at all.
	_, err = platformdb.APIKeys{}.List(ctx, ports.Page{Limit: 10})
	require.ErrorIs(t, err, ports.ErrNoTenantTx)
}

func TestTenantCannotWriteRowsForAnotherTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	err := b.db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		k, _, err := apikey.New(other.ID.UUID(), "smuggled", access.RoleOwner, b.now())
		require.NoError(t, err)
		tx, _, err := postgres.TenantTx(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `INSERT INTO api_keys (tenant_id, id, name, role, secret_hash) VALUES ($1, $2, $3, 'owner', $4)`,
			other.ID.UUID(), k.ID, k.Name, k.SecretHash)
		return err
	})
	require.ErrorContains(t, err, "row-level security")
}

func TestTenantReaderScopesEachQueryAndLeavesNoTenantBehind(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	one, err := postgres.Open(ctx, b.pg.AppURL+"&pool_max_conns=1")
	require.NoError(t, err)
	t.Cleanup(one.Close)
	a, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	b.createKey(t, a, "a")
	b.createKey(t, other, "other")

	require.NoError(t, one.ReadInTenant(ctx, a.ID, func(ctx context.Context) error {
		keys, err := platformdb.APIKeys{}.List(ctx, ports.Page{Limit: 10})
		require.NoError(t, err)
		require.Len(t, keys, 1)
		require.Equal(t, "a", keys[0].Name)
		_, err = platformdb.APIKeys{}.Get(ctx, keys[0].ID)
		require.NoError(t, err)
		require.ErrorIs(t, platformdb.APIKeys{}.Insert(ctx, keys[0]), postgres.ErrReadOnly)
		return nil
	}))

	var n int
	var setting *string
	require.NoError(t, one.Pool().QueryRow(ctx, `SELECT count(*), NULLIF(current_setting('app.tenant_id', true), '') FROM api_keys`).Scan(&n, &setting))
	require.Zero(t, n, "the pooled connection keeps no tenant")
	require.Nil(t, setting)
}

// A database URL with pool settings still works for the listener's own connection.
func TestListenerAcceptsPoolSettingsInItsURL(t *testing.T) {
	t.Parallel()
	b := setup(t)
	l := postgres.NewListener(b.pg.AppURL+"&pool_max_conns=8", slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan struct{})
	go l.Run(ctx, func() { close(ready) })
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the listener never listened")
	}
}

// Two transactions that wait for each other: the one PostgreSQL gives up fails with
// ports.ErrTxConflict, so that a use case whose effects are all in the transaction may run it
// again.
func TestATransactionThatLosesADeadlockIsAConflict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	ctx := context.Background()
	first, second := make(chan struct{}), make(chan struct{})
	lock := func(ctx context.Context, key int) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		_, err = q.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, key)
		return err
	}
	run := func(mine, theirs int, locked, other chan struct{}) error {
		return b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			if err := lock(ctx, mine); err != nil {
				return err
			}
			close(locked)
			<-other
			return lock(ctx, theirs)
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- run(1, 2, first, second) }()
	go func() { errs <- run(2, 1, second, first) }()
	a, c := <-errs, <-errs
	if a != nil {
		a, c = c, a
	}
	require.NoError(t, a, "the other transaction goes on")
	require.ErrorIs(t, c, ports.ErrTxConflict)
}
