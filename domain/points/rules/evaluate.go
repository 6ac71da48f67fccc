package rules

import (
	"cmp"
	"math/big"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
)

// Outcomes of a rule in a breakdown.
const (
	// Applied: the rule gave its points (perhaps fewer, when capped).
	Applied = "applied"
	// NotMet: a condition did not hold (Line.Unmet names it).
	NotMet = "not_met"
	// Excluded: an exclusive rule applied alone, or this exclusive rule was not first.
	Excluded = "excluded"
	// NotBest: another best_of rule earned more.
	NotBest = "not_best"
	// Superseded: a base rule of higher priority applied to the wallet.
	Superseded = "superseded"
	// Capped: a cap line, taking off what went beyond the cap.
	Capped = "capped"
)

// Cap lines' kinds in a breakdown.
const (
	CapPerOrder = "cap_per_order"
	CapPerDay   = "cap_per_day"
)

// Line is one line of a breakdown: what a rule (or a cap) did to a purchase.
type Line struct {
	// Rule is the rule's key; empty on a cap line.
	Rule   string        `json:"rule,omitempty"`
	Title  Text          `json:"title,omitempty"`
	Wallet ledger.Wallet `json:"wallet"`
	// Kind is the rule's kind, or cap_per_order / cap_per_day.
	Kind    string `json:"kind"`
	Outcome string `json:"outcome"`
	// Unmet names the first condition that did not hold (store_categories, weekdays, ...).
	Unmet string `json:"unmet,omitempty"`
	// Points is what the line gave (negative on a cap line).
	Points int64 `json:"points"`
	// WouldGive is what a rule that did not apply would have given (not_best, excluded).
	WouldGive int64 `json:"would_give,omitempty"`
}

// Earned is what a purchase earns into one wallet.
type Earned struct {
	Wallet ledger.Wallet `json:"wallet"`
	Points int64         `json:"points"`
}

// Result is what a purchase earns, per wallet, with the breakdown.
type Result struct {
	Wallets []Earned `json:"wallets"`
	Lines   []Line   `json:"lines"`
}

// Points returns what the purchase earns into w.
func (r Result) Points(w ledger.Wallet) int64 {
	for _, e := range r.Wallets {
		if e.Wallet == w {
			return e.Points
		}
	}
	return 0
}

// Evaluate returns what p earns under s for customer c, who earned earnedToday (per wallet,
// from purchases on p's day in loc) before it; loc is the brand's time zone, whose calendar
// the time conditions read. Wallets come in the order the rules name them.
func Evaluate(s Set, p Purchase, c Customer, earnedToday map[ledger.Wallet]int64, loc *time.Location) Result {
	if loc == nil {
		loc = time.UTC
	}
	at := p.OccurredAt.In(loc)
	spend := itemSpend(p)
	var res Result
	for _, w := range s.Wallets() {
		var rules []Rule
		for _, r := range s.Rules {
			if r.Wallet == w {
				rules = append(rules, r)
			}
		}
		slices.SortStableFunc(rules, func(a, b Rule) int { return cmp.Compare(b.Priority, a.Priority) })
		total, lines := wallet(s, rules, p, spend, c, at)
		// Caps: per order, then per day.
		caps := s.cap(w)
		if caps.PerOrder > 0 && total > caps.PerOrder {
			lines = append(lines, Line{Wallet: w, Kind: CapPerOrder, Outcome: Capped, Points: caps.PerOrder - total})
			total = caps.PerOrder
		}
		if caps.PerDay > 0 {
			room := max(caps.PerDay-earnedToday[w], 0)
			if total > room {
				lines = append(lines, Line{Wallet: w, Kind: CapPerDay, Outcome: Capped, Points: room - total})
				total = room
			}
		}
		res.Wallets = append(res.Wallets, Earned{Wallet: w, Points: total})
		res.Lines = append(res.Lines, lines...)
	}
	return res
}

