package webhooks

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
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

// sweepPage is how many tenants Sweep reads from the directory at a time.
const sweepPage = 500

// Sweep enqueues a purge for every tenant, each in that tenant's transaction, and returns how
// many it enqueued.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	after, n := "", 0
	for {
		page, err := s.d.Tenants.List(ctx, after, sweepPage)
		if err != nil {
			return n, err
		}
		for _, t := range page {
			err := s.d.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
				return s.d.Jobs.Enqueue(ctx, PurgeArgs{TenantID: t.ID.UUID()}, ports.JobOptions{})
			})
			if err != nil {
				return n, err
			}
			n++
		}
		if len(page) < sweepPage {
			return n, nil
		}
		after = page[len(page)-1].Slug
	}
}

// Purge deletes the expired events of the tenant a job names and returns how many.
func (s *Service) Purge(ctx context.Context, args PurgeArgs) (int64, error) {
	t, err := s.d.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.d.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
		n, err = s.d.Repo.Purge(ctx, s.now().Add(-Retention))
		return err
	})
	return n, err
}
