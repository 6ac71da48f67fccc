package tiers

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// SweepArgs asks for an evaluation job for every active brand; it runs every hour, and each
// brand's evaluation decides only the members due (and upgrades), so running it often costs a
// read of the brand's figures.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "tiers_sweep" }

// EvaluateArgs asks for one brand's members to be evaluated.
type EvaluateArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (EvaluateArgs) Kind() string { return "tiers_evaluate" }

// Sweep enqueues an evaluation and the gifts of the day of every active brand.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	err := s.deps.Tenants.Each(ctx, func(t tenants.Tenant) error {
		if !t.Active() {
			return nil
		}
		n++
		return s.deps.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
			if err := s.deps.Jobs.Enqueue(ctx, EvaluateArgs{TenantID: t.ID.UUID()}, ports.JobOptions{}); err != nil {
				return err
			}
			return s.deps.Jobs.Enqueue(ctx, GiftsArgs{TenantID: t.ID.UUID()}, ports.JobOptions{})
		})
	})
	return n, err
}

// Evaluate is one brand's evaluation, a job's work, in one transaction: every member's
// figures of the last complete period are read set-wise in one statement, which upgrades,
// renews the members whose validity ended and still qualify, downgrades the others by the
// policy, and recalculates lapsed manual tiers; each change is written into the customer
// attribute and published. Then the members whose validity ends within the warning days and
// whose figures would lower them are told once (tier.will_downgrade, with what they lack). A
// brand without a program, or in manual mode, is left alone.
func (s *Service) Evaluate(ctx context.Context, args EvaluateArgs) (int, error) {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return 0, err
	}
	loc, err := s.zone(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	return ports.InTenant(ctx, s.deps.Tx, t.ID, func(ctx context.Context) (int, error) {
		now := s.now()
		p, ok, err := s.inEffect(ctx, now)
		if err != nil || !ok || p.Settings.Mode == tier.Manual {
			return 0, err
		}
		changes, err := s.deps.Store.Evaluate(ctx, Evaluation{Ladder: p.Ladder, Settings: p.Settings, Now: now, Zone: loc})
		if err != nil {
			return 0, err
		}
		attrs := map[uuid.UUID]tier.Code{}
		for _, c := range changes {
			if c.From != c.To {
				attrs[c.Customer] = c.To
			}
		}
		if len(attrs) > 0 {
			if err := s.deps.Attributes.SetTiers(ctx, attrs); err != nil {
				return 0, err
			}
		}
		if err := s.publish(ctx, changes, p.Ladder); err != nil {
			return 0, err
		}
		// Only a brand with entry rewards reads the joined days of the members moved up.
		entries, err := s.entryRewards(ctx, now)
		if err != nil {
			return 0, err
		}
		if len(entries) > 0 {
			ups, err := s.upgrades(ctx, p, changes)
			if err != nil {
				return 0, err
			}
			if err := s.giveEntryRewards(ctx, p, ups, now, loc); err != nil {
				return 0, err
			}
		}
		if p.Settings.WarningDays == 0 {
			return len(changes), nil
		}
		warnings, err := s.deps.Store.Warnings(ctx, Evaluation{Ladder: p.Ladder, Settings: p.Settings, Now: now, Zone: loc})
		if err != nil {
			return 0, err
		}
		for _, w := range warnings {
			i := max(p.Ladder.Index(w.From), 0)
			progress := p.Ladder.Progress(p.Settings, i, w.Figures, w.Figures)
			if err := s.deps.Publisher.Publish(ctx, tier.TypeWillDowngrade, tier.Changed{CustomerID: w.Customer, From: w.From,
				To: w.To, Kind: tier.KindDowngrade, Figures: w.Figures, ValidUntil: &w.ValidUntil, Missing: progress.Keep,
				OccurredAt: now}); err != nil {
				return 0, err
			}
		}
		return len(changes), nil
	})
}

// upgrades are the members an evaluation moved up, with their joined day where the window is
// their anniversary (else it does not matter).
func (s *Service) upgrades(ctx context.Context, p tier.Program, changes []Change) ([]entered, error) {
	var out []entered
	for _, c := range changes {
		from, to := p.Ladder.Index(c.From), p.Ladder.Index(c.To)
		if to <= from {
			continue
		}
		e := entered{customer: c.Customer, from: from, to: to}
		if p.Settings.Window == tier.Anniversary {
			m, _, err := s.deps.Store.Member(ctx, c.Customer)
			if err != nil {
				return nil, err
			}
			e.joined = m.Joined
		}
		out = append(out, e)
	}
	return out, nil
}
