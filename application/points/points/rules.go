package points

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Errors of the rule versions.
var (
	// ErrVersionNotFound is a rule version the brand does not have.
	ErrVersionNotFound = errors.New("no such rule version")
	// ErrVersionInEffect refuses to withdraw a version that took effect: purchases earned under it.
	ErrVersionInEffect = errors.New("this version took effect: purchases earned under it, so it stays; add a new version instead")
	// ErrEffectiveTaken refuses a version taking effect at the instant another does.
	ErrEffectiveTaken = errors.New("another version takes effect at this instant")
)

// DaySpan is one customer's day in the brand's calendar, [From, To).
type DaySpan struct {
	Customer uuid.UUID
	From, To time.Time
}

// RuleStore keeps the brand's rule versions, in the caller's tenant transaction.
type RuleStore interface {
	// Versions returns the brand's versions, by the time they take effect.
	Versions(ctx context.Context) ([]rules.Version, error)
	// Add stores v as the next version number and returns it stored; ErrEffectiveTaken when
	// another takes effect at v.EffectiveAt.
	Add(ctx context.Context, v rules.Version) (rules.Version, error)
	// Withdraw withdraws version number if it takes effect after now (it is no longer listed,
	// and its number is never given again): ErrVersionNotFound, ErrVersionInEffect.
	Withdraw(ctx context.Context, number int, now time.Time) error
	// EarnedOn returns what each span's customer earned from purchases in it (points credited,
	// pending or not), per wallet, by the span's index.
	EarnedOn(ctx context.Context, spans []DaySpan) ([]map[ledger.Wallet]int64, error)
}

// CustomerFacts tells what the rules read of customers (birthdays, segments, attributes), in
// the caller's tenant transaction; customers it does not know are left out.
type CustomerFacts interface {
	Facts(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]rules.Customer, error)
}

// PurchaseHistory reads the brand's stored purchase events, in the caller's tenant transaction.
type PurchaseHistory interface {
	// Purchases calls fn with each purchase that occurred in [from, to), by time.
	Purchases(ctx context.Context, from, to time.Time, fn func(event.Event) error) error
}

// defaultSet is the rule set of a brand with no version in effect: its wallets' base rates.
func defaultSet(p program.Settings) rules.Set {
	return rules.FromRates(ratesOf(p))
}

func ratesOf(p program.Settings) []rules.Rate {
	out := make([]rules.Rate, len(p.Wallets))
	for i, w := range p.Wallets {
		out[i] = rules.Rate{Wallet: w.Key, Points: w.Rate.Points, PerFen: w.Rate.PerFen, MinSpendFen: w.Rate.MinSpendFen, MaxPerOrder: w.Rate.MaxPerOrder}
	}
	return out
}

// versions returns the brand's rule versions (none when the service has no rule store).
func (s *Service) versions(ctx context.Context) ([]rules.Version, error) {
	if s.deps.Rules == nil {
		return nil, nil
	}
	return s.deps.Rules.Versions(ctx)
}

// setAt returns the rule set in effect at t and its version number (0: the default rule set of
// the program's base rates).
func setAt(versions []rules.Version, p program.Settings, t time.Time) (rules.Set, int) {
	if v, ok := rules.InEffect(versions, t); ok {
		return v.Set, v.Number
	}
	return defaultSet(p), 0
}

// RuleVersions returns the brand's rule versions, by the time they take effect, and the
// number of the one in effect now (0: none, the default rule set of the program's base rates).
func (s *Service) RuleVersions(ctx context.Context, tenant tenants.ID) ([]rules.Version, int, error) {
	type out struct {
		vs  []rules.Version
		now int
	}
	o, err := ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (out, error) {
		vs, err := s.versions(ctx)
		if err != nil {
			return out{}, err
		}
		v, _ := rules.InEffect(vs, s.deps.Clock.Now())
		return out{vs, v.Number}, nil
	})
	return o.vs, o.now, err
}

// DefaultRules returns the rule set of a brand without a version in effect: its program's base
// rates.
func (s *Service) DefaultRules(ctx context.Context, tenant tenants.ID) (rules.Set, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (rules.Set, error) {
		p, err := s.deps.Programs.Settings(ctx)
		return defaultSet(p), err
	})
}

// AddRuleVersion stores a new version of the brand's rules, taking effect at v.EffectiveAt
// (now or later; the zero time is now), audited. Fields at fault are *fielderr.Error, joined.
func (s *Service) AddRuleVersion(ctx context.Context, tenant tenants.ID, v rules.Version) (rules.Version, error) {
	now := s.deps.Clock.Now()
	if v.EffectiveAt.IsZero() {
		v.EffectiveAt = now
	}
	v.EffectiveAt = v.EffectiveAt.Truncate(time.Microsecond)
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (rules.Version, error) {
		p, err := s.deps.Programs.Settings(ctx)
		if err != nil {
			return rules.Version{}, err
		}
		if err := v.CheckNew(now, p.Keys()); err != nil {
			return rules.Version{}, err
		}
		v.CreatedBy = ports.ActorFrom(ctx).ID
		stored, err := s.deps.Rules.Add(ctx, v)
		if errors.Is(err, ErrEffectiveTaken) {
			return rules.Version{}, fielderr.New("effective_at", err)
		}
		if err != nil {
			return rules.Version{}, err
		}
		return stored, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_rules.add", TargetType: "points_rules",
			TargetID: strconv.Itoa(stored.Number), After: map[string]any{"version": stored.Number, "effective_at": stored.EffectiveAt,
				"rules": len(stored.Set.Rules), "note": stored.Note}})
	})
}

// WithdrawRuleVersion withdraws a version not yet in effect, audited; its number is not reused.
func (s *Service) WithdrawRuleVersion(ctx context.Context, tenant tenants.ID, number int) error {
	return s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.deps.Rules.Withdraw(ctx, number, s.deps.Clock.Now()); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_rules.withdraw", TargetType: "points_rules",
			TargetID: strconv.Itoa(number), Before: map[string]any{"version": number}})
	})
}