// wallet evaluates the rules of one wallet, sorted by priority.
func wallet(s Set, rules []Rule, p Purchase, spend []int64, c Customer, at time.Time) (int64, []Line) {
	var lines []Line
	var base *Rule
	var total int64
	// The base rule: the first whose conditions hold.
	for i := range rules {
		r := &rules[i]
		if r.Kind != KindBase {
			continue
		}
		l := Line{Rule: r.Key, Title: r.Title, Wallet: r.Wallet, Kind: string(r.Kind)}
		_, unmet := s.match(*r, p, spend, c, at)
		switch {
		case base != nil:
			l.Outcome = Superseded
		case unmet != "":
			l.Outcome, l.Unmet = NotMet, unmet
		default:
			base = r
			l.Outcome, l.Points = Applied, capRule(*r, ratePoints(*r, p.AmountFen))
			total = l.Points
		}
		lines = append(lines, l)
	}
	// The multipliers and bonuses whose conditions hold, by priority.
	type candidate struct {
		line  int
		given int64
		rule  Rule
	}
	var held []candidate
	for _, r := range rules {
		if r.Kind == KindBase {
			continue
		}
		l := Line{Rule: r.Key, Title: r.Title, Wallet: r.Wallet, Kind: string(r.Kind)}
		matched, unmet := s.match(r, p, spend, c, at)
		if unmet == "" && r.Kind == KindMultiplier && base == nil {
			unmet = "base"
		}
		if unmet != "" {
			l.Outcome, l.Unmet = NotMet, unmet
			lines = append(lines, l)
			continue
		}
		var given int64
		switch r.Kind {
		case KindMultiplier:
			given = share(ratePoints(*base, matched), r.Percent-100, 100)
		case KindBonus:
			given = r.Points
		}
		held = append(held, candidate{line: len(lines), given: capRule(r, max(given, 0)), rule: r})
		lines = append(lines, l)
	}
	best := -1
	for i, h := range held {
		if h.rule.Stacking == BestOf && (best < 0 || h.given > held[best].given) {
			best = i
		}
	}
	alone := len(held) > 0 && held[0].rule.Stacking == Exclusive
	for i, h := range held {
		l := &lines[h.line]
		switch {
		case alone && i > 0, !alone && h.rule.Stacking == Exclusive:
			l.Outcome, l.WouldGive = Excluded, h.given
		case h.rule.Stacking == BestOf && i != best:
			l.Outcome, l.WouldGive = NotBest, h.given
		default:
			l.Outcome, l.Points = Applied, h.given
			total += h.given
		}
	}
	return total, lines
}

// ratePoints is what a base rule gives spend.
func ratePoints(r Rule, spendFen int64) int64 {
	if r.PerFen <= 0 || spendFen <= 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(spendFen/r.PerFen), big.NewInt(r.Points))
	if !n.IsInt64() {
		return 0
	}
	return n.Int64()
}

// capRule applies a rule's own cap.
func capRule(r Rule, points int64) int64 {
	if r.MaxPoints > 0 {
		return min(points, r.MaxPoints)
	}
	return points
}

// share returns points times part over whole, rounded down, without overflow.
func share(points, part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(points), big.NewInt(part))
	n.Quo(n, big.NewInt(whole))
	if !n.IsInt64() {
		return 0
	}
	return n.Int64()
}

// itemSpend splits the purchase's amount over its items: by price times quantity when every
// item has a price, by quantity otherwise. The parts add up to the amount.
func itemSpend(p Purchase) []int64 {
	out := make([]int64, len(p.Items))
	if len(p.Items) == 0 || p.AmountFen <= 0 {
		return out
	}
	priced := true
	for _, it := range p.Items {
		priced = priced && it.PriceFen != nil
	}
	weights := make([]int64, len(p.Items))
	var sum int64
	for i, it := range p.Items {
		weights[i] = max(it.Quantity, 0)
		if priced {
			weights[i] *= *it.PriceFen
		}
		sum += weights[i]
	}
	if sum <= 0 {
		return out
	}
	var given int64
	for i := range p.Items {
		out[i] = share(p.AmountFen, weights[i], sum)
		given += out[i]
	}
	// What rounding left goes to the largest item.
	out[slices.Index(weights, slices.Max(weights))] += p.AmountFen - given
	return out
}

