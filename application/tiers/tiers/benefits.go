package tiers

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Use is one use of a benefit by a member: a reward given or a perk claimed, once per key.
type Use struct {
	Benefit  uuid.UUID  `json:"benefit_id"`
	Customer uuid.UUID  `json:"-"`
	Key      string     `json:"key"`
	Reward   *uuid.UUID `json:"reward_id,omitempty"`
	At       time.Time  `json:"used_at"`
}

// Usage is how much a benefit was used: uses and distinct members.
type Usage struct {
	Uses    int64 `json:"uses"`
	Members int64 `json:"members"`
}

// BenefitStore keeps the tiers' benefits and their uses, in the caller's tenant transaction.
type BenefitStore interface {
	// Benefits returns the brand's benefits, of tier only unless it is empty, by tier and creation.
	Benefits(ctx context.Context, t tier.Code) ([]tier.Benefit, error)
	// Benefit returns one benefit, false when the brand has none of the ID.
	Benefit(ctx context.Context, id uuid.UUID) (tier.Benefit, bool, error)
	// PutBenefit inserts or replaces a benefit.
	PutBenefit(ctx context.Context, b tier.Benefit) error
	// DeleteBenefit removes a benefit and its uses; false when it had none.
	DeleteBenefit(ctx context.Context, id uuid.UUID) (bool, error)
	// AddUses records the uses whose keys are new and returns them.
	AddUses(ctx context.Context, uses []Use) ([]Use, error)
	// Uses counts a member's uses of a benefit since a time.
	Uses(ctx context.Context, benefit, customer uuid.UUID, since time.Time) (int, error)
	// Usage counts every benefit's uses.
	Usage(ctx context.Context) (map[uuid.UUID]Usage, error)
	// CustomerUses returns a customer's uses of every benefit, oldest first.
	CustomerUses(ctx context.Context, customer uuid.UUID) ([]Use, error)
}

// Rewards answers whether the points catalog has a reward: the benefits that give one name it.
type Rewards interface {
	Known(ctx context.Context, tenant tenants.ID, id uuid.UUID) (bool, error)
}

// Refusals of the benefits' use cases.
var (
	ErrUnknownReward   = errors.New("no such reward in the brand's points catalog")
	ErrBenefitNotFound = errors.New("tiers: no such benefit")
	ErrNotPerk         = errors.New("only perks are claimed")
	ErrNotYours        = errors.New("the member's tier does not give this benefit")
	ErrUsedUp          = errors.New("the perk's usage limit for the period is reached")
	ErrNotInForce      = errors.New("the benefit is not valid now")
	ErrClaimKey        = errors.New("a claim key is 1 to 100 characters")
)

// BenefitView is a benefit with its usage, as admins see it.
type BenefitView struct {
	tier.Benefit
	Usage Usage
}

// Benefits lists the brand's benefits with their usage.
func (s *Service) Benefits(ctx context.Context, tenant tenants.ID) ([]BenefitView, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]BenefitView, error) {
		bs, err := s.deps.Benefits.Benefits(ctx, "")
		if err != nil {
			return nil, err
		}
		usage, err := s.deps.Benefits.Usage(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]BenefitView, len(bs))
		for i, b := range bs {
			out[i] = BenefitView{Benefit: b, Usage: usage[b.ID]}
		}
		return out, nil
	})
}

