package tiers

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
)

// Reactor counts the activity stream's purchases and visits into members' figures and
// upgrades the members they qualify.
type Reactor struct{ s *Service }

var _ ports.EventReactor = (*Reactor)(nil)

// Reactor returns the reaction to stored customer events.
func (s *Service) Reactor() *Reactor { return &Reactor{s: s} }

// Name implements ports.EventReactor.
func (*Reactor) Name() string { return "tiers" }

// React implements ports.EventReactor: a purchase adds its amount and a visit to its day, a
// visit a visit, each under its event's ID, so a batch seen twice counts once.
func (r *Reactor) React(ctx context.Context, evs []event.Event) error {
	loc, err := r.s.zoneHere(ctx)
	if err != nil {
		return err
	}
	var facts []Fact
	for _, e := range evs {
		f := Fact{Key: "activity:" + e.ID, Customer: e.CustomerID, Day: tier.Day(e.OccurredAt, loc), Visited: true}
		switch {
		case e.Type == event.TypePurchase && e.AmountFen != nil:
			f.SpendFen = *e.AmountFen
		case e.Type != event.TypeVisit:
			continue
		}
		facts = append(facts, f)
	}
	return r.s.count(ctx, facts)
}

// StatusSubscriber counts the status points (成长值) the points module's earnings give and its
// refunds take back, from its public events, and upgrades the members they qualify.
func (s *Service) StatusSubscriber(queue string) eventbus.Subscriber {
	return eventbus.Subscriber{Name: "tiers_status", Queue: queue, Takes: eventbus.Types(ledger.TypeEarned, ledger.TypeRefunded),
		Wants: s.Wanted,
		Handle: func(ctx context.Context, published []ports.DomainEvent) error {
			loc, err := s.zoneHere(ctx)
			if err != nil {
				return err
			}
			changes, err := eventbus.Decode[ledger.Changed](published)
			if err != nil {
				return err
			}
			var facts []Fact
			for i, c := range changes {
				for _, w := range c.Wallets {
					n := w.Points + w.Pending
					if w.Wallet != ledger.Status || n == 0 {
						continue
					}
					f := Fact{Key: "points:" + c.OperationID.String(), Customer: c.CustomerID, Day: tier.Day(c.OccurredAt, loc)}
					if published[i].Type == ledger.TypeEarned {
						f.StatusPoints = n
					} else {
						f.StatusRefunded = -n
					}
					facts = append(facts, f)
				}
			}
			return s.count(ctx, facts)
		}}
}

// Wanted says, in the publishing transaction, whether the brand has a tier program: the
// module counts figures from the day a brand first sets one, and costs the others nothing.
func (s *Service) Wanted(ctx context.Context, _ string) (bool, error) {
	return s.deps.Store.HasProgram(ctx)
}

// count adds facts never counted and upgrades the customers whose figures changed.
func (s *Service) count(ctx context.Context, facts []Fact) error {
	if len(facts) == 0 {
		return nil
	}
	slices.SortStableFunc(facts, func(a, b Fact) int { return strings.Compare(a.Key, b.Key) })
	facts = slices.CompactFunc(facts, func(a, b Fact) bool { return a.Key == b.Key })
	changed, err := s.deps.Store.AddFacts(ctx, facts)
	if err != nil || len(changed) == 0 {
		return err
	}
	joined := map[uuid.UUID]time.Time{}
	for _, f := range facts {
		if j, ok := joined[f.Customer]; !ok || f.Day.Before(j) {
			joined[f.Customer] = f.Day
		}
	}
	return s.upgrade(ctx, changed, joined)
}
