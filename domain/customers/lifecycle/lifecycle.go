// Package lifecycle is a customer's lifecycle stage (new, active, at risk, lapsed, won back)
// and the recency rules each brand sets for it.
//
// A day is 24 hours, and every limit is inclusive: with at_risk_days 90 a customer whose last
// purchase was exactly 90 days ago is still active. The stage is decided in this order:
//
//  1. won_back: the previous stage was lapsed and the customer bought after lapsing, within the
//     last won_back_days; a won-back customer stays won back for won_back_days after that
//     purchase, whatever else happens. The lapsed stage must have been recorded before the
//     purchase: the daily sweep records it within a day of a customer lapsing.
//  2. new: the customer joined within new_days (joined is the earlier of the profile's creation
//     and the customer's first recorded event, so imported history is not "new").
//  3. by days since the last purchase, or since joining without one: up to at_risk_days
//     active, up to lapsed_days at risk, beyond that lapsed.
//
// A stage that does not change keeps its since. A new stage's since is the moment the rules
// say it began: joining for new, the purchase for won back, the last purchase (or the end of the
// new period, whichever is later) for active, that reference plus at_risk_days or lapsed_days
// for at risk and lapsed (not before the end of the new period), and never before a won-back
// period ended nor after now.
package lifecycle

import (
	"errors"
	"slices"
	"time"

	"github.com/engagehq/engage/domain/fielderr"
)

// Stage is where a customer is in their relationship with the brand.
type Stage string

// The stages, in the order a customer usually moves through them.
const (
	New     Stage = "new"
	Active  Stage = "active"
	AtRisk  Stage = "at_risk"
	Lapsed  Stage = "lapsed"
	WonBack Stage = "won_back"
)

// Stages lists every stage in display order.
var Stages = []Stage{New, Active, AtRisk, Lapsed, WonBack}

// ErrUnknownStage is returned for a name that is not a stage.
var ErrUnknownStage = errors.New("a stage is one of new, active, at_risk, lapsed, won_back")

// ParseStage returns the stage named s.
func ParseStage(s string) (Stage, error) {
	if !slices.Contains(Stages, Stage(s)) {
		return "", ErrUnknownStage
	}
	return Stage(s), nil
}

// Day is the length of a day in the rules.
const Day = 24 * time.Hour

// MaxDays is the longest period a rule may set (ten years).
const MaxDays = 3650

// Settings are a brand's recency rules, in days.
type Settings struct {
	NewDays     int
	AtRiskDays  int
	LapsedDays  int
	WonBackDays int
}

// Defaults are the rules of a brand that set none.
var Defaults = Settings{NewDays: 30, AtRiskDays: 90, LapsedDays: 180, WonBackDays: 30}

// ErrOrder is returned when a customer would be lapsed before being at risk.
var ErrOrder = errors.New("at_risk_days must be less than lapsed_days")

// Check returns every setting at fault, joined.
func (s Settings) Check() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{{"new_days", s.NewDays}, {"at_risk_days", s.AtRiskDays}, {"lapsed_days", s.LapsedDays}, {"won_back_days", s.WonBackDays}} {
		if f.v < 1 || f.v > MaxDays {
			errs = append(errs, fielderr.Errorf(f.name, "between 1 and %d days", MaxDays))
		}
	}
	if len(errs) == 0 && s.AtRiskDays >= s.LapsedDays {
		errs = append(errs, fielderr.New("at_risk_days", ErrOrder))
	}
	return errors.Join(errs...)
}

// Facts are what a customer's stage is decided from.
type Facts struct {
	// JoinedAt is the earlier of the profile's creation and the customer's first event.
	JoinedAt time.Time
	// LastPurchaseAt is nil for a customer who never bought.
	LastPurchaseAt *time.Time
	// Previous and PreviousSince are the stage the customer had and since when.
	Previous      Stage
	PreviousSince time.Time
}

func days(n int) time.Duration { return time.Duration(n) * Day }

func latest(ts ...time.Time) time.Time {
	out := ts[0]
	for _, t := range ts[1:] {
		if t.After(out) {
			out = t
		}
	}
	return out
}

// Evaluate returns the customer's stage at now and since when.
//
// The rule exists twice: here, and set-based in SQL (changesSQL in
// adapters/postgres/customersdb/lifecycle.go), which recomputes stages without loading the
// customers. Change both together: TestLifecycleRecomputeInSQLAgreesWithTheDomain
// (adapters/postgres/customersdb/lifecycle_test.go) checks that they agree over a table of
// customers at every boundary and hundreds drawn around them.
func (s Settings) Evaluate(f Facts, now time.Time) (Stage, time.Time) {
	stage, since := s.decide(f, now)
	if stage == f.Previous {
		return stage, f.PreviousSince
	}
	if f.Previous == WonBack {
		since = latest(since, f.PreviousSince.Add(days(s.WonBackDays)))
	}
	if since.After(now) {
		since = now
	}
	return stage, since
}

// decide applies the rules, giving the moment the stage began by them.
func (s Settings) decide(f Facts, now time.Time) (Stage, time.Time) {
	lp := f.LastPurchaseAt
	switch {
	case f.Previous == WonBack && now.Sub(f.PreviousSince) <= days(s.WonBackDays):
		return WonBack, f.PreviousSince
	case f.Previous == Lapsed && lp != nil && lp.After(f.PreviousSince) && now.Sub(*lp) <= days(s.WonBackDays):
		return WonBack, *lp
	case now.Sub(f.JoinedAt) <= days(s.NewDays):
		return New, f.JoinedAt
	}
	ref := f.JoinedAt
	if lp != nil {
		ref = *lp
	}
	newEnd := f.JoinedAt.Add(days(s.NewDays))
	switch elapsed := now.Sub(ref); {
	case elapsed <= days(s.AtRiskDays):
		return Active, latest(ref, newEnd)
	case elapsed <= days(s.LapsedDays):
		return AtRisk, latest(ref.Add(days(s.AtRiskDays)), newEnd)
	default:
		return Lapsed, latest(ref.Add(days(s.LapsedDays)), newEnd)
	}
}
