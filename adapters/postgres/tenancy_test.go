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
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/apikey"
	"github.com/engagehq/engage/domain/customer"
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
	return &testBundle{pg: pg, db: db, dir: tenants.NewDirectory(postgres.NewTenantStore(db))}
}

func superConn(t *testing.T, b *testBundle) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), b.pg.SuperuserURL)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// Every table with a tenant_id column must have RLS enabled and forced, and a policy that
// filters both reads (USING) and writes (WITH CHECK) on app.tenant_id.
func TestEveryTenantOwnedTableForcesRowLevelSecurity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rows, err := superConn(t, b).Query(context.Background(), `
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
	conn := superConn(t, b)
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
	_, err = postgres.APIKeys{}.List(ctx, ports.Page{Limit: 10})
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

func TestAPIKeysAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := postgres.APIKeys{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			_, tenant, err := postgres.TenantTx(ctx)
			if err != nil {
				return "", err
			}
			k, _, err := apikey.New(tenant.UUID(), "crm", access.RoleMarketer, b.now())
			if err != nil {
				return "", err
			}
			return k.ID.String(), repo.Insert(ctx, k)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Get(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			_, err := repo.Update(ctx, uuid.MustParse(id), func(k *apikey.Key) error { k.Revoke(b.now()); return nil })
			return err
		},
		NotFound: apikey.ErrNotFound,
	})
}

func TestIdempotencyKeysAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	store := postgres.IdempotencyKeys{}
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
		keys, err := postgres.APIKeys{}.List(ctx, ports.Page{Limit: 10})
		require.NoError(t, err)
		require.Len(t, keys, 1)
		require.Equal(t, "a", keys[0].Name)
		_, err = postgres.APIKeys{}.Get(ctx, keys[0].ID)
		require.NoError(t, err)
		require.ErrorIs(t, postgres.APIKeys{}.Insert(ctx, keys[0]), postgres.ErrReadOnly)
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

func TestCustomersAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := postgres.Customers{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			c := customer.Customer{ID: uuid.New(), Name: "王小明", Gender: "unknown", Language: "zh-CN", Phone: "+8613812345678",
				Consents: map[string]bool{}, Attributes: map[string]any{}}
			return c.ID.String(), repo.Insert(ctx, c)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Get(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			_, err := repo.Update(ctx, uuid.MustParse(id), func(c *customer.Customer) error { c.Name = "changed"; return nil })
			return err
		},
		NotFound: ports.ErrCustomerNotFound,
	})
}
