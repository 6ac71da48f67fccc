// Package idempotency keeps Idempotency-Key records with Stripe's semantics: the same key and
// request replay the first response, the same key with another request is refused, and a key
// still in flight is refused until it completes. Records are kept for at least Retention.
package idempotency

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Retention is how long a key is remembered.
const Retention = 24 * time.Hour

// hold is how long a claimed key stays in flight before a crashed request's claim may be
// taken over by a retry.
const hold = time.Minute

// Deps are what the service needs.
type Deps struct {
	Tx    ports.Transactor
	Store ports.IdempotencyStore
	// Jobs schedules the purge of each tenant's expired records.
	Jobs    ports.JobScheduler
	Tenants *tenants.Directory
	// Clock defaults to the wall clock.
	Clock ports.Clock
}

// Service runs the idempotency use cases.
type Service struct {
	tx    ports.Transactor
	store ports.IdempotencyStore
	jobs  ports.JobScheduler
	dir   *tenants.Directory
	clock ports.Clock
}

// NewService returns the idempotency service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{tx: d.Tx, store: d.Store, jobs: d.Jobs, dir: d.Tenants, clock: d.Clock}
}

// Claim records key for the request identified by fingerprint, or reports what an earlier
// request with the key left.
func (s *Service) Claim(ctx context.Context, tenant tenants.ID, key string, fingerprint []byte) (ports.IdempotencyRecord, error) {
	return ports.InTenant(ctx, s.tx, tenant, func(ctx context.Context) (ports.IdempotencyRecord, error) {
		return s.store.Claim(ctx, key, fingerprint, s.clock.Now().Add(hold))
	})
}

// Complete stores the response to replay for key.
func (s *Service) Complete(ctx context.Context, tenant tenants.ID, key string, status int, body []byte) error {
	return s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		return s.store.Complete(ctx, key, status, body)
	})
}

// Release forgets a claimed key whose request failed on the server, so a retry can run.
func (s *Service) Release(ctx context.Context, tenant tenants.ID, key string) error {
	return s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		return s.store.Release(ctx, key)
	})
}

// PurgeArgs asks for one tenant's expired keys to be deleted.
type PurgeArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (PurgeArgs) Kind() string { return "idempotency_purge" }

// SweepArgs asks for a purge job for every tenant; it runs periodically.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "idempotency_sweep" }

// Sweep enqueues a purge for every tenant, each in that tenant's transaction.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	err := s.dir.Each(ctx, func(t tenants.Tenant) error {
		if err := s.tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
			return s.jobs.Enqueue(ctx, PurgeArgs{TenantID: t.ID.UUID()}, ports.JobOptions{})
		}); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

// Purge deletes the expired keys of the tenant a job names.
func (s *Service) Purge(ctx context.Context, args PurgeArgs) (int64, error) {
	t, err := s.dir.Resolve(ctx, args.TenantID)
	if err != nil {
		return 0, err
	}
	return ports.InTenant(ctx, s.tx, t.ID, func(ctx context.Context) (int64, error) {
		return s.store.Purge(ctx, s.clock.Now().Add(-Retention))
	})
}
