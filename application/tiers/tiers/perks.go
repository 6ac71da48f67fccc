package tiers

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Status is where a member stands with one of their tier's benefits.
type Status string

// Statuses of a member's benefit.
const (
	// StatusAvailable: a perk the member may claim now, or a note or early access that holds.
	StatusAvailable Status = "available"
	// StatusUsedUp: a perk claimed up to its limit for the period under way.
	StatusUsedUp Status = "used_up"
	// StatusGiven: a reward given in the period under way (or, for gifts, this year).
	StatusGiven Status = "given"
	// StatusPending: a reward not given yet (an entry reward comes with the next move up, a
	// gift on its day).
	StatusPending Status = "pending"
	// StatusNotInForce: outside the benefit's validity.
	StatusNotInForce Status = "not_in_force"
)

// MemberBenefit is one of the benefits of a member's tier, with the member's status.
type MemberBenefit struct {
	tier.Benefit
	Status Status
	// Used counts the member's uses in the period under way (the perk's limit period, the
	// year for gifts); Left is what a limited perk has left in it.
	Used int
	Left *int
}

// MaxClaimKey bounds a member's key of a claim of a perk.
const MaxClaimKey = 100

// MyBenefits lists the benefits of the member's tier that apply to them, with their status.
func (s *Service) MyBenefits(ctx context.Context, tenant tenants.ID, customer uuid.UUID) ([]MemberBenefit, error) {
	loc, err := s.zone(ctx, tenant)
	if err != nil {
		return nil, err
	}
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]MemberBenefit, error) {
		now := s.now()
		m, ok, err := s.held(ctx, customer, now)
		if err != nil || !ok {
			return nil, err
		}
		bs, err := s.deps.Benefits.Benefits(ctx, m.Tier)
		if err != nil {
			return nil, err
		}
		var out []MemberBenefit
		for _, b := range bs {
			if !b.AppliesTo(m.Since) {
				continue
			}
			mb, err := s.status(ctx, b, customer, now, loc)
			if err != nil {
				return nil, err
			}
			out = append(out, mb)
		}
		return out, nil
	})
}

// held is the member's tier at now: the lowest, held from now, for a customer without figures;
// false when the brand has no program.
func (s *Service) held(ctx context.Context, customer uuid.UUID, now time.Time) (Member, bool, error) {
	p, ok, err := s.inEffect(ctx, now)
	if err != nil || !ok {
		return Member{}, false, err
	}
	m, ok, err := s.deps.Store.Member(ctx, customer)
	if err != nil {
		return Member{}, false, err
	}
	if !ok || p.Ladder.Index(m.Tier) < 0 {
		m = Member{Customer: customer, Tier: p.Ladder[0].Code, Since: now}
	}
	return m, true, nil
}

func (s *Service) status(ctx context.Context, b tier.Benefit, customer uuid.UUID, now time.Time, loc *time.Location) (MemberBenefit, error) {
	mb := MemberBenefit{Benefit: b, Status: StatusAvailable}
	if !b.InForce(now) {
		mb.Status = StatusNotInForce
		return mb, nil
	}
	period := b.LimitPeriod
	switch {
	case b.Kind == tier.BirthdayGift || b.Kind == tier.AnniversaryGift:
		period = tier.PerYear
	case b.Kind != tier.Perk && b.Kind != tier.EntryReward:
		return mb, nil
	}
	used, err := s.deps.Benefits.Uses(ctx, b.ID, customer, period.Start(now, loc))
	if err != nil {
		return mb, err
	}
	mb.Used = used
	switch {
	case b.Kind.Rewarding() && used > 0:
		mb.Status = StatusGiven
	case b.Kind.Rewarding():
		mb.Status = StatusPending
	case b.UsageLimit > 0:
		left := max(b.UsageLimit-used, 0)
		mb.Left = &left
		if left == 0 {
			mb.Status = StatusUsedUp
		}
	}
	return mb, nil
}

// Claimed is a member's claim of a perk: the perk's status after it, and whether the key was
// used before (the claim was made then, nothing more now).
type Claimed struct {
	MemberBenefit
	Replayed bool
}

