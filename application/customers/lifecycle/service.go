// Package lifecycle is the use cases of customers' lifecycle stages: the brand's recency rules,
// the count of customers at each stage, and keeping stages current as events arrive (a reactor
// to ingested events) and as time passes (a daily sweep of every brand).
package lifecycle

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are what the service needs.
type Deps struct {
	Tx      ports.Transactor
	Repo    ports.LifecycleRepository
	Jobs    ports.JobScheduler
	Audit   ports.AuditLog
	Tenants *tenants.Directory
	Clock   ports.Clock
	// Publisher announces the stages that change (lifecycle.TypeStagesChanged); nil announces
	// nothing.
	Publisher ports.EventPublisher
}

// Service runs the lifecycle use cases.
type Service struct {
	deps Deps
}

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{deps: d}
}

// RecomputeArgs asks for every stage of one brand to be brought up to date.
type RecomputeArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (RecomputeArgs) Kind() string { return "lifecycle_recompute" }

// SweepArgs asks for a recompute job for every active brand; it runs daily, because stages
// change as time passes without any event.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "lifecycle_sweep" }

// Settings returns the brand's recency rules.
func (s *Service) Settings(ctx context.Context, tenant tenants.ID) (lifecycle.Settings, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, s.deps.Repo.Settings)
}

func settingsMap(s lifecycle.Settings) map[string]int {
	return map[string]int{"new_days": s.NewDays, "at_risk_days": s.AtRiskDays, "lapsed_days": s.LapsedDays, "won_back_days": s.WonBackDays}
}

// SetSettings changes the brand's recency rules, audited, and enqueues the recompute of every
// stage in the same transaction. Settings at fault are *fielderr.Error, joined, and
// change nothing.
func (s *Service) SetSettings(ctx context.Context, tenant tenants.ID, settings lifecycle.Settings) error {
	if err := settings.Check(); err != nil {
		return err
	}
	return s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.deps.Repo.Settings(ctx)
		if err != nil || before == settings {
			return err
		}
		if err := s.deps.Repo.PutSettings(ctx, settings); err != nil {
			return err
		}
		if err := s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "lifecycle_settings.set", TargetType: "lifecycle_settings",
			TargetID: "settings", Before: settingsMap(before), After: settingsMap(settings)}); err != nil {
			return err
		}
		return s.deps.Jobs.Enqueue(ctx, RecomputeArgs{TenantID: tenant.UUID()}, ports.JobOptions{})
	})
}

// Stages returns how many of the brand's customers are at each stage, every stage listed.
func (s *Service) Stages(ctx context.Context, tenant tenants.ID) ([]ports.StageCount, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, s.deps.Repo.Counts)
}

// Recompute brings every stage of the brand a job names up to date, announces the changes,
// and returns how many there were: the job's work. Running it twice changes nothing the
// second time.
func (s *Service) Recompute(ctx context.Context, args RecomputeArgs) (int64, error) {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return 0, err
	}
	return ports.InTenant(ctx, s.deps.Tx, t.ID, func(ctx context.Context) (int64, error) {
		settings, err := s.deps.Repo.Settings(ctx)
		if err != nil {
			return 0, err
		}
		changes, err := s.deps.Repo.RecomputeAll(ctx, settings, s.deps.Clock.Now())
		if err != nil {
			return 0, err
		}
		return int64(len(changes)), announce(ctx, s.deps.Publisher, changes)
	})
}

// announce publishes changes, webhook.BatchSize customers an event, in the caller's
// transaction; a nil p publishes nothing.
func announce(ctx context.Context, p ports.EventPublisher, changes []lifecycle.Change) error {
	if p == nil {
		return nil
	}
	for part := range slices.Chunk(changes, webhook.BatchSize) {
		if err := p.Publish(ctx, lifecycle.TypeStagesChanged, lifecycle.StagesChanged{Changes: part}); err != nil {
			return err
		}
	}
	return nil
}

// Sweep enqueues a recompute for every active brand, each in that brand's transaction, and
// returns how many it enqueued.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	err := s.deps.Tenants.Each(ctx, func(t tenants.Tenant) error {
		if !t.Active() {
			return nil
		}
		if err := s.deps.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
			return s.deps.Jobs.Enqueue(ctx, RecomputeArgs{TenantID: t.ID.UUID()}, ports.JobOptions{})
		}); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

// Reactor recomputes the stages of the customers of each ingested batch, and announces the
// changes. It reads the activity aggregates, so it is listed after the activity reactor.
type Reactor struct {
	repo      ports.LifecycleRepository
	clock     ports.Clock
	publisher ports.EventPublisher
}

var _ ports.CustomersReactor = (*Reactor)(nil)

// NewReactor returns the reactor over repo, announcing changes through publisher (nil:
// nowhere).
func NewReactor(repo ports.LifecycleRepository, clock ports.Clock, publisher ports.EventPublisher) *Reactor {
	return &Reactor{repo: repo, clock: clock, publisher: publisher}
}

// recompute recomputes the stages of ids and announces the changes.
func (r *Reactor) recompute(ctx context.Context, ids []uuid.UUID) error {
	settings, err := r.repo.Settings(ctx)
	if err != nil {
		return err
	}
	changes, err := r.repo.Recompute(ctx, settings, r.clock.Now(), ids)
	if err != nil {
		return err
	}
	return announce(ctx, r.publisher, changes)
}

// Name implements ports.CustomersReactor.
func (*Reactor) Name() string { return "lifecycle" }

// ReactCustomers implements ports.CustomersReactor: stages are recomputed from the
// aggregates, so a batch seen twice changes nothing the second time.
func (r *Reactor) ReactCustomers(ctx context.Context, customers []uuid.UUID) error {
	return r.recompute(ctx, customers)
}

var _ ports.CustomerData = (*Reactor)(nil)

// Section implements ports.CustomerData.
func (*Reactor) Section() string { return "lifecycle" }

// Merge implements ports.CustomerData: the survivor's stage is recomputed from its merged
// activity, so it is listed after the activity part.
func (r *Reactor) Merge(ctx context.Context, _, into uuid.UUID) error {
	return r.recompute(ctx, []uuid.UUID{into})
}

// Export implements ports.CustomerData: the stage is part of the profile, so there is nothing
// more to download.
func (*Reactor) Export(context.Context, uuid.UUID) (any, error) { return nil, nil }

// Erase implements ports.CustomerData: a stage identifies nobody and stays.
func (*Reactor) Erase(context.Context, uuid.UUID) error { return nil }
