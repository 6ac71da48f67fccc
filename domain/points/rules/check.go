package rules

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
)

// Limits of a rule set.
const (
	MaxRules           = 50
	MaxStoreCategories = 50
	MaxStores          = 1000
	MaxListed          = 100
	MaxPoints          = 100_000_000
	MaxPerFen          = 100_000_000
	MaxPercent         = 10_000
	MaxSpendFen        = 10_000_000_000
	MaxTitle           = 100
	MaxTip             = 300
)

var key = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Errors of a rule set.
var (
	ErrUnknownStoreCategory = errors.New("no store category with this key in the rule set")
	ErrUnknownWallet        = errors.New("not a wallet of the brand's program")
)

func bad(field, format string, args ...any) error { return fielderr.Errorf(field, format, args...) }

// Check returns every field at fault, each a *fielderr.Error, joined; wallets are the
// brand's wallets.
func (s Set) Check(wallets []ledger.Wallet) error {
	var errs []error
	if len(s.Rules) > MaxRules {
		errs = append(errs, bad("rules", "at most %d rules", MaxRules))
	}
	if len(s.StoreCategories) > MaxStoreCategories {
		errs = append(errs, bad("store_categories", "at most %d store categories", MaxStoreCategories))
	}
	categories := map[string]bool{}
	for i, sc := range s.StoreCategories {
		at := fmt.Sprintf("store_categories[%d].", i)
		switch {
		case !key.MatchString(sc.Key):
			errs = append(errs, bad(at+"key", "1-40 lower-case letters, digits and underscores, starting with a letter"))
		case categories[sc.Key]:
			errs = append(errs, bad(at+"key", "named twice"))
		}
		categories[sc.Key] = true
		errs = append(errs, sc.Title.check(at+"title", MaxTitle, true)...)
		if len(sc.Stores) == 0 || len(sc.Stores) > MaxStores {
			errs = append(errs, bad(at+"stores", "1 to %d stores", MaxStores))
		}
		for j, st := range sc.Stores {
			if st == "" || utf8.RuneCountInString(st) > 100 {
				errs = append(errs, bad(fmt.Sprintf("%sstores[%d]", at, j), "1-100 characters"))
			}
		}
	}
	seen := map[string]bool{}
	for i, r := range s.Rules {
		at := fmt.Sprintf("rules[%d].", i)
		switch {
		case !key.MatchString(r.Key):
			errs = append(errs, bad(at+"key", "1-40 lower-case letters, digits and underscores, starting with a letter"))
		case seen[r.Key]:
			errs = append(errs, bad(at+"key", "named twice"))
		}
		seen[r.Key] = true
		errs = append(errs, r.check(at, wallets, categories)...)
	}
	capped := map[ledger.Wallet]bool{}
	for i, c := range s.Caps {
		at := fmt.Sprintf("caps[%d].", i)
		switch {
		case !slices.Contains(wallets, c.Wallet):
			errs = append(errs, fielderr.New(at+"wallet", fmt.Errorf("%w: one of %v", ErrUnknownWallet, wallets)))
		case capped[c.Wallet]:
			errs = append(errs, bad(at+"wallet", "capped twice"))
		}
		capped[c.Wallet] = true
		if c.PerOrder < 0 || c.PerOrder > MaxPoints {
			errs = append(errs, bad(at+"per_order", "0 (no cap) to %d", MaxPoints))
		}
		if c.PerDay < 0 || c.PerDay > MaxPoints {
			errs = append(errs, bad(at+"per_day", "0 (no cap) to %d", MaxPoints))
		}
	}
	return errors.Join(errs...)
}

func (t Text) check(field string, most int, required bool) []error {
	var errs []error
	for _, p := range []struct{ lang, text string }{{"zh_cn", t.ZH}, {"en", t.EN}} {
		n := utf8.RuneCountInString(p.text)
		switch {
		case !utf8.ValidString(p.text) || n > most:
			errs = append(errs, bad(field+"."+p.lang, "at most %d characters", most))
		case required && n == 0:
			errs = append(errs, bad(field+"."+p.lang, "required: customers read it in zh-CN and en"))
		}
	}
	return errs
}

