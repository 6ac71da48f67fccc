package ports

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/tenants"
)

// ErrNoTenantTx is returned by a tenant-scoped adapter called outside Transactor.InTenant:
// there is no tenant, so there is nothing it may touch.
var ErrNoTenantTx = errors.New("no tenant transaction in context")

// ErrTxConflict is the error of a transaction the database gave up to let a concurrent one
// finish (a deadlock or a serialization failure): nothing of it was kept, and running it again
// may succeed.
var ErrTxConflict = errors.New("the transaction conflicted with a concurrent one; nothing was changed")

// conflictAttempts is how many times InTenantRetrying runs a transaction that conflicts.
const conflictAttempts = 3

// InTenantRetrying is Transactor.InTenant run again, up to three times in all, while it fails
// with ErrTxConflict. Use it only for fn whose every effect is in the transaction (rows, jobs,
// domain events, audit), so that a run the database rolled back left nothing behind.
func InTenantRetrying(ctx context.Context, tx Transactor, tenant tenants.ID, fn func(ctx context.Context) error) error {
	var err error
	for range conflictAttempts {
		if err = tx.InTenant(ctx, tenant, fn); !errors.Is(err, ErrTxConflict) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// keyedKey marks a context whose transactions run keyed statements only.
type keyedKey struct{}

// KeyedStatements marks the transactions begun with ctx as running only statements that find
// and change rows by key, a few at a time (the till's earning): the database may then plan each
// statement once, as it would for any arguments, instead of again at every execution. A
// transaction that reads by ranges or works through thousands of rows must not carry it.
func KeyedStatements(ctx context.Context) context.Context {
	return context.WithValue(ctx, keyedKey{}, true)
}

// AreKeyedStatements reports whether ctx carries KeyedStatements.
func AreKeyedStatements(ctx context.Context) bool {
	keyed, _ := ctx.Value(keyedKey{}).(bool)
	return keyed
}

// Transactor runs work in one database transaction scoped to a tenant. Every repository and
// the job scheduler called with the ctx it passes to fn take part in that transaction, and row
// level security limits them to that tenant. fn's error rolls everything back.
type Transactor interface {
	InTenant(ctx context.Context, tenant tenants.ID, fn func(ctx context.Context) error) error
	// ReadInTenant runs read-only fn for tenant in as few round trips as possible. Statements
	// in fn do not share a snapshot: use it for single-statement reads. The database refuses
	// any write or row lock under it.
	ReadInTenant(ctx context.Context, tenant tenants.ID, fn func(ctx context.Context) error) error
	// InUser runs fn in a transaction scoped to an authenticated admin user rather than a
	// tenant: it sees that user's memberships and the open invitations to email everywhere,
	// and nothing else tenant-owned.
	InUser(ctx context.Context, user uuid.UUID, email string, fn func(ctx context.Context) error) error
}

// ReadInTenant runs read in tenant's read scope (Transactor.ReadInTenant) and returns the one
// value it produces, so that a use case reading one thing need not declare it outside the
// closure. The error is read's, or the scope's own.
func ReadInTenant[T any](ctx context.Context, tx Transactor, tenant tenants.ID, read func(ctx context.Context) (T, error)) (T, error) {
	return inScope(ctx, tx.ReadInTenant, tenant, read)
}

// InTenant runs fn in tenant's write scope (Transactor.InTenant) and returns the one value it
// produces; fn's error rolls the transaction back. It is ReadInTenant's counterpart for work
// that writes, locks rows or needs its statements to share one snapshot.
func InTenant[T any](ctx context.Context, tx Transactor, tenant tenants.ID, fn func(ctx context.Context) (T, error)) (T, error) {
	return inScope(ctx, tx.InTenant, tenant, fn)
}

// inScope runs fn in one of Transactor's scopes and carries its value out of the closure.
func inScope[T any](ctx context.Context, scope func(context.Context, tenants.ID, func(context.Context) error) error,
	tenant tenants.ID, fn func(ctx context.Context) (T, error)) (T, error) {
	var out T
	err := scope(ctx, tenant, func(ctx context.Context) error {
		var err error
		out, err = fn(ctx)
		return err
	})
	return out, err
}

// TxLocals keeps values that live as long as the caller's write transaction.
type TxLocals interface {
	// Local returns the value under key in the write transaction of ctx. The first call in a
	// transaction makes it with create, whose flush (if not nil) runs in the transaction just
	// before it commits; a flush's error rolls the transaction back. Outside a write
	// transaction it returns an error.
	Local(ctx context.Context, key any, create func() (value any, flush func(ctx context.Context) error)) (any, error)
	// Tenant returns the tenant of the transaction of ctx.
	Tenant(ctx context.Context) (tenants.ID, error)
}
