// Package rules is a brand's purchase earning rules and their evaluation: what a purchase
// earns into each wallet, with a line per rule saying what it gave and why (the breakdown the
// simulator shows and every earning stores).
//
// A rule set lists rules; each rule is one of three kinds and earns into one wallet:
//
//   - base: Points for every whole PerFen of the purchase's amount (the base rate). The base rule
//     of a wallet is the first by priority whose conditions hold; without one the wallet earns
//     nothing from the purchase.
//   - multiplier: the base points of the spend it matches, times Percent/100 (200: double
//     points), adding the part beyond the base. With product categories it matches only the
//     spend of the lines in them; otherwise the whole amount.
//   - bonus: a fixed number of Points when its conditions hold.
//
// Conditions (all must hold): store categories (the rule set names which stores are in each),
// product categories, a minimum spend, weekdays, hours, a date range (in the brand's time
// zone), the customer's birthday (the day or the month), membership of any of some segments, and
// a customer attribute among values. Tiers are a later module: a tier condition is an attribute
// condition on the attribute the tiers module fills ("tier" is "gold").
//
// Priority and stacking, among the multipliers and bonuses of a wallet whose conditions hold,
// highest priority first: when the first is exclusive it applies alone; otherwise every stack
// rule applies, the best_of rules give only the one earning the most, and exclusive rules lower
// down do not apply. Caps come last: a rule's own MaxPoints, then the wallet's caps per order
// and per day (what the customer earned already on the purchase's day, in the brand's zone).
//
// Evaluation is pure: Evaluate takes the purchase, what is known about the customer and what
// they earned that day.
package rules

import (
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
)

// Kind is what a rule earns.
type Kind string

// Kinds of purchase rules.
const (
	KindBase       Kind = "base"
	KindMultiplier Kind = "multiplier"
	KindBonus      Kind = "bonus"
)

// Kinds are the kinds of purchase rules, for API enums.
var Kinds = []Kind{KindBase, KindMultiplier, KindBonus}

// Stacking says how a multiplier or bonus combines with the others whose conditions hold.
type Stacking string

// Stacking modes.
const (
	// Stack applies with every other stacking rule and the best of the best_of ones.
	Stack Stacking = "stack"
	// BestOf applies only when it earns the most of the best_of rules that hold.
	BestOf Stacking = "best_of"
	// Exclusive applies only alone: when it is the first by priority whose conditions hold.
	Exclusive Stacking = "exclusive"
)

// Stackings are the stacking modes, for API enums.
var Stackings = []Stacking{Stack, BestOf, Exclusive}

// Birthday conditions.
const (
	BirthdayDay   = "day"
	BirthdayMonth = "month"
)

// Text is a rule's text in the languages customers read.
type Text struct {
	ZH string `json:"zh_cn"`
	EN string `json:"en"`
}

// In returns the text in lang ("zh-CN", "en"), falling back to the other language.
func (t Text) In(lang string) string {
	if len(lang) >= 2 && lang[:2] == "en" {
		if t.EN != "" {
			return t.EN
		}
		return t.ZH
	}
	if t.ZH != "" {
		return t.ZH
	}
	return t.EN
}

// AttributeCondition holds when a customer attribute is one of Values (compared as text).
type AttributeCondition struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// Conditions are what must hold for a rule to apply; zero fields always hold.
type Conditions struct {
	// StoreCategories: the purchase's store is in one of these categories of the rule set.
	StoreCategories []string `json:"store_categories,omitempty"`
	// ProductCategories: for a multiplier, the spend it multiplies is that of the lines in these
	// categories; for a base or bonus rule, a line in one of them is bought.
	ProductCategories []string `json:"product_categories,omitempty"`
	MinSpendFen       int64    `json:"min_spend_fen,omitempty"`
	// Weekdays: 0 is Sunday, 6 Saturday, in the brand's zone.
	Weekdays []int `json:"weekdays,omitempty"`
	// FromHour and ToHour: the purchase's hour is in [FromHour, ToHour), wrapping past
	// midnight when FromHour > ToHour; both zero always holds.
	FromHour int `json:"from_hour,omitempty"`
	ToHour   int `json:"to_hour,omitempty"`
	// FromDate and ToDate bound the purchase's date (YYYY-MM-DD, in the brand's zone), inclusive.
	FromDate string `json:"from_date,omitempty"`
	ToDate   string `json:"to_date,omitempty"`
	// Birthday: "day" or "month" of the customer's birthday.
	Birthday string `json:"birthday,omitempty"`
	// Segments: the customer is a member of one of these segments.
	Segments []uuid.UUID `json:"segments,omitempty"`
	// Attribute: a customer attribute is one of some values (the tier condition).
	Attribute *AttributeCondition `json:"attribute,omitempty"`
}

