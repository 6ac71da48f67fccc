// Package postgres is Engage's PostgreSQL kit, shared by the modules' repositories
// (platformdb, customersdb): the pool, the tenant transaction through which every
// tenant-owned row is reached, the change listener and notifier, migrations and the schema
// check.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// DB is the application's connection pool. It is the only way tenant-owned tables are reached:
// through InTenant, which sets app.tenant_id for one transaction.
type DB struct {
	pool *pgxpool.Pool
}

// DefaultMaxConns is the pool's size unless the URL says (pool_max_conns). pgx's own default,
// the number of CPUs (at least four), leaves requests waiting for a connection while others
// wait on the disk at commit, and River's workers draw from the same pool.
const DefaultMaxConns = 32

// Open connects to url (the application role) and checks the connection.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	// google/uuid values are PostgreSQL's uuid where a parameter's type is not known, and go
	// in binary.
	cfg.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		conn.TypeMap().RegisterDefaultPgType(uuid.UUID{}, "uuid")
		sendUUIDsInBinary(conn.TypeMap())
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{pool: pool}, nil
}

// Pool exposes the pool for platform-level work (tenant directory, River, health checks).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes the pool.
func (db *DB) Close() { db.pool.Close() }

type txKey struct{}

// Querier is what a repository runs statements on: a tenant transaction or a tenant reader.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type tenantTx struct {
	q      Querier
	tx     pgx.Tx // nil in a read scope
	tenant tenants.ID
	// locals live as long as the write transaction; their flushes run before it commits.
	locals map[any]any
	// flushes run in order of registration; one may register more.
	flushes []func(ctx context.Context) error
}

// InTenant runs fn in a transaction whose app.tenant_id is tenant. The setting is local to the
// transaction (set_config with is_local) and is sent with BEGIN in one round trip.
func (db *DB) InTenant(ctx context.Context, tenant tenants.ID, fn func(ctx context.Context) error) error {
	if tenant.IsZero() {
		return ports.ErrNoTenantTx
	}
	if _, ok := ctx.Value(txKey{}).(*tenantTx); ok {
		return errors.New("postgres: nested tenant transaction")
	}
	// The ID's text form is a canonical UUID, so it is safe to inline; the simple protocol
	// sends both statements at once. Keyed statements keep one generic plan each: planning
	// them again for every execution was a fifth of the till's database time.
	begin := "BEGIN; SELECT set_config('app.tenant_id', '" + tenant.String() + "', true)"
	if ports.AreKeyedStatements(ctx) {
		begin += ", set_config('plan_cache_mode', 'force_generic_plan', true)"
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{BeginQuery: begin})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	scope := &tenantTx{q: tx, tx: tx, tenant: tenant}
	ctx = context.WithValue(ctx, txKey{}, scope)
	if err := fn(ctx); err != nil {
		return conflict(err)
	}
	if err := scope.flush(ctx); err != nil {
		return conflict(err)
	}
	return conflict(tx.Commit(ctx))
}

// conflict marks the error of a transaction that lost a deadlock or a serialization conflict
// with ports.ErrTxConflict, keeping the database's own error.
func conflict(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001") {
		return fmt.Errorf("%w: %w", ports.ErrTxConflict, err)
	}
	return err
}

// Tenant implements ports.TxLocals.
func (db *DB) Tenant(ctx context.Context) (tenants.ID, error) {
	_, t, err := TenantTx(ctx)
	if err == nil && t.IsZero() {
		err = ports.ErrNoTenantTx
	}
	return t, err
}

// flush runs the transaction's before-commit work, including any that work registers.
func (t *tenantTx) flush(ctx context.Context) error {
	for i := 0; i < len(t.flushes); i++ {
		if err := t.flushes[i](ctx); err != nil {
			return err
		}
	}
	return nil
}

var _ ports.TxLocals = (*DB)(nil)

