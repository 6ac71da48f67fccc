// Package tier is a brand's tiered membership program: the ordered ladder of tiers (names,
// colour, badge, benefits and the criteria each qualifies on), the program's settings (the
// qualifying window in the brand's time zone, when an upgrade starts, how far a downgrade
// goes, how long a tier is valid), which tier a member's figures qualify for, what a member
// lacks to move up or to keep their tier (as sentences in zh-CN and en), and the versions of
// the rules. It is pure: no SQL, no clock.
package tier

import (
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/engagehq/engage/domain/fielderr"
)

// Code names a tier in its brand's ladder: "gold". It is the value the points rules' attribute
// condition `tier` compares with.
type Code string

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// ErrCode is the reason of a malformed tier code.
var ErrCode = errors.New("a tier code is 1 to 32 lowercase letters, digits or underscores, starting with a letter")

// ParseCode checks a tier code.
func ParseCode(s string) (Code, error) {
	if !codePattern.MatchString(s) {
		return "", ErrCode
	}
	return Code(s), nil
}

// Text is a text in the console's and the Mini Program's two languages.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// In returns the text in lang ("zh-CN" or "en"; anything else is Chinese), falling back to the
// other language when the one asked for is empty.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" || t.ZH == "" {
		return t.EN
	}
	return t.ZH
}

// Kind is what a criterion counts.
type Kind string

// The criteria a tier qualifies on, counted over the program's window.
const (
	// Spend is what the member spent, in fen (refunds deducted when they may downgrade).
	Spend Kind = "spend"
	// StatusPoints are the status points (成长值) earned: never the spendable balance, so
	// spending points never lowers a tier.
	StatusPoints Kind = "status_points"
	// Visits are the days the member bought or visited a store.
	Visits Kind = "visits"
)

// Kinds are the criteria kinds.
var Kinds = []Kind{Spend, StatusPoints, Visits}

// Match says how a tier's criteria combine.
type Match string

// How criteria combine.
const (
	All Match = "all"
	Any Match = "any"
)

// Criterion is a minimum of one figure.
type Criterion struct {
	Kind Kind  `json:"kind"`
	Min  int64 `json:"min"`
}

// Tier is one rung of the ladder.
type Tier struct {
	Code     Code   `json:"code"`
	Name     Text   `json:"name"`
	Colour   string `json:"colour"`
	BadgeURL string `json:"badge_url"`
	Benefits Text   `json:"benefits"`
	// Criteria are what the tier qualifies on; the lowest tier has none (or only minimums of
	// zero): every member holds at least it.
	Criteria []Criterion `json:"criteria"`
	Match    Match       `json:"match"`
}

// Min returns the tier's minimum of kind, and whether it has one.
func (t Tier) Min(kind Kind) (int64, bool) {
	for _, c := range t.Criteria {
		if c.Kind == kind {
			return c.Min, true
		}
	}
	return 0, false
}

// Figures are what a member did in a window.
type Figures struct {
	SpendFen     int64 `json:"spend_fen"`
	StatusPoints int64 `json:"status_points"`
	Visits       int64 `json:"visits"`
}

// Of returns the figure a criterion of kind reads.
func (f Figures) Of(kind Kind) int64 {
	switch kind {
	case Spend:
		return f.SpendFen
	case StatusPoints:
		return f.StatusPoints
	case Visits:
		return f.Visits
	}
	return 0
}

// Qualifies says whether figures meet the tier's criteria; a tier without criteria is met by
// everyone. A figure exactly at a minimum meets it.
func (t Tier) Qualifies(f Figures) bool {
	if len(t.Criteria) == 0 {
		return true
	}
	for _, c := range t.Criteria {
		met := f.Of(c.Kind) >= c.Min
		if t.Match == Any && met {
			return true
		}
		if t.Match != Any && !met {
			return false
		}
	}
	return t.Match != Any
}

// Ladder is a brand's tiers, lowest first.
type Ladder []Tier

// Limits of a ladder.
const (
	MaxTiers      = 10
	MaxNameLength = 40
	MaxURLLength  = 500
	MaxBenefits   = 2000
	// MaxMin bounds a criterion's minimum (a hundred million yuan in fen) to catch garbage.
	MaxMin = 100_000_000_00
)