// Rule is one purchase earning rule.
type Rule struct {
	// Key names the rule in its set and in breakdowns ("weekend_double").
	Key      string        `json:"key"`
	Title    Text          `json:"title"`
	Tip      Text          `json:"tip,omitempty"`
	Wallet   ledger.Wallet `json:"wallet"`
	Kind     Kind          `json:"kind"`
	Priority int           `json:"priority,omitempty"`
	Stacking Stacking      `json:"stacking,omitempty"`
	// Points per PerFen (base), or the bonus.
	Points int64 `json:"points,omitempty"`
	PerFen int64 `json:"per_fen,omitempty"`
	// Percent is a multiplier's: 200 doubles the base points of the matching spend.
	Percent int64 `json:"percent,omitempty"`
	// MaxPoints caps what the rule gives one purchase (0: no cap).
	MaxPoints int64      `json:"max_points,omitempty"`
	When      Conditions `json:"when,omitempty"`
}

// Cap bounds what a wallet earns from purchases.
type Cap struct {
	Wallet   ledger.Wallet `json:"wallet"`
	PerOrder int64         `json:"per_order,omitempty"`
	PerDay   int64         `json:"per_day,omitempty"`
}

// StoreCategory names a group of stores for conditions.
type StoreCategory struct {
	Key    string   `json:"key"`
	Title  Text     `json:"title"`
	Stores []string `json:"stores"`
}

// Set is a brand's purchase rules as one version states them.
type Set struct {
	Rules           []Rule          `json:"rules"`
	Caps            []Cap           `json:"caps,omitempty"`
	StoreCategories []StoreCategory `json:"store_categories,omitempty"`
}

// Item is one purchase line as rules see it.
type Item struct {
	SKU      string
	Category string
	Quantity int64
	// PriceFen is the unit price; nil when unknown.
	PriceFen *int64
}

// Purchase is what rules evaluate.
type Purchase struct {
	AmountFen  int64
	OccurredAt time.Time
	Store      string
	Items      []Item
}

// Customer is what rules know about the customer at the purchase.
type Customer struct {
	// BirthMonth and BirthDay are zero when unknown.
	BirthMonth time.Month        `json:"birth_month,omitempty"`
	BirthDay   int               `json:"birth_day,omitempty"`
	Segments   []uuid.UUID       `json:"segments,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// Decided, when not nil, replaces the facts: the rules whose conditions on the customer
	// hold are those named (see Decide).
	Decided []string `json:"decided,omitempty"`
}

// NeedsCustomer reports whether any rule reads what is known about the customer.
func (s Set) NeedsCustomer() bool {
	for _, r := range s.Rules {
		if r.When.Birthday != "" || len(r.When.Segments) > 0 || r.When.Attribute != nil {
			return true
		}
	}
	return false
}

// ReadsItems reports whether any rule reads the purchase's product categories.
func (s Set) ReadsItems() bool {
	for _, r := range s.Rules {
		if len(r.When.ProductCategories) > 0 {
			return true
		}
	}
	return false
}

// NeedsEarnedToday reports whether a wallet has a cap per day.
func (s Set) NeedsEarnedToday() bool {
	for _, c := range s.Caps {
		if c.PerDay > 0 {
			return true
		}
	}
	return false
}

// Wallets returns the wallets the rules earn into, in the order first named.
func (s Set) Wallets() []ledger.Wallet {
	var out []ledger.Wallet
	seen := map[ledger.Wallet]bool{}
	for _, r := range s.Rules {
		if !seen[r.Wallet] {
			seen[r.Wallet] = true
			out = append(out, r.Wallet)
		}
	}
	return out
}

// cap returns the wallet's caps.
func (s Set) cap(w ledger.Wallet) Cap {
	for _, c := range s.Caps {
		if c.Wallet == w {
			return c
		}
	}
	return Cap{Wallet: w}
}

// FromRates is the rule set of a brand that has none: each wallet's base rate, its minimum
// spend as the base rule's condition and its cap per order.
func FromRates(rates []Rate) Set {
	var s Set
	for _, r := range rates {
		s.Rules = append(s.Rules, Rule{Key: "base_" + string(r.Wallet), Wallet: r.Wallet, Kind: KindBase,
			Title:  Text{ZH: "消费积分", EN: "Points for purchases"},
			Points: r.Points, PerFen: r.PerFen, When: Conditions{MinSpendFen: r.MinSpendFen}})
		if r.MaxPerOrder > 0 {
			s.Caps = append(s.Caps, Cap{Wallet: r.Wallet, PerOrder: r.MaxPerOrder})
		}
	}
	return s
}

// Rate is a wallet's base rate in the program's settings.
type Rate struct {
	Wallet      ledger.Wallet
	Points      int64
	PerFen      int64
	MinSpendFen int64
	MaxPerOrder int64
}