// ClaimPerk activates a perk of the member's tier once under key (a retry with the same key
// claims nothing more), within its validity and its usage limit for the period under way.
// The member's row is locked, so concurrent claims decide one after the other. Refusals:
// ErrBenefitNotFound, ErrNotPerk, ErrNotYours, ErrNotInForce, ErrUsedUp (nothing changed).
func (s *Service) ClaimPerk(ctx context.Context, tenant tenants.ID, customer, benefit uuid.UUID, key string) (Claimed, error) {
	if n := utf8.RuneCountInString(key); n == 0 || n > MaxClaimKey || !utf8.ValidString(key) {
		return Claimed{}, fielderr.New("key", ErrClaimKey)
	}
	loc, err := s.zone(ctx, tenant)
	if err != nil {
		return Claimed{}, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Claimed, error) {
		now := s.now()
		p, ok, err := s.inEffect(ctx, now)
		if err != nil {
			return Claimed{}, err
		}
		if !ok {
			return Claimed{}, ErrNoProgram
		}
		members, _, err := s.deps.Store.Lock(ctx, []uuid.UUID{customer}, p.Ladder[0].Code, now,
			map[uuid.UUID]time.Time{customer: tier.Day(now, loc)})
		if err != nil {
			return Claimed{}, err
		}
		m, ok := members[customer]
		if !ok {
			return Claimed{}, ErrUnknownCustomer
		}
		b, ok, err := s.deps.Benefits.Benefit(ctx, benefit)
		switch {
		case err != nil:
			return Claimed{}, err
		case !ok:
			return Claimed{}, ErrBenefitNotFound
		case b.Kind != tier.Perk:
			return Claimed{}, ErrNotPerk
		case b.Tier != m.Tier || !b.AppliesTo(m.Since):
			return Claimed{}, ErrNotYours
		case !b.InForce(now):
			return Claimed{}, ErrNotInForce
		}
		added, err := s.deps.Benefits.AddUses(ctx, []Use{{Benefit: b.ID, Customer: customer, Key: "claim:" + key, At: now}})
		n := len(added)
		if err != nil {
			return Claimed{}, err
		}
		mb, err := s.status(ctx, b, customer, now, loc)
		if err != nil {
			return Claimed{}, err
		}
		if n == 1 && b.UsageLimit > 0 && mb.Used > b.UsageLimit {
			return Claimed{}, ErrUsedUp
		}
		return Claimed{MemberBenefit: mb, Replayed: n == 0}, nil
	})
}

// Eligibility is the answer to whether a customer holds an early access tag, and why.
type Eligibility struct {
	Eligible bool
	// Reason is eligible, no_program, unknown_tag (no tier gives it), not_in_tier (the
	// customer's tier does not), not_in_force, or joined_before (the benefit is for members
	// reaching the tier after it was added).
	Reason string
	Tier   tier.Code
	// Tiers are the tiers that give the tag.
	Tiers []tier.Code
}

// Eligible says whether the customer holds the early access tag now. Nothing is recorded.
func (s *Service) Eligible(ctx context.Context, tenant tenants.ID, customer uuid.UUID, tag string) (Eligibility, error) {
	if _, err := s.deps.Customers.Get(ctx, tenant, customer); err != nil {
		return Eligibility{}, err
	}
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Eligibility, error) {
		now := s.now()
		m, ok, err := s.held(ctx, customer, now)
		if err != nil || !ok {
			return Eligibility{Reason: "no_program"}, err
		}
		bs, err := s.deps.Benefits.Benefits(ctx, "")
		if err != nil {
			return Eligibility{}, err
		}
		e := Eligibility{Reason: "unknown_tag", Tier: m.Tier}
		var mine *tier.Benefit
		for i, b := range bs {
			if b.Kind != tier.EarlyAccess || b.Tag != tag {
				continue
			}
			e.Tiers = append(e.Tiers, b.Tier)
			if b.Tier == m.Tier {
				mine = &bs[i]
			}
		}
		switch {
		case len(e.Tiers) == 0:
		case mine == nil:
			e.Reason = "not_in_tier"
		case !mine.InForce(now):
			e.Reason = "not_in_force"
		case !mine.AppliesTo(m.Since):
			e.Reason = "joined_before"
		default:
			e.Eligible, e.Reason = true, "eligible"
		}
		return e, nil
	})
}