// PutBenefit adds a benefit (b.ID nil) or changes one, after checking it against the ladder in
// effect and the points catalog (ErrUnknownReward at reward_id). Audited.
func (s *Service) PutBenefit(ctx context.Context, tenant tenants.ID, b tier.Benefit) (tier.Benefit, error) {
	if b.LimitPeriod == "" {
		b.LimitPeriod = tier.PerEver
	}
	if b.RewardID != nil && b.Kind.Rewarding() {
		known, err := s.deps.Rewards.Known(ctx, tenant, *b.RewardID)
		if err != nil {
			return tier.Benefit{}, err
		}
		if !known {
			return tier.Benefit{}, fielderr.New("reward_id", ErrUnknownReward)
		}
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (tier.Benefit, error) {
		now := s.now()
		p, ok, err := s.inEffect(ctx, now)
		if err != nil {
			return tier.Benefit{}, err
		}
		if !ok {
			return tier.Benefit{}, ErrNoProgram
		}
		var before any
		if b.ID == uuid.Nil {
			b.ID, b.CreatedAt = uuid.Must(uuid.NewV7()), now
			held, err := s.deps.Benefits.Benefits(ctx, b.Tier)
			if err != nil {
				return tier.Benefit{}, err
			}
			if len(held) >= tier.MaxBenefitsPerTier {
				return tier.Benefit{}, fielderr.New("tier", tier.ErrTooMany)
			}
		} else {
			old, ok, err := s.deps.Benefits.Benefit(ctx, b.ID)
			if err != nil {
				return tier.Benefit{}, err
			}
			if !ok {
				return tier.Benefit{}, ErrBenefitNotFound
			}
			b.CreatedAt, before = old.CreatedAt, old
		}
		b.UpdatedAt = now
		if err := b.Validate(p.Ladder); err != nil {
			return tier.Benefit{}, err
		}
		if err := s.deps.Benefits.PutBenefit(ctx, b); err != nil {
			return tier.Benefit{}, err
		}
		return b, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "tier_benefit.put", TargetType: "tier_benefit",
			TargetID: b.ID.String(), Before: before, After: b})
	})
}

// DeleteBenefit removes a benefit and its uses. Audited.
func (s *Service) DeleteBenefit(ctx context.Context, tenant tenants.ID, id uuid.UUID) error {
	return s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		old, ok, err := s.deps.Benefits.Benefit(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return ErrBenefitNotFound
		}
		if _, err := s.deps.Benefits.DeleteBenefit(ctx, id); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "tier_benefit.delete", TargetType: "tier_benefit",
			TargetID: id.String(), Before: old})
	})
}

// entered is a member who moved up from one position of the ladder to a higher one.
type entered struct {
	customer uuid.UUID
	from, to int
	joined   time.Time
}

// entryRewards are the brand's entry rewards in force at now.
func (s *Service) entryRewards(ctx context.Context, now time.Time) ([]tier.Benefit, error) {
	bs, err := s.deps.Benefits.Benefits(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []tier.Benefit
	for _, b := range bs {
		if b.Kind == tier.EntryReward && b.InForce(now) {
			out = append(out, b)
		}
	}
	return out, nil
}

// giveEntryRewards records (and publishes, tier.benefit_given) the entry rewards of every tier
// the members passed into, once per member, tier and period of the program (key
// entry:<first day of the period>), in the caller's transaction: the member's row is locked,
// and a key used before gives nothing.
func (s *Service) giveEntryRewards(ctx context.Context, p tier.Program, ups []entered, now time.Time, loc *time.Location) error {
	if len(ups) == 0 {
		return nil
	}
	bs, err := s.entryRewards(ctx, now)
	if err != nil {
		return err
	}
	var uses []Use
	for _, b := range bs {
		at := p.Ladder.Index(b.Tier)
		for _, u := range ups {
			if at <= u.from || at > u.to {
				continue
			}
			from, _ := p.Settings.Period(now, u.joined.In(loc), loc)
			uses = append(uses, Use{Benefit: b.ID, Customer: u.customer, Key: "entry:" + from.Format(time.DateOnly),
				Reward: b.RewardID, At: now})
		}
	}
	if len(uses) == 0 {
		return nil
	}
	given, err := s.deps.Benefits.AddUses(ctx, uses)
	if err != nil {
		return err
	}
	return s.publishGiven(ctx, tier.EntryReward, given)
}

// publishGiven publishes tier.benefit_given for each reward given: what the points module's
// voucher issuance (or a partner's webhook) acts on, keyed by benefit, member and key.
func (s *Service) publishGiven(ctx context.Context, kind tier.BenefitKind, given []Use) error {
	for _, u := range given {
		if err := s.deps.Publisher.Publish(ctx, tier.TypeBenefitGiven, tier.BenefitGiven{CustomerID: u.Customer, BenefitID: u.Benefit,
			Kind: kind, RewardID: u.Reward, Key: u.Key, OccurredAt: u.At}); err != nil {
			return err
		}
	}
	return nil
}
