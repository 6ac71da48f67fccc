package tier

import (
	"errors"
	"time"

	"github.com/engagehq/engage/domain/fielderr"
)

// Window is the period a member's figures are counted over.
type Window string

// Windows, read in the brand's time zone.
const (
	// Rolling12Months counts the twelve months up to the day.
	Rolling12Months Window = "rolling_12_months"
	// CalendarYear counts from 1 January.
	CalendarYear Window = "calendar_year"
	// Anniversary counts from the last anniversary of the day the member joined.
	Anniversary Window = "anniversary"
)

// Start says when an upgrade takes effect.
type Start string

// When upgrades start.
const (
	// AtOnce upgrades as soon as the qualifying event is processed.
	AtOnce Start = "at_once"
	// NextPeriod upgrades at the start of the next period, at its evaluation.
	NextPeriod Start = "next_period"
)

// Downgrade says how far an evaluation lowers a member whose figures no longer hold their tier.
type Downgrade string

// Downgrade policies.
const (
	// Recalculate lowers the member to the tier their figures qualify for.
	Recalculate Downgrade = "recalculate"
	// OneLevel lowers the member one tier at most per evaluation.
	OneLevel Downgrade = "one_level"
)

// Validity says how long a tier reached in a period is held.
type Validity string

// Validities.
const (
	// EndOfPeriod holds the tier to the end of the period it was reached in.
	EndOfPeriod Validity = "end_of_period"
	// EndOfNextPeriod holds it to the end of the period after (qualify in 2026, keep through 2027).
	EndOfNextPeriod Validity = "end_of_next_period"
)

// Mode says whether evaluations apply their changes or propose them.
type Mode string

// Modes.
const (
	Auto   Mode = "auto"
	Manual Mode = "manual"
)

// WindowMonths is the length of every window.
const WindowMonths = 12

// Settings are how a brand's program qualifies and keeps members.
type Settings struct {
	Window    Window    `json:"window"`
	Start     Start     `json:"start"`
	Downgrade Downgrade `json:"downgrade"`
	Validity  Validity  `json:"validity"`
	// GraceMonths extends every validity by this many months.
	GraceMonths int `json:"grace_months"`
	// RefundsDowngrade counts refunds against spend and status points at evaluation; without
	// it refunds never lower a member's figures. Either way a refund never downgrades
	// mid-period: downgrades happen only at evaluation.
	RefundsDowngrade bool `json:"refunds_downgrade"`
	Mode             Mode `json:"mode"`
	// WarningDays publishes tier.will_downgrade this many days before a member's validity
	// ends while their figures would lower them; 0 never.
	WarningDays int `json:"warning_days"`
}

// DefaultSettings are a brand's until it sets its own.
var DefaultSettings = Settings{Window: CalendarYear, Start: AtOnce, Downgrade: Recalculate, Validity: EndOfNextPeriod,
	Mode: Auto, WarningDays: 30}

// MaxWarningDays bounds the downgrade warning.
const MaxWarningDays = 180

// Reasons settings are refused.
var (
	ErrEnum        = errors.New("not one of the allowed values")
	ErrGrace       = errors.New("the grace period is 0 months or more and no longer than the 12-month window")
	ErrNextPeriod  = errors.New("a rolling window has no next period: upgrades start at once")
	ErrWarningDays = errors.New("the warning is 0 to 180 days ahead")
)

// Validate checks the settings and names every field at fault.
func (s Settings) Validate() error {
	var errs []error
	check := func(field string, ok bool, reason error) {
		if !ok {
			errs = append(errs, fielderr.New(field, reason))
		}
	}
	check("window", s.Window == Rolling12Months || s.Window == CalendarYear || s.Window == Anniversary, ErrEnum)
	check("start", s.Start == AtOnce || s.Start == NextPeriod, ErrEnum)
	check("downgrade", s.Downgrade == Recalculate || s.Downgrade == OneLevel, ErrEnum)
	check("validity", s.Validity == EndOfPeriod || s.Validity == EndOfNextPeriod, ErrEnum)
	check("mode", s.Mode == Auto || s.Mode == Manual, ErrEnum)
	check("grace_months", s.GraceMonths >= 0 && s.GraceMonths <= WindowMonths, ErrGrace)
	check("warning_days", s.WarningDays >= 0 && s.WarningDays <= MaxWarningDays, ErrWarningDays)
	if s.Window == Rolling12Months && s.Start == NextPeriod {
		errs = append(errs, fielderr.New("start", ErrNextPeriod))
	}
	return errors.Join(errs...)
}

