package points

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// SweepArgs asks for a maintenance job for every active brand; it runs every hour.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "points_sweep" }

// MaintainArgs asks for one brand's ledger to be brought up to date.
type MaintainArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (MaintainArgs) Kind() string { return "points_maintain" }

// SweepBatch is at most how many accounts one maintenance transaction takes.
const SweepBatch = 1000

// Swept counts what a maintenance job did.
type Swept struct {
	// Accounts are the accounts it brought up to date; Operations the releases and expiries
	// it wrote; Warnings the expiries it announced.
	Accounts, Operations, Warnings int
}

// Sweep enqueues a maintenance job for every active brand, each in that brand's transaction,
// and returns how many it enqueued.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	err := s.deps.Tenants.Each(ctx, func(t tenants.Tenant) error {
		if !t.Active() {
			return nil
		}
		if err := s.deps.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
			return s.deps.Jobs.Enqueue(ctx, MaintainArgs{TenantID: t.ID.UUID()}, ports.JobOptions{})
		}); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

// Maintain is one brand's maintenance, a job's work: SweepBatch accounts with lots due per
// transaction, pending points due are released, points whose expiry passed expire
// (points.released, points.expired), and expiries within the program's warning days are
// announced once (points.expiring). Running it again changes nothing until more is due.
func (s *Service) Maintain(ctx context.Context, args MaintainArgs) (Swept, error) {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return Swept{}, err
	}
	var total Swept
	for {
		// The ledger keeps microseconds: the book and the query that finds its work agree.
		now := s.deps.Clock.Now().UTC().Truncate(time.Microsecond)
		done, err := ports.InTenant(ctx, s.deps.Tx, t.ID, func(ctx context.Context) (bool, error) {
			settings, err := s.deps.Programs.Settings(ctx)
			if err != nil {
				return false, err
			}
			ahead := time.Duration(settings.WarningDays) * 24 * time.Hour
			due, err := s.deps.Ledger.Due(ctx, now, now.Add(ahead), SweepBatch)
			if err != nil || len(due) == 0 {
				return true, err
			}
			b, err := s.deps.Ledger.Lock(ctx, now, due, OpenLots)
			if err != nil {
				return false, err
			}
			b.Maintain()
			var warnings []ledger.Warning
			if settings.WarningDays > 0 {
				warnings = b.Warn(ahead)
			}
			if err := s.save(ctx, b); err != nil {
				return false, err
			}
			for _, w := range warnings {
				if err := s.deps.Publisher.Publish(ctx, ledger.TypeExpiring, ledger.Expiring{CustomerID: w.Customer, Wallet: w.Wallet,
					Points: w.Points, ExpiresAt: w.ExpiresAt}); err != nil {
					return false, err
				}
			}
			total.Accounts += len(due)
			total.Operations += len(b.Operations())
			total.Warnings += len(warnings)
			// Done once nothing is due; a batch whose work a change in between did stops too.
			return b.Empty(), nil
		})
		if err != nil || done {
			return total, err
		}
	}
}