// match reports the spend conditions c match (the amount, or the spend of the items in the
// product categories) and the first condition that does not hold ("" when all do).
func (s Set) match(r Rule, p Purchase, spend []int64, c Customer, at time.Time) (int64, string) {
	w := r.When
	if len(w.StoreCategories) > 0 && !s.inStoreCategory(p.Store, w.StoreCategories) {
		return 0, "store_categories"
	}
	matched := p.AmountFen
	if len(w.ProductCategories) > 0 {
		matched = 0
		found := false
		for i, it := range p.Items {
			if slices.Contains(w.ProductCategories, it.Category) {
				matched += spend[i]
				found = true
			}
		}
		if !found {
			return 0, "product_categories"
		}
	}
	if w.MinSpendFen > 0 && p.AmountFen < w.MinSpendFen {
		return 0, "min_spend_fen"
	}
	if len(w.Weekdays) > 0 && !slices.Contains(w.Weekdays, int(at.Weekday())) {
		return 0, "weekdays"
	}
	if w.FromHour != 0 || w.ToHour != 0 {
		h, to := at.Hour(), w.ToHour
		if to == 0 {
			to = 24
		}
		in := h >= w.FromHour && h < to
		if w.FromHour > to {
			in = h >= w.FromHour || h < to
		}
		if !in {
			return 0, "hours"
		}
	}
	day := at.Format(time.DateOnly)
	if w.FromDate != "" && day < w.FromDate {
		return 0, "from_date"
	}
	if w.ToDate != "" && day > w.ToDate {
		return 0, "to_date"
	}
	if c.Decided != nil {
		if unmet := customerConditions(w); unmet != "" && !slices.Contains(c.Decided, r.Key) {
			return 0, unmet
		}
		return matched, ""
	}
	return matched, matchCustomer(w, c, at)
}

// customerConditions names the first condition w has on the customer ("" for none).
func customerConditions(w Conditions) string {
	switch {
	case w.Birthday != "":
		return "birthday"
	case len(w.Segments) > 0:
		return "segments"
	case w.Attribute != nil:
		return "attribute"
	}
	return ""
}

// matchCustomer returns the first condition on the customer that does not hold at at ("" when
// all do).
func matchCustomer(w Conditions, c Customer, at time.Time) string {
	switch w.Birthday {
	case BirthdayMonth:
		if c.BirthMonth == 0 || c.BirthMonth != at.Month() {
			return "birthday"
		}
	case BirthdayDay:
		if c.BirthMonth == 0 || !birthday(c.BirthMonth, c.BirthDay, at) {
			return "birthday"
		}
	}
	if len(w.Segments) > 0 && !slices.ContainsFunc(w.Segments, func(id uuid.UUID) bool { return slices.Contains(c.Segments, id) }) {
		return "segments"
	}
	if a := w.Attribute; a != nil {
		v, ok := c.Attributes[a.Name]
		if !ok || !slices.Contains(a.Values, v) {
			return "attribute"
		}
	}
	return ""
}

// Decide returns the keys of the rules of s with conditions on the customer that c meets at t
// (in loc): what an earning keeps instead of the customer's facts, so that re-evaluating it (a
// refund) needs no personal data.
func Decide(s Set, c Customer, t time.Time, loc *time.Location) []string {
	if loc == nil {
		loc = time.UTC
	}
	out := []string{}
	for _, r := range s.Rules {
		if customerConditions(r.When) != "" && matchCustomer(r.When, c, t.In(loc)) == "" {
			out = append(out, r.Key)
		}
	}
	return out
}

// birthday reports whether at is the birthday month/day; 29 February is the 28th in other years.
func birthday(m time.Month, d int, at time.Time) bool {
	if m == time.February && d == 29 && !leap(at.Year()) {
		d = 28
	}
	return at.Month() == m && at.Day() == d
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// inStoreCategory reports whether store is in one of the categories.
func (s Set) inStoreCategory(store string, categories []string) bool {
	for _, sc := range s.StoreCategories {
		if slices.Contains(categories, sc.Key) && slices.Contains(sc.Stores, store) {
			return true
		}
	}
	return false
}
