package points

import (
	"context"
	"errors"
	"sync"
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

// SweepWorkers is how many maintenance transactions of one brand run at once, each on
// customers of its own.
const SweepWorkers = 2

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

// Maintain is one brand's maintenance, a job's work: pending points due are released, points
// whose expiry passed expire (points.released, points.expired), and expiries within the
// program's warning days are announced once (points.expiring). Each round reads up to
// SweepWorkers × SweepBatch accounts with lots due and works them in SweepWorkers transactions
// at once, a customer's accounts in one of them. Running it again changes nothing until more is
// due.
func (s *Service) Maintain(ctx context.Context, args MaintainArgs) (Swept, error) {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return Swept{}, err
	}
	var total Swept
	for {
		// The ledger keeps microseconds: the book and the query that finds its work agree.
		now := s.deps.Clock.Now().UTC().Truncate(time.Microsecond)
		var ahead time.Duration
		var warn bool
		due, err := ports.InTenant(ctx, s.deps.Tx, t.ID, func(ctx context.Context) ([]ledger.AccountKey, error) {
			settings, err := s.deps.Programs.Settings(ctx)
			if err != nil {
				return nil, err
			}
			ahead, warn = time.Duration(settings.WarningDays)*24*time.Hour, settings.WarningDays > 0
			return s.deps.Ledger.Due(ctx, now, now.Add(ahead), SweepWorkers*SweepBatch)
		})
		if err != nil || len(due) == 0 {
			return total, err
		}
		parts := make([][]ledger.AccountKey, SweepWorkers)
		for _, k := range due {
			i := int(k.Customer[0]) % SweepWorkers
			parts[i] = append(parts[i], k)
		}
		done := make([]Swept, SweepWorkers)
		errs := make([]error, SweepWorkers)
		var wg sync.WaitGroup
		for i, part := range parts {
			if len(part) == 0 {
				continue
			}
			wg.Go(func() { done[i], errs[i] = s.maintain(ctx, t.ID, now, ahead, warn, part) })
		}
		wg.Wait()
		worked := 0
		for _, d := range done {
			total.Accounts += d.Accounts
			total.Operations += d.Operations
			total.Warnings += d.Warnings
			worked += d.Operations + d.Warnings
		}
		if err := errors.Join(errs...); err != nil {
			return total, err
		}
		// Done once nothing is due; a round whose work a change in between did stops too.
		if worked == 0 {
			return total, nil
		}
	}
}

// maintain brings the accounts due up to date at now in one transaction of the tenant, and
// announces the expiries within ahead when warn.
func (s *Service) maintain(ctx context.Context, tenant tenants.ID, now time.Time, ahead time.Duration, warn bool,
	due []ledger.AccountKey) (Swept, error) {
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Swept, error) {
		b, err := s.deps.Ledger.Lock(ctx, now, due, OpenLots)
		if err != nil {
			return Swept{}, err
		}
		b.Maintain()
		var warnings []ledger.Warning
		if warn {
			warnings = b.Warn(ahead)
		}
		if err := s.save(ctx, b); err != nil {
			return Swept{}, err
		}
		for _, w := range warnings {
			if err := s.deps.Publisher.Publish(ctx, ledger.TypeExpiring, ledger.Expiring{CustomerID: w.Customer, Wallet: w.Wallet,
				Points: w.Points, ExpiresAt: w.ExpiresAt}); err != nil {
				return Swept{}, err
			}
		}
		return Swept{Accounts: len(due), Operations: len(b.Operations()), Warnings: len(warnings)}, nil
	})
}
