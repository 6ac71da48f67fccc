package webhooks

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// PurgeArgs asks for one tenant's webhook events older than Retention to be deleted, with
// their deliveries and logs.
type PurgeArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (PurgeArgs) Kind() string { return "webhook_purge" }

// SweepArgs asks for a purge job for every tenant; it runs periodically.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "webhook_sweep" }

// Sweep enqueues a purge for every tenant, each in that tenant's transaction, and returns how
// many it enqueued.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	err := s.d.Tenants.Each(ctx, func(t tenants.Tenant) error {
		if err := s.d.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
			return s.d.Jobs.Enqueue(ctx, PurgeArgs{TenantID: t.ID.UUID()}, ports.JobOptions{})
		}); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

// Purge deletes the expired events of the tenant a job names and returns how many.
func (s *Service) Purge(ctx context.Context, args PurgeArgs) (int64, error) {
	t, err := s.d.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return 0, err
	}
	return ports.InTenant(ctx, s.d.Tx, t.ID, func(ctx context.Context) (int64, error) {
		return s.d.Repo.Purge(ctx, s.now().Add(-Retention))
	})
}
