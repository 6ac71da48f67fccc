// Package ports declares what the application needs from the outside world: transactions,
// repositories, the job scheduler and the clock. Adapters implement them.
package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/tenants"
)

// ErrNoTenantTx is returned by a tenant-scoped adapter called outside Transactor.InTenant:
// there is no tenant, so there is nothing it may touch.
var ErrNoTenantTx = errors.New("no tenant transaction in context")

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

// JobArgs are the arguments of a background job; Kind names its worker. Args of tenant work
// carry the tenant ID so the worker can open its own tenant transaction.
type JobArgs interface {
	Kind() string
}

// JobOptions adjust when and where a job runs; the zero value runs it now on the default queue.
type JobOptions struct {
	// RunAt schedules the job for later.
	RunAt time.Time
	// Queue overrides the queue the job runs on.
	Queue string
}

// JobScheduler enqueues jobs inside the caller's tenant transaction: if the transaction
// commits the job exists, if it rolls back it does not.
type JobScheduler interface {
	Enqueue(ctx context.Context, args JobArgs, opts JobOptions) error
}

// Clock tells the time; tests pass a fixed one.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Logo is a brand's logo image.
type Logo struct {
	ContentType string
	Data        []byte
	UpdatedAt   time.Time
}

// ErrNoLogo is returned for a brand without a logo.
var ErrNoLogo = errors.New("no logo")

// LogoRepository keeps the brand's logo in its tenant transaction.
type LogoRepository interface {
	Get(ctx context.Context) (Logo, error)
	Put(ctx context.Context, l Logo) error
}
