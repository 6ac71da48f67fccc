package points

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/domain/points/rules"
)

// dayKey is a customer's day in the brand's calendar.
type dayKey struct {
	customer uuid.UUID
	day      string
}

// evaluator evaluates purchases under a brand's rule versions: the one code earning, the
// simulator and the change preview run. It knows what the rules read beyond a purchase (the
// customers' facts, what they earned each day) and adds what it evaluates to the day's
// earnings, so purchases of one customer on one day evaluated in turn share its cap per day.
type evaluator struct {
	versions []rules.Version
	settings program.Settings
	loc      *time.Location
	facts    map[uuid.UUID]rules.Customer
	earned   map[dayKey]map[ledger.Wallet]int64
}

// ruled is what one purchase earns under the rules, and the details its earning stores.
type ruled struct {
	version int
	set     rules.Set
	result  rules.Result
	details purchaseDetails
}

func newEvaluator(versions []rules.Version, settings program.Settings, loc *time.Location) *evaluator {
	return &evaluator{versions: versions, settings: settings, loc: loc, facts: map[uuid.UUID]rules.Customer{},
		earned: map[dayKey]map[ledger.Wallet]int64{}}
}

// evaluator returns an evaluator for purchases, with what their rules read loaded: the facts
// of their customers when a rule reads them, and what they earned on the purchases' days when
// a cap per day applies.
func (s *Service) evaluator(ctx context.Context, versions []rules.Version, settings program.Settings, purchases []Purchase,
	loc *time.Location) (*evaluator, error) {
	e := newEvaluator(versions, settings, loc)
	var who []uuid.UUID
	var spans []DaySpan
	var days []dayKey
	for _, p := range purchases {
		set, _ := setAt(versions, settings, p.OccurredAt)
		if set.NeedsCustomer() && !slices.Contains(who, p.Customer) {
			who = append(who, p.Customer)
		}
		if set.NeedsEarnedToday() {
			k := e.day(p)
			if !slices.Contains(days, k) {
				from := dayStart(p.OccurredAt, loc)
				days, spans = append(days, k), append(spans, DaySpan{Customer: p.Customer, From: from, To: from.AddDate(0, 0, 1)})
			}
		}
	}
	if err := s.loadFacts(ctx, e, who); err != nil {
		return nil, err
	}
	if len(spans) > 0 {
		earned, err := s.deps.Rules.EarnedOn(ctx, spans)
		if err != nil {
			return nil, err
		}
		for i, k := range days {
			e.earned[k] = earned[i]
		}
	}
	return e, nil
}

// loadFacts adds the facts of customers e does not know yet.
func (s *Service) loadFacts(ctx context.Context, e *evaluator, who []uuid.UUID) error {
	who = slices.DeleteFunc(who, func(id uuid.UUID) bool { _, ok := e.facts[id]; return ok })
	if len(who) == 0 || s.deps.Facts == nil {
		return nil
	}
	facts, err := s.deps.Facts.Facts(ctx, who)
	if err != nil {
		return err
	}
	for _, id := range who {
		e.facts[id] = facts[id]
	}
	return nil
}

// dayStart is the start of t's day in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func (e *evaluator) day(p Purchase) dayKey {
	return dayKey{customer: p.Customer, day: p.OccurredAt.In(e.loc).Format(time.DateOnly)}
}

// evaluate returns what p earns into the program's wallets, and counts it in the day's earnings.
func (e *evaluator) evaluate(p Purchase) ruled {
	set, number := setAt(e.versions, e.settings, p.OccurredAt)
	var today map[ledger.Wallet]int64
	capped := set.NeedsEarnedToday()
	if capped {
		today = e.earned[e.day(p)]
	}
	var facts *rules.Customer
	if set.NeedsCustomer() {
		c := e.facts[p.Customer]
		facts = &c
	}
	var c rules.Customer
	if facts != nil {
		c = *facts
	}
	res := rules.Evaluate(set, rulePurchase(p), c, today, e.loc)
	// Only the program's wallets earn: a wallet dropped since the version was written earns nothing.
	known := e.settings.Keys()
	res.Wallets = slices.DeleteFunc(res.Wallets, func(w rules.Earned) bool { return !slices.Contains(known, w.Wallet) })
	res.Lines = slices.DeleteFunc(res.Lines, func(l rules.Line) bool { return !slices.Contains(known, l.Wallet) })
	if capped {
		next := maps.Clone(today)
		if next == nil {
			next = map[ledger.Wallet]int64{}
		}
		for _, w := range res.Wallets {
			next[w.Wallet] += w.Points
		}
		e.earned[e.day(p)] = next
	}
	// The store is kept whatever the rules: reports group by it.
	out := ruled{version: number, set: set, result: res, details: purchaseDetails{AmountFen: p.AmountFen, Store: p.Store}}
	if number == 0 {
		for _, w := range e.settings.Wallets {
			out.details.Rates = append(out.details.Rates, rateJSON{Wallet: w.Key, Points: w.Rate.Points, PerFen: w.Rate.PerFen,
				MinSpendFen: w.Rate.MinSpendFen, MaxPerOrder: w.Rate.MaxPerOrder})
		}
		return out
	}
	at := p.OccurredAt
	d := &out.details
	d.RuleVersion, d.OccurredAt = number, &at
	if facts != nil {
		// What the rules decided of the customer, not the facts: no personal data in the ledger.
		d.Customer = &rules.Customer{Decided: rules.Decide(set, *facts, p.OccurredAt, e.loc)}
	}
	if capped {
		d.EarnedToday = today
		if d.EarnedToday == nil {
			d.EarnedToday = map[ledger.Wallet]int64{}
		}
	}
	if set.ReadsItems() {
		for _, it := range p.Items {
			d.Items = append(d.Items, itemJSON{Category: it.Category, Quantity: it.Quantity, PriceFen: it.PriceFen})
		}
	}
	for _, l := range res.Lines {
		if l.Points != 0 {
			d.Lines = append(d.Lines, lineJSON{Rule: l.Rule, Wallet: l.Wallet, Kind: l.Kind, Points: l.Points})
		}
	}
	return out
}

// earns recomputes, for a refund, what a purchase earning with details would earn per wallet
// had its amount been amountFen: the same rules on the same purchase, its items' shares scaled.
func (s *Service) earns(ctx context.Context, d purchaseDetails, amountFen int64, loc *time.Location) (map[ledger.Wallet]int64, error) {
	rates := make([]rules.Rate, len(d.Rates))
	for i, r := range d.Rates {
		rates[i] = r.rate()
	}
	set := rules.FromRates(rates)
	p := rules.Purchase{AmountFen: amountFen, Store: d.Store}
	var c rules.Customer
	if d.RuleVersion > 0 {
		versions, err := s.versions(ctx)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(versions, func(v rules.Version) bool { return v.Number == d.RuleVersion })
		if i < 0 {
			return nil, ErrVersionNotFound
		}
		set = versions[i].Set
		if d.OccurredAt != nil {
			p.OccurredAt = *d.OccurredAt
		}
		for _, it := range d.Items {
			p.Items = append(p.Items, rules.Item{Category: it.Category, Quantity: it.Quantity, PriceFen: it.PriceFen})
		}
		if d.Customer != nil {
			c = *d.Customer
		}
	}
	res := rules.Evaluate(set, p, c, d.EarnedToday, loc)
	out := campaignsKept(d, amountFen)
	for _, w := range res.Wallets {
		out[w.Wallet] += w.Points
	}
	return out, nil
}
