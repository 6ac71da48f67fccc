package tiers

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Assignment is an admin's choice of a member's tier, with the reason, until Until (nil: until
// changed by hand again).
type Assignment struct {
	Customer uuid.UUID
	Tier     tier.Code
	Reason   string
	Until    *time.Time
}

// MaxReason bounds a manual assignment's reason.
const MaxReason = 200

// Reasons an assignment is refused.
var (
	ErrReason = errors.New("a reason of 1 to 200 characters is required")
	ErrUntil  = errors.New("the end of a manual tier is in the future")
)

// Assign sets a member's tier by hand: it outranks the rules until it expires, when the next
// evaluation recalculates it (tier.expired). Recorded in the history (kind manual) and the
// audit trail, written into the customer attribute, published as an upgrade or downgrade.
func (s *Service) Assign(ctx context.Context, tenant tenants.ID, a Assignment) (Member, error) {
	now := s.now()
	var errs []error
	if n := utf8.RuneCountInString(a.Reason); n == 0 || n > MaxReason || !utf8.ValidString(a.Reason) {
		errs = append(errs, fielderr.New("reason", ErrReason))
	}
	if a.Until != nil && !a.Until.After(now) {
		errs = append(errs, fielderr.New("until", ErrUntil))
	}
	if err := errors.Join(errs...); err != nil {
		return Member{}, err
	}
	loc, err := s.zone(ctx, tenant)
	if err != nil {
		return Member{}, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Member, error) {
		p, ok, err := s.inEffect(ctx, now)
		if err != nil {
			return Member{}, err
		}
		if !ok {
			return Member{}, ErrNoProgram
		}
		to := p.Ladder.Index(a.Tier)
		if to < 0 {
			return Member{}, fielderr.New("tier", ErrUnknownTier)
		}
		members, _, err := s.deps.Store.Lock(ctx, []uuid.UUID{a.Customer}, p.Ladder[0].Code, now,
			map[uuid.UUID]time.Time{a.Customer: tier.Day(now, loc)})
		if err != nil {
			return Member{}, err
		}
		m, ok := members[a.Customer]
		if !ok {
			return Member{}, ErrUnknownCustomer
		}
		before := m
		c := Change{ID: uuid.Must(uuid.NewV7()), Customer: a.Customer, From: m.Tier, To: a.Tier, Kind: tier.KindManual,
			Reason: a.Reason, ValidUntil: a.Until, Actor: actor(ctx), OccurredAt: now}
		if m.Tier != a.Tier {
			m.Since = now
		}
		m.Tier, m.ValidUntil, m.Manual, m.ManualUntil, m.Reason = a.Tier, a.Until, true, a.Until, a.Reason
		if err := s.deps.Store.Save(ctx, []Member{m}, []Change{c}); err != nil {
			return Member{}, err
		}
		if err := s.deps.Attributes.SetTiers(ctx, map[uuid.UUID]tier.Code{a.Customer: a.Tier}); err != nil {
			return Member{}, err
		}
		if err := s.publish(ctx, []Change{c}, p.Ladder); err != nil {
			return Member{}, err
		}
		if err := s.giveEntryRewards(ctx, p, []entered{{customer: a.Customer, from: p.Ladder.Index(before.Tier), to: to,
			joined: m.Joined}}, now, loc); err != nil {
			return Member{}, err
		}
		return m, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "tier.assign", TargetType: "customer",
			TargetID: a.Customer.String(), Before: before, After: m, Reason: a.Reason})
	})
}