func (r Rule) check(at string, wallets []ledger.Wallet, categories map[string]bool) []error {
	var errs []error
	errs = append(errs, r.Title.check(at+"title", MaxTitle, true)...)
	errs = append(errs, r.Tip.check(at+"tip", MaxTip, false)...)
	if !slices.Contains(wallets, r.Wallet) {
		errs = append(errs, fielderr.New(at+"wallet", fmt.Errorf("%w: one of %v", ErrUnknownWallet, wallets)))
	}
	if r.Stacking != "" && !slices.Contains(Stackings, r.Stacking) {
		errs = append(errs, bad(at+"stacking", "one of stack, best_of, exclusive"))
	}
	if r.MaxPoints < 0 || r.MaxPoints > MaxPoints {
		errs = append(errs, bad(at+"max_points", "0 (no cap) to %d", MaxPoints))
	}
	switch r.Kind {
	case KindBase:
		if r.Points < 0 || r.Points > MaxPoints {
			errs = append(errs, bad(at+"points", "0 to %d", MaxPoints))
		}
		if r.PerFen < 1 || r.PerFen > MaxPerFen {
			errs = append(errs, bad(at+"per_fen", "1 to %d", MaxPerFen))
		}
		if r.Percent != 0 {
			errs = append(errs, bad(at+"percent", "only multipliers have a percent"))
		}
	case KindMultiplier:
		if r.Percent < 100 || r.Percent > MaxPercent {
			errs = append(errs, bad(at+"percent", "100 to %d (200 doubles)", MaxPercent))
		}
		if r.Points != 0 || r.PerFen != 0 {
			errs = append(errs, bad(at+"points", "a multiplier multiplies the base rule's points: no points or per_fen of its own"))
		}
	case KindBonus:
		if r.Points < 1 || r.Points > MaxPoints {
			errs = append(errs, bad(at+"points", "1 to %d", MaxPoints))
		}
		if r.PerFen != 0 || r.Percent != 0 {
			errs = append(errs, bad(at+"per_fen", "a bonus gives points: no per_fen or percent"))
		}
	default:
		errs = append(errs, bad(at+"kind", "one of base, multiplier, bonus"))
	}
	return append(errs, r.When.check(at+"when.", categories)...)
}

func (w Conditions) check(at string, categories map[string]bool) []error {
	var errs []error
	if len(w.StoreCategories) > MaxListed {
		errs = append(errs, bad(at+"store_categories", "at most %d", MaxListed))
	}
	for i, c := range w.StoreCategories {
		if !categories[c] {
			errs = append(errs, fielderr.New(fmt.Sprintf("%sstore_categories[%d]", at, i), ErrUnknownStoreCategory))
		}
	}
	if len(w.ProductCategories) > MaxListed {
		errs = append(errs, bad(at+"product_categories", "at most %d", MaxListed))
	}
	for i, c := range w.ProductCategories {
		if c == "" || utf8.RuneCountInString(c) > 100 {
			errs = append(errs, bad(fmt.Sprintf("%sproduct_categories[%d]", at, i), "1-100 characters"))
		}
	}
	if w.MinSpendFen < 0 || w.MinSpendFen > MaxSpendFen {
		errs = append(errs, bad(at+"min_spend_fen", "0 to %d", int64(MaxSpendFen)))
	}
	for i, d := range w.Weekdays {
		if d < 0 || d > 6 {
			errs = append(errs, bad(fmt.Sprintf("%sweekdays[%d]", at, i), "0 (Sunday) to 6 (Saturday)"))
		}
	}
	if w.FromHour < 0 || w.FromHour > 23 {
		errs = append(errs, bad(at+"from_hour", "0 to 23"))
	}
	if w.ToHour < 0 || w.ToHour > 24 {
		errs = append(errs, bad(at+"to_hour", "0 to 24"))
	}
	var from, to time.Time
	var err error
	if w.FromDate != "" {
		if from, err = time.Parse(time.DateOnly, w.FromDate); err != nil {
			errs = append(errs, bad(at+"from_date", "a date YYYY-MM-DD"))
		}
	}
	if w.ToDate != "" {
		if to, err = time.Parse(time.DateOnly, w.ToDate); err != nil {
			errs = append(errs, bad(at+"to_date", "a date YYYY-MM-DD"))
		}
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		errs = append(errs, bad(at+"to_date", "not before from_date"))
	}
	if w.Birthday != "" && w.Birthday != BirthdayDay && w.Birthday != BirthdayMonth {
		errs = append(errs, bad(at+"birthday", "day or month"))
	}
	if len(w.Segments) > MaxListed {
		errs = append(errs, bad(at+"segments", "at most %d", MaxListed))
	}
	if a := w.Attribute; a != nil {
		if !key.MatchString(a.Name) {
			errs = append(errs, bad(at+"attribute.name", "an attribute key"))
		}
		if len(a.Values) == 0 || len(a.Values) > MaxListed {
			errs = append(errs, bad(at+"attribute.values", "1 to %d values", MaxListed))
		}
	}
	return errs
}