// Local implements ports.TxLocals on the write transaction of ctx (InTenant).
func (db *DB) Local(ctx context.Context, key any, create func() (any, func(context.Context) error)) (any, error) {
	return Local(ctx, key, create)
}

// Local is ports.TxLocals' Local for adapters that hold no DB (the job scheduler).
func Local(ctx context.Context, key any, create func() (any, func(context.Context) error)) (any, error) {
	t, ok := ctx.Value(txKey{}).(*tenantTx)
	if !ok {
		return nil, ports.ErrNoTenantTx
	}
	if t.tx == nil || t.tenant.IsZero() {
		return nil, ErrReadOnly
	}
	if v, ok := t.locals[key]; ok {
		return v, nil
	}
	v, flush := create()
	if t.locals == nil {
		t.locals = map[any]any{}
	}
	t.locals[key] = v
	if flush != nil {
		t.flushes = append(t.flushes, flush)
	}
	return v, nil
}

// ReadInTenant runs read-only fn for tenant. Each statement is sent in one round trip together
// with the tenant setting, as one implicit transaction: fast, but two statements do not share a
// snapshot, so use it for reads that are one statement or need no consistency between them.
// Each of those transactions is read-only in PostgreSQL: a write or row lock fails with
// ErrReadOnly, so work that writes or locks belongs in InTenant.
func (db *DB) ReadInTenant(ctx context.Context, tenant tenants.ID, fn func(ctx context.Context) error) error {
	if tenant.IsZero() {
		return ports.ErrNoTenantTx
	}
	if _, ok := ctx.Value(txKey{}).(*tenantTx); ok {
		return errors.New("postgres: nested tenant transaction")
	}
	return fn(context.WithValue(ctx, txKey{}, &tenantTx{q: &tenantReader{pool: db.pool, tenant: tenant.String()}, tenant: tenant}))
}

// InUser implements ports.Transactor: app.user_id and app.user_email are set for one
// transaction, and no tenant is.
func (db *DB) InUser(ctx context.Context, user uuid.UUID, email string, fn func(ctx context.Context) error) error {
	if user == uuid.Nil {
		return ports.ErrNoTenantTx
	}
	if _, ok := ctx.Value(txKey{}).(*tenantTx); ok {
		return errors.New("postgres: nested transaction")
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.user_id', $1, true), set_config('app.user_email', $2, true)`,
			user.String(), email); err != nil {
			return err
		}
		return fn(context.WithValue(ctx, txKey{}, &tenantTx{q: tx, tx: tx}))
	})
}

// TenantTx returns the statement runner of the tenant scope of ctx, or ports.ErrNoTenantTx
// outside InTenant and ReadInTenant.
func TenantTx(ctx context.Context) (Querier, tenants.ID, error) {
	t, ok := ctx.Value(txKey{}).(*tenantTx)
	if !ok {
		return nil, tenants.ID{}, ports.ErrNoTenantTx
	}
	return t.q, t.tenant, nil
}

// ErrReadOnly is returned when a write is attempted in a ReadInTenant scope: at once by Exec and
// WriteTx, and by PostgreSQL (SQLSTATE 25006) for a write or row lock sent as a query.
var ErrReadOnly = errors.New("postgres: write in a read-only tenant scope")

// WriteTx returns the transaction of an InTenant scope, for writers that need pgx.Tx itself
// (River's InsertTx).
func WriteTx(ctx context.Context) (pgx.Tx, error) {
	t, ok := ctx.Value(txKey{}).(*tenantTx)
	if !ok {
		return nil, ports.ErrNoTenantTx
	}
	if t.tx == nil {
		return nil, ErrReadOnly
	}
	return t.tx, nil
}

// IsUniqueViolation reports whether err is a unique constraint violation, optionally of
// constraint: the repositories translate it into their domain's "taken" errors.
func IsUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && (constraint == "" || pgErr.ConstraintName == constraint)
}
