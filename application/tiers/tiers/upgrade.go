package tiers

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/tiers/tier"
)

// upgrade moves up the members of customers (sorted) whose figures in the period under way
// qualify for a higher tier, in the caller's transaction: their rows are locked first (made at
// the lowest tier for newcomers, with joined as their first day), so two transactions for one
// customer decide one after the other and the second finds the first's tier. Upgrades wait
// for the evaluation when the brand's upgrades start at the next period or its mode is manual;
// a manual tier in force outranks the rules.
func (s *Service) upgrade(ctx context.Context, customers []uuid.UUID, joined map[uuid.UUID]time.Time) error {
	now := s.now()
	p, ok, err := s.inEffect(ctx, now)
	if err != nil || !ok {
		return err
	}
	loc, err := s.zoneHere(ctx)
	if err != nil {
		return err
	}
	members, made, err := s.deps.Store.Lock(ctx, customers, p.Ladder[0].Code, now, joined)
	if err != nil {
		return err
	}
	attrs := make(map[uuid.UUID]tier.Code, len(made))
	for _, c := range made {
		attrs[c] = p.Ladder[0].Code
	}
	var saved []Member
	var changes []Change
	var ups []entered
	if p.Settings.Start == tier.AtOnce && p.Settings.Mode == tier.Auto {
		figures, err := s.periodFigures(ctx, p.Settings, members, now, loc)
		if err != nil {
			return err
		}
		for _, c := range customers {
			m, ok := members[c]
			if !ok {
				continue
			}
			cur := max(p.Ladder.Index(m.Tier), 0)
			q := p.Ladder.Qualify(figures[c])
			if m.ManualActive(now) || q <= cur {
				continue
			}
			valid := p.Settings.ValidUntil(now, m.Joined, loc)
			changes = append(changes, Change{ID: uuid.Must(uuid.NewV7()), Customer: c, From: m.Tier, To: p.Ladder[q].Code,
				Kind: tier.KindUpgrade, Reason: "qualified", Figures: figures[c], ValidUntil: &valid, Actor: actor(ctx), OccurredAt: now})
			m.Tier, m.Since, m.ValidUntil, m.Manual, m.ManualUntil, m.Reason = p.Ladder[q].Code, now, &valid, false, nil, "qualified"
			saved = append(saved, m)
			attrs[c] = m.Tier
			ups = append(ups, entered{customer: c, from: cur, to: q, joined: m.Joined})
		}
	}
	if err := s.apply(ctx, saved, changes, attrs); err != nil {
		return err
	}
	return s.giveEntryRewards(ctx, p, ups, now, loc)
}

// periodFigures sums each member's figures over the period under way (members of an
// anniversary window each have their own).
func (s *Service) periodFigures(ctx context.Context, st tier.Settings, members map[uuid.UUID]Member, now time.Time,
	loc *time.Location) (map[uuid.UUID]tier.Figures, error) {
	byWindow := map[Window][]uuid.UUID{}
	for c, m := range members {
		from, to := st.Period(now, m.Joined.In(loc), loc)
		w := Window{From: from, To: to}
		byWindow[w] = append(byWindow[w], c)
	}
	out := make(map[uuid.UUID]tier.Figures, len(members))
	for w, ids := range byWindow {
		fs, err := s.deps.Store.Figures(ctx, ids, w, st.RefundsDowngrade)
		if err != nil {
			return nil, err
		}
		for id, f := range fs {
			out[id] = f
		}
	}
	return out, nil
}

// apply saves members and their changes, writes the tiers into the customer attribute the
// points rules read, and publishes each change's event, in the caller's transaction.
func (s *Service) apply(ctx context.Context, members []Member, changes []Change, attrs map[uuid.UUID]tier.Code) error {
	if err := s.deps.Store.Save(ctx, members, changes); err != nil {
		return err
	}
	if len(attrs) > 0 {
		if err := s.deps.Attributes.SetTiers(ctx, attrs); err != nil {
			return err
		}
	}
	return s.publish(ctx, changes, nil)
}

// publish publishes the event of each change; ladder, when known, tells ups from downs of
// manual changes.
func (s *Service) publish(ctx context.Context, changes []Change, ladder tier.Ladder) error {
	for _, c := range changes {
		typ := eventType(c, ladder)
		if err := s.deps.Publisher.Publish(ctx, typ, tier.Changed{CustomerID: c.Customer, From: c.From, To: c.To, Kind: c.Kind,
			Reason: c.Reason, Figures: c.Figures, ValidUntil: c.ValidUntil, OccurredAt: c.OccurredAt}); err != nil {
			return err
		}
	}
	return nil
}

func eventType(c Change, ladder tier.Ladder) string {
	switch c.Kind {
	case tier.KindUpgrade:
		return tier.TypeUpgraded
	case tier.KindDowngrade:
		return tier.TypeDowngraded
	case tier.KindRenewal:
		return tier.TypeRenewed
	case tier.KindExpiry:
		return tier.TypeExpired
	}
	return tier.EventType(c.Kind, ladder.Index(c.From), ladder.Index(c.To))
}
