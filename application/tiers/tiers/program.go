package tiers

import (
	"context"

	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Program returns the brand's tier program in effect: ErrNoProgram when it has none.
func (s *Service) Program(ctx context.Context, tenant tenants.ID) (tier.Program, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (tier.Program, error) {
		p, ok, err := s.inEffect(ctx, s.now())
		if err == nil && !ok {
			err = ErrNoProgram
		}
		return p, err
	})
}

// PutProgram makes ladder and settings the brand's tier rules from now on, as a new version:
// refused with field errors when they are not valid, or drop a tier members hold. Members
// keep their tiers until an evaluation or an event decides on the new rules. Audited.
func (s *Service) PutProgram(ctx context.Context, tenant tenants.ID, ladder tier.Ladder, settings tier.Settings) (tier.Program, error) {
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (tier.Program, error) {
		now := s.now()
		before, _, err := s.inEffect(ctx, now)
		if err != nil {
			return tier.Program{}, err
		}
		held, err := s.deps.Store.Held(ctx)
		if err != nil {
			return tier.Program{}, err
		}
		p := tier.Program{From: now, Ladder: ladder, Settings: settings}
		if err := p.Validate(held); err != nil {
			return tier.Program{}, err
		}
		if p, err = s.deps.Store.AddProgram(ctx, p, now); err != nil {
			return tier.Program{}, err
		}
		var was any
		if before.Version > 0 {
			was = before
		}
		return p, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "tier_program.put", TargetType: "tier_program",
			TargetID: "tiers", Before: was, After: p})
	})
}
