package rewards

import (
	"context"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// SweepArgs asks for every active brand's vouchers past their expiry to be marked expired; it
// runs every hour.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "rewards_voucher_sweep" }

// SweepBatch is at most how many vouchers one transaction marks.
const SweepBatch = 1000

// Sweep marks the issued vouchers of every active brand whose expiry passed expired, a batch
// per transaction, and returns how many. A voucher past its expiry is refused and shown
// expired before the sweep reaches it; the sweep makes the stored state say so. Running it
// again changes nothing until more expire.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	total := 0
	err := s.deps.Tenants.Each(ctx, func(t tenants.Tenant) error {
		if !t.Active() {
			return nil
		}
		for {
			n, err := ports.InTenant(ctx, s.deps.Tx, t.ID, func(ctx context.Context) (int, error) {
				return s.deps.Repo.ExpireDue(ctx, s.now(), SweepBatch)
			})
			if err != nil {
				return err
			}
			total += n
			if n < SweepBatch {
				return nil
			}
		}
	})
	return total, err
}