// Reasons a ladder is refused, for the field at fault.
var (
	ErrNoTiers       = errors.New("a program needs at least one tier")
	ErrTooManyTiers  = fmt.Errorf("a program has at most %d tiers", MaxTiers)
	ErrDuplicateCode = errors.New("another tier has this code")
	ErrName          = fmt.Errorf("a tier needs a name in both languages, at most %d characters each", MaxNameLength)
	ErrColour        = errors.New("a colour is #RRGGBB")
	ErrURL           = fmt.Errorf("an image address is an https:// URL of at most %d characters", MaxURLLength)
	ErrBenefits      = fmt.Errorf("benefits are at most %d characters in each language", MaxBenefits)
	ErrUnknownKind   = errors.New("unknown criterion: spend, status_points or visits")
	ErrDuplicateKind = errors.New("a tier names each criterion once")
	ErrMatch         = errors.New("criteria combine by all or any")
	ErrMinRange      = fmt.Errorf("a minimum is between 0 and %d", int64(MaxMin))
	ErrLowestMin     = errors.New("the lowest tier is every member's: its minimums are 0")
	ErrNoCriteria    = errors.New("a tier above the lowest needs a criterion above 0")
	ErrNotAscending  = errors.New("a minimum must be above the same criterion's minimum in every lower tier")
)

var colourPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// Validate checks the ladder and names every field at fault ("[2].criteria[0].min").
func (l Ladder) Validate() error {
	switch {
	case len(l) == 0:
		return fielderr.New("", ErrNoTiers)
	case len(l) > MaxTiers:
		return fielderr.New("", ErrTooManyTiers)
	}
	var errs []error
	for i, t := range l {
		errs = append(errs, l.validateTier(i, t)...)
	}
	return errors.Join(errs...)
}

func (l Ladder) validateTier(i int, t Tier) []error {
	at := func(field string) string { return fmt.Sprintf("[%d].%s", i, field) }
	var errs []error
	if _, err := ParseCode(string(t.Code)); err != nil {
		errs = append(errs, fielderr.New(at("code"), err))
	} else if slices.IndexFunc(l[:i], func(o Tier) bool { return o.Code == t.Code }) >= 0 {
		errs = append(errs, fielderr.New(at("code"), ErrDuplicateCode))
	}
	if !textOK(t.Name, MaxNameLength, true) {
		errs = append(errs, fielderr.New(at("name"), ErrName))
	}
	if !textOK(t.Benefits, MaxBenefits, false) {
		errs = append(errs, fielderr.New(at("benefits"), ErrBenefits))
	}
	if t.Colour != "" && !colourPattern.MatchString(t.Colour) {
		errs = append(errs, fielderr.New(at("colour"), ErrColour))
	}
	if t.BadgeURL != "" && (len(t.BadgeURL) > MaxURLLength || len(t.BadgeURL) < 9 || t.BadgeURL[:8] != "https://") {
		errs = append(errs, fielderr.New(at("badge_url"), ErrURL))
	}
	if t.Match != All && t.Match != Any {
		errs = append(errs, fielderr.New(at("match"), ErrMatch))
	}
	above := false
	for j, c := range t.Criteria {
		field := at(fmt.Sprintf("criteria[%d]", j))
		switch {
		case !slices.Contains(Kinds, c.Kind):
			errs = append(errs, fielderr.New(field+".kind", ErrUnknownKind))
			continue
		case slices.IndexFunc(t.Criteria[:j], func(o Criterion) bool { return o.Kind == c.Kind }) >= 0:
			errs = append(errs, fielderr.New(field+".kind", ErrDuplicateKind))
			continue
		case c.Min < 0 || c.Min > MaxMin:
			errs = append(errs, fielderr.New(field+".min", ErrMinRange))
			continue
		case i == 0 && c.Min != 0:
			errs = append(errs, fielderr.New(field+".min", ErrLowestMin))
			continue
		}
		above = above || c.Min > 0
		for _, lower := range l[:i] {
			if m, ok := lower.Min(c.Kind); ok && c.Min <= m && i > 0 {
				errs = append(errs, fielderr.New(field+".min", ErrNotAscending))
				break
			}
		}
	}
	if i > 0 && !above {
		errs = append(errs, fielderr.New(at("criteria"), ErrNoCriteria))
	}
	return errs
}

func textOK(t Text, max int, required bool) bool {
	for _, s := range []string{t.ZH, t.EN} {
		if n := len([]rune(s)); n > max || required && n == 0 {
			return false
		}
	}
	return true
}

// Index returns the position of code in the ladder, -1 when it has none.
func (l Ladder) Index(code Code) int {
	return slices.IndexFunc(l, func(t Tier) bool { return t.Code == code })
}

// Qualify returns the position of the highest tier the figures qualify for: 0 (the lowest)
// when they meet no other.
func (l Ladder) Qualify(f Figures) int {
	for i := len(l) - 1; i > 0; i-- {
		if l[i].Qualifies(f) {
			return i
		}
	}
	return 0
}
