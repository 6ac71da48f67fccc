package rules

import (
	"cmp"
	"slices"
	"time"

	"github.com/engagehq/engage/domain/points/ledger"
)

// Extra returns what r, a multiplier or bonus kept outside s (a bonus campaign's offer), gives p
// beside what s earns: a multiplier the base points that s's base rule of r's wallet gives the
// spend r matches, times Percent/100, less that base (200: as much again); a bonus its Points;
// either capped by r's MaxPoints. Conditions read s's store categories and the brand's calendar
// in loc. unmet names the first condition that does not hold ("base" for a multiplier when no
// base rule of the wallet applies); then Extra gives nothing.
func (s Set) Extra(r Rule, p Purchase, c Customer, loc *time.Location) (points int64, unmet string) {
	if loc == nil {
		loc = time.UTC
	}
	at := p.OccurredAt.In(loc)
	spend := itemSpend(p)
	matched, unmet := s.match(r, p, spend, c, at)
	if unmet != "" {
		return 0, unmet
	}
	switch r.Kind {
	case KindBonus:
		return capRule(r, max(r.Points, 0)), ""
	case KindMultiplier:
		base := s.baseRule(r.Wallet, p, spend, c, at)
		if base == nil {
			return 0, "base"
		}
		return capRule(r, max(share(ratePoints(*base, matched), r.Percent-100, 100), 0)), ""
	}
	return 0, "kind"
}

// baseRule returns the base rule of wallet w that applies to p: the first by priority whose
// conditions hold, nil when none does.
func (s Set) baseRule(w ledger.Wallet, p Purchase, spend []int64, c Customer, at time.Time) *Rule {
	var bases []Rule
	for _, r := range s.Rules {
		if r.Wallet == w && r.Kind == KindBase {
			bases = append(bases, r)
		}
	}
	slices.SortStableFunc(bases, func(a, b Rule) int { return cmp.Compare(b.Priority, a.Priority) })
	for i := range bases {
		if _, unmet := s.match(bases[i], p, spend, c, at); unmet == "" {
			return &bases[i]
		}
	}
	return nil
}

// NeedsCustomer reports whether the conditions read what is known about the customer.
func (w Conditions) NeedsCustomer() bool { return customerConditions(w) != "" }

// HoldFor reports whether the conditions on the customer (birthday, segments, attribute) hold
// for c at t in loc; the others are not read.
func (w Conditions) HoldFor(c Customer, t time.Time, loc *time.Location) bool {
	if loc == nil {
		loc = time.UTC
	}
	return matchCustomer(w, c, t.In(loc)) == ""
}

// Check returns the conditions' fields at fault, each a *fielderr.Error named under at
// ("when."); storeCategories are the keys the conditions may name.
func (w Conditions) Check(at string, storeCategories []string) []error {
	known := map[string]bool{}
	for _, k := range storeCategories {
		known[k] = true
	}
	return w.check(at, known)
}

// Check returns the text's fields at fault under field, each at most most characters, both
// languages required when required is set.
func (t Text) Check(field string, most int, required bool) []error {
	return t.check(field, most, required)
}
