package points

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// ActionRules keeps the brand's action rules, its customers' check-ins and referrals, in the
// caller's tenant transaction.
type ActionRules interface {
	// Rules returns the brand's action rules, oldest first.
	Rules(ctx context.Context) ([]actions.Rule, error)
	// AnyActive reports whether any of the brand's active rules rewards one of kinds.
	AnyActive(ctx context.Context, kinds []actions.Action) (bool, error)
	// Put adds the rule or replaces the one with its key, and says whether it added it.
	Put(ctx context.Context, r actions.Rule) (bool, error)
	// Delete removes the rule with key, reporting whether there was one.
	Delete(ctx context.Context, key string) (bool, error)
	// Awards counts, per customer among customers, the operations with reason since then.
	Awards(ctx context.Context, reason string, customers []uuid.UUID, since time.Time) (map[uuid.UUID]int, error)
	// LastCheckIn returns the customer's latest check-in.
	LastCheckIn(ctx context.Context, customer uuid.UUID) (CheckIn, bool, error)
	// StreakBefore counts the consecutive days the customer checked in up to the day before day.
	StreakBefore(ctx context.Context, customer uuid.UUID, day time.Time) (int, error)
	// InsertCheckIn stores a check-in; a second one of the day is ErrKeyTaken.
	InsertCheckIn(ctx context.Context, c CheckIn) error
	// Referrals returns the referrals of referees, by referee.
	Referrals(ctx context.Context, referees []uuid.UUID) (map[uuid.UUID]Referral, error)
	// PutReferral stores a referral or its new status.
	PutReferral(ctx context.Context, r Referral) error
	// Customers says which of ids are customers of the brand.
	Customers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error)
	// MoveCustomer makes from's check-ins and referrals into's, keeping into's where both
	// have one (a day's check-in, being referred).
	MoveCustomer(ctx context.Context, from, into uuid.UUID) error
	// Download returns the customer's check-ins and referrals, ready to encode as JSON.
	Download(ctx context.Context, customer uuid.UUID) (any, error)
}

// CheckIn is a customer's check-in of a day (in the brand's time zone).
type CheckIn struct {
	Customer uuid.UUID
	Day      time.Time
	// Streak is the consecutive days of check-ins this one ends; Points what it earned.
	Streak    int
	Points    int64
	Operation uuid.UUID
	At        time.Time
}

// Referral is a customer (the referee) referred by another under a referral rule.
type Referral struct {
	Referee, Referrer uuid.UUID
	Rule              string
	EventID           string
	// Awarded is false while the points wait for the referee's first purchase.
	Awarded   bool
	At        time.Time
	AwardedAt time.Time
}

// Errors of the action rules.
var (
	// ErrRuleNotFound is an action rule the brand does not have.
	ErrRuleNotFound = errors.New("no such action rule")
	// ErrNoCheckIn is a check-in where the brand has no active check-in rule.
	ErrNoCheckIn = errors.New("the brand rewards no check-in")
)

// ActionRules returns the brand's action rules.
func (s *Service) ActionRules(ctx context.Context, tenant tenants.ID) ([]actions.Rule, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, s.deps.Actions.Rules)
}

// PutActionRule adds or replaces an action rule, audited, and says whether it added it. Rules
// at fault are *fielderr.Error, joined; a wallet the program does not have is ErrUnknownWallet
// at wallet. A brand has at most one active check-in rule.
func (s *Service) PutActionRule(ctx context.Context, tenant tenants.ID, r actions.Rule) (bool, error) {
	if err := r.Check(); err != nil {
		return false, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (bool, error) {
		settings, err := s.deps.Programs.Settings(ctx)
		if err != nil {
			return false, err
		}
		if _, err := wallet(settings, r.Wallet, "wallet"); err != nil {
			return false, err
		}
		rules, err := s.deps.Actions.Rules(ctx)
		if err != nil {
			return false, err
		}
		var before map[string]any
		for _, other := range rules {
			if other.Key == r.Key {
				before = actionRuleMap(other)
				continue
			}
			if r.Active && r.Action == actions.CheckIn && other.Active && other.Action == actions.CheckIn {
				return false, invalid("active", fmt.Errorf("rule %s already rewards the daily check-in", other.Key))
			}
		}
		created, err := s.deps.Actions.Put(ctx, r)
		if err != nil {
			return false, err
		}
		return created, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_action_rule.put", TargetType: "points_action_rule",
			TargetID: r.Key, Before: before, After: actionRuleMap(r)})
	})
}

