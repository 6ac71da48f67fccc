package points

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Demo is a demo brand's points: its program, a rule version in effect since before its
// history, and campaigns laid over that history.
type Demo struct {
	Program   program.Settings
	Rules     rules.Set
	Since     time.Time
	Campaigns []campaigns.Campaign
}

// SeedDemo gives a brand without rule versions, campaigns or points held the demo's, audited
// and checked as any would be, but placed in the past, where its replayed history then earns
// under them (a version or campaign an admin adds never starts before now). Any other brand
// gets nothing: run again, SeedDemo changes nothing. It reports whether it seeded.
func (s *Service) SeedDemo(ctx context.Context, tenant tenants.ID, d Demo) (bool, error) {
	if err := d.Program.Check(); err != nil {
		return false, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (bool, error) {
		versions, err := s.versions(ctx)
		if err != nil {
			return false, err
		}
		existing, err := s.deps.Campaigns.List(ctx)
		if err != nil || len(versions) > 0 || len(existing) > 0 {
			return false, err
		}
		// A brand whose customers hold points earned already: a rule version placed in the
		// past would claim purchases earned by other rules.
		for _, w := range d.Program.Keys() {
			if used, err := s.deps.Ledger.WalletInUse(ctx, w); err != nil || used {
				return false, err
			}
		}
		if err := s.deps.Programs.Put(ctx, d.Program); err != nil {
			return false, err
		}
		if err := d.Rules.Check(d.Program.Keys()); err != nil {
			return false, err
		}
		v, err := s.deps.Rules.Add(ctx, rules.Version{EffectiveAt: d.Since, Set: d.Rules, Note: "demo"})
		if err != nil {
			return false, err
		}
		var keys []string
		for _, sc := range d.Rules.StoreCategories {
			keys = append(keys, sc.Key)
		}
		for _, c := range d.Campaigns {
			c.ID = uuid.New()
			if err := c.Check(d.Program.Keys(), keys); err != nil {
				return false, err
			}
			if err := s.deps.Campaigns.Create(ctx, c); err != nil {
				return false, err
			}
		}
		return true, errors.Join(
			s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_settings.set", TargetType: "points_settings", TargetID: "settings",
				After: settingsMap(d.Program)}),
			s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_rules.add", TargetType: "points_rules", TargetID: strconv.Itoa(v.Number),
				After: map[string]any{"version": v.Number, "effective_at": v.EffectiveAt, "rules": len(v.Set.Rules), "note": v.Note}}))
	})
}