// Day is the start of the day holding t in loc.
func Day(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// Period returns the window holding at, [from, to) in loc; joined is when the member joined
// (the anniversary window's origin). A rolling window is the twelve months up to and with
// at's day.
func (s Settings) Period(at, joined time.Time, loc *time.Location) (from, to time.Time) {
	day := Day(at, loc)
	switch s.Window {
	case CalendarYear:
		from = time.Date(day.Year(), 1, 1, 0, 0, 0, 0, loc)
	case Anniversary:
		from = anniversaryOnOrBefore(day, Day(joined, loc))
	default:
		to = day.AddDate(0, 0, 1)
		return AddMonths(to, -WindowMonths), to
	}
	return from, AddMonths(from, WindowMonths)
}

// anniversaryOnOrBefore is the last anniversary of joined on or before day (29 February is
// the 28th in other years).
func anniversaryOnOrBefore(day, joined time.Time) time.Time {
	a := AddMonths(joined, (day.Year()-joined.Year())*12)
	if a.After(day) {
		a = AddMonths(joined, (day.Year()-joined.Year()-1)*12)
	}
	return a
}

// ValidUntil is when a tier an event reached at at lapses unless an evaluation renews it: the
// end of the period holding at, or of the next one (qualify in 2026, keep through 2027), plus
// grace. A rolling window's period is the twelve months from at's day.
func (s Settings) ValidUntil(at, joined time.Time, loc *time.Location) time.Time {
	to := s.periodEnd(at, joined, loc)
	if s.Validity == EndOfNextPeriod {
		to = AddMonths(to, WindowMonths)
	}
	return AddMonths(to, s.GraceMonths)
}

// EvaluatedValidUntil is when a tier an evaluation at at gives or renews lapses: it decided on
// the figures of the period just ended, so the tier holds through the period under way (with
// either validity: qualify in 2026, keep through 2027), plus grace.
func (s Settings) EvaluatedValidUntil(at, joined time.Time, loc *time.Location) time.Time {
	return AddMonths(s.periodEnd(at, joined, loc), s.GraceMonths)
}

// periodEnd is the end of the period holding at; for a rolling window, twelve months after at's day.
func (s Settings) periodEnd(at, joined time.Time, loc *time.Location) time.Time {
	if s.Window == Rolling12Months {
		return AddMonths(Day(at, loc), WindowMonths)
	}
	_, to := s.Period(at, joined, loc)
	return to
}

// EvaluationWindow is the window whose figures an evaluation at at decides on: the last
// complete period before at (for a rolling window, the twelve months before at's day).
func (s Settings) EvaluationWindow(at, joined time.Time, loc *time.Location) (from, to time.Time) {
	if s.Window == Rolling12Months {
		to = Day(at, loc)
		return AddMonths(to, -WindowMonths), to
	}
	from, _ = s.Period(at, joined, loc)
	return AddMonths(from, -WindowMonths), from
}

// Decide returns the tier an evaluation gives a member holding current whose figures
// qualify for qualified (positions in the ladder): upgrades always, downgrades only when due
// (their validity ended), by the policy.
func (s Settings) Decide(current, qualified int, due bool) int {
	switch {
	case qualified >= current:
		return qualified
	case !due:
		return current
	case s.Downgrade == OneLevel:
		return current - 1
	}
	return qualified
}

// AddMonths adds n months to a midnight t, a day past the month's end becoming its last day
// (31 March less a month is 28 or 29 February), as PostgreSQL adds intervals to dates: Go's
// AddDate would roll it into the next month.
func AddMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}