// DeleteActionRule removes an action rule, audited; points it awarded stay.
func (s *Service) DeleteActionRule(ctx context.Context, tenant tenants.ID, key string) error {
	return s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		found, err := s.deps.Actions.Delete(ctx, key)
		if err != nil {
			return err
		}
		if !found {
			return ErrRuleNotFound
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_action_rule.delete", TargetType: "points_action_rule", TargetID: key})
	})
}

func actionRuleMap(r actions.Rule) map[string]any {
	return map[string]any{"action": r.Action, "event_type": r.EventType, "wallet": r.Wallet, "points": r.Points,
		"limit_count": r.Limit.Count, "limit_period": r.Limit.Period, "streak": r.Streak, "referee_points": r.RefereePoints,
		"after_first_purchase": r.AfterFirstPurchase, "title": r.Title, "title_en": r.TitleEn, "active": r.Active}
}

// grant is one award to make: a rule's points to a customer under an idempotency key.
type grant struct {
	rule     actions.Rule
	customer uuid.UUID
	points   int64
	key      string
	at       time.Time
	details  map[string]any
	// unlimited grants skip the rule's limit: a referrer earns for every friend, each once.
	unlimited bool
	// referral is what the fraud rules judge of a referral, shared by both sides' grants.
	referral *fraud.Activity
}

// awardAll credits grants in the caller's transaction: the customers' accounts in the rules'
// wallets are locked, grants already made (by key) and grants beyond their rule's limit are left
// out, and the rest are credited as the wallet's earned points are, expiring as it says. It
// returns the operations made, by key.
func (s *Service) awardAll(ctx context.Context, grants []grant) (map[string]*ledger.Operation, error) {
	if len(grants) == 0 {
		return nil, nil
	}
	settings, err := s.deps.Programs.Settings(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := s.location(ctx)
	if err != nil {
		return nil, err
	}
	// Customers merged or erased since the event earn nothing.
	ids := make([]uuid.UUID, len(grants))
	for i, g := range grants {
		ids[i] = g.customer
	}
	exists, err := s.deps.Actions.Customers(ctx, ids)
	if err != nil {
		return nil, err
	}
	grants = slices.DeleteFunc(grants, func(g grant) bool { return !exists[g.customer] })
	keys := make([]string, len(grants))
	var accounts []ledger.AccountKey
	for i, g := range grants {
		keys[i] = g.key
		accounts = append(accounts, ledger.AccountKey{Customer: g.customer, Wallet: g.rule.Wallet})
	}
	b, stored, err := s.deps.Ledger.LockFor(ctx, s.deps.Clock.Now(), accounts, NoLots, keys)
	if err != nil {
		return nil, err
	}
	used, err := s.awardsSoFar(ctx, grants, loc)
	if err != nil {
		return nil, err
	}
	var acts []fraud.Activity
	for _, g := range grants {
		if g.referral != nil {
			acts = append(acts, *g.referral)
		}
	}
	guard, err := s.newGuard(ctx, loc, acts)
	if err != nil {
		return nil, err
	}
	judged := map[*fraud.Activity][]fraud.Reason{}
	made := map[string]*ledger.Operation{}
	for _, g := range grants {
		w, known := settings.Wallet(g.rule.Wallet)
		if _, done := stored[g.key]; done || !known || made[g.key] != nil || g.points <= 0 {
			continue
		}
		count := limitKey{rule: g.rule.Key, customer: g.customer}
		if !g.unlimited && used[count] >= g.rule.Limit.Count {
			continue
		}
		used[count]++
		op := begin(ctx, b, ledger.Operation{Customer: g.customer, Kind: ledger.OpAward, Key: g.key, Fingerprint: fingerprint(g.key),
			Source: ledger.SourceRule, Reason: g.rule.Reason(), Details: g.details})
		a := b.Account(g.customer, g.rule.Wallet)
		terms := earnedTerms(w, g.at, loc)
		reasons, counted := judged[g.referral]
		if g.referral != nil && !counted {
			reasons = guard.judge(*g.referral)
			judged[g.referral] = reasons
		}
		if len(reasons) > 0 {
			terms.AvailableAt = ledger.HeldUntil
		}
		if _, err := a.Credit(op, ledger.KindEarn, g.rule.Reason(), g.points, terms); err != nil {
			return nil, fmt.Errorf("points: award %s: %w", g.key, err)
		}
		b.Finish(op, a)
		if g.referral != nil && !counted {
			guard.counted(*g.referral, op, reasons, time.Time{})
			if err := s.enqueueRisk(ctx, g.referral.Customer, g.referral.IP, ports.RiskSceneMarketing); err != nil {
				return nil, err
			}
		} else if g.referral != nil {
			guard.held(fraud.Referral, op, reasons, time.Time{})
		}
		made[g.key] = op
	}
	if err := s.save(ctx, b); err != nil {
		return nil, err
	}
	return made, guard.save(ctx)
}

// earnedTerms are the terms of points a wallet credits at: expiring as the wallet says.
func earnedTerms(w program.Wallet, at time.Time, loc *time.Location) ledger.Terms {
	return ledger.Terms{EarnedAt: at, ExpiresAt: w.Expiry.ExpiresAt(at, loc)}
}

// limitKey counts a rule's awards to a customer.
type limitKey struct {
	rule     string
	customer uuid.UUID
}

// awardsSoFar counts each grant's rule's awards to its customer in the current period of the
// rule's limit.
func (s *Service) awardsSoFar(ctx context.Context, grants []grant, loc *time.Location) (map[limitKey]int, error) {
	byRule := map[string][]uuid.UUID{}
	rules := map[string]actions.Rule{}
	for _, g := range grants {
		if g.unlimited {
			continue
		}
		byRule[g.rule.Key] = append(byRule[g.rule.Key], g.customer)
		rules[g.rule.Key] = g.rule
	}
	out := map[limitKey]int{}
	now := s.deps.Clock.Now()
	for key, customers := range byRule {
		r := rules[key]
		counts, err := s.deps.Actions.Awards(ctx, r.Reason(), customers, r.Limit.PeriodStart(now, loc))
		if err != nil {
			return nil, err
		}
		for c, n := range counts {
			out[limitKey{rule: key, customer: c}] = n
		}
	}
	return out, nil
}

// ActionsReactor awards the action rules of the events the activity stream stores (surveys,
// referrals, custom events, and the purchases that complete a referral): the points module's
// second subscriber to stored customer events.
type ActionsReactor struct{ s *Service }

var _ ports.EventReactor = (*ActionsReactor)(nil)

// ActionsReactor returns the subscriber's reactor.
func (s *Service) ActionsReactor() *ActionsReactor { return &ActionsReactor{s: s} }

// Name implements ports.EventReactor.
func (*ActionsReactor) Name() string { return "points_actions" }

// React implements ports.EventReactor. Each award's key names the rule and the event (or the
// referral), so a batch seen twice awards nothing the second time.
func (r *ActionsReactor) React(ctx context.Context, evs []event.Event) error {
	rules, err := r.s.activeRules(ctx)
	if err != nil || len(rules) == 0 {
		return err
	}
	var grants []grant
	referrals, err := r.s.referralsOf(ctx, rules, evs)
	if err != nil {
		return err
	}
	for _, e := range evs {
		for _, rule := range rules {
			if rule.Takes(e) && rule.Action != actions.Referral {
				grants = append(grants, grant{rule: rule, customer: e.CustomerID, points: rule.Points, at: e.OccurredAt,
					key: "award:" + rule.Key + ":" + e.ID, details: map[string]any{"event_id": e.ID, "event_type": e.Type}})
			}
		}
	}
	grants = append(grants, referrals...)
	_, err = r.s.awardAll(ctx, grants)
	return err
}

// ActionsWanted says, in the transaction that stores a batch of customer events, whether the
// brand rewards anything the activity stream can show (surveys, referrals, events), so that
// a brand without such rules costs the stream no job.
func (s *Service) ActionsWanted(ctx context.Context, _ string) (bool, error) {
	return s.deps.Actions.AnyActive(ctx, []actions.Action{actions.Survey, actions.Referral, actions.Event})
}

// activeRules returns the brand's active action rules.
func (s *Service) activeRules(ctx context.Context) ([]actions.Rule, error) {
	rules, err := s.deps.Actions.Rules(ctx)
	return slices.DeleteFunc(rules, func(r actions.Rule) bool { return !r.Active }), err
}

// referralsOf records the referrals among evs (a referral event of the new customer naming
// the referrer in its payload's referrer_id) and returns the grants due: both sides' points,
// at once or, where the rule waits for it, at the referee's first purchase after the referral.
// A customer is referred once, never by themselves.
func (s *Service) referralsOf(ctx context.Context, rules []actions.Rule, evs []event.Event) ([]grant, error) {
	i := slices.IndexFunc(rules, func(r actions.Rule) bool { return r.Action == actions.Referral })
	if i < 0 {
		return nil, nil
	}
	rule := rules[i]
	var referees []uuid.UUID
	for _, e := range evs {
		if e.Type == event.TypeReferral || e.Type == event.TypePurchase {
			referees = append(referees, e.CustomerID)
		}
	}
	if len(referees) == 0 {
		return nil, nil
	}
	known, err := s.deps.Actions.Referrals(ctx, referees)
	if err != nil {
		return nil, err
	}
	var referrers []uuid.UUID
	for _, e := range evs {
		if id, err := uuid.Parse(fmt.Sprint(e.Payload["referrer_id"])); err == nil && e.Type == event.TypeReferral {
			referrers = append(referrers, id)
		}
	}
	exists, err := s.deps.Actions.Customers(ctx, referrers)
	if err != nil {
		return nil, err
	}
	var grants []grant
	for _, e := range evs {
		ref, seen := known[e.CustomerID]
		switch {
		case e.Type == event.TypeReferral && !seen:
			// A referrer the brand does not know earns nothing, and nobody refers themselves.
			referrer, err := uuid.Parse(fmt.Sprint(e.Payload["referrer_id"]))
			if err != nil || referrer == e.CustomerID || !exists[referrer] {
				continue
			}
			ref = Referral{Referee: e.CustomerID, Referrer: referrer, Rule: rule.Key, EventID: e.ID, At: e.OccurredAt}
			ref.Awarded = !rule.AfterFirstPurchase
		case e.Type == event.TypePurchase && seen && !ref.Awarded && !e.OccurredAt.Before(ref.At):
			ref.Awarded = true
		default:
			continue
		}
		known[e.CustomerID] = ref
		if ref.Awarded {
			ref.AwardedAt = s.deps.Clock.Now()
			details := map[string]any{"referee_id": ref.Referee, "referrer_id": ref.Referrer, "event_id": ref.EventID}
			act := &fraud.Activity{Kind: fraud.Referral, Customer: ref.Referee, Device: payloadText(e, PayloadDevice),
				IP: payloadText(e, PayloadIP), Phone: payloadText(e, PayloadPhone), Points: rule.Points, At: e.OccurredAt.UTC()}
			grants = append(grants,
				grant{rule: rule, customer: ref.Referrer, points: rule.Points, at: e.OccurredAt, unlimited: true,
					key: "award:" + rule.Key + ":referrer:" + ref.Referee.String(), details: details, referral: act},
				grant{rule: rule, customer: ref.Referee, points: rule.RefereePoints, at: e.OccurredAt, unlimited: true,
					key: "award:" + rule.Key + ":referee:" + ref.Referee.String(), details: details, referral: act})
		}
		if err := s.deps.Actions.PutReferral(ctx, ref); err != nil {
			return nil, err
		}
	}
	return grants, nil
}
