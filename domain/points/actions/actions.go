// Package actions is a brand's action rules: points for what a customer does besides buying.
// Joining (registration, which a first Mini Program login is), the daily check-in with bonuses
// for streaks of days, referring a friend (both sides, optionally only once the friend first
// buys), completing a survey, and taking part in an event or challenge the brand records as a
// custom event type. Each rule says how many points, into which wallet, how often a customer
// may earn them, and how the rule is shown to customers in each language.
package actions

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
)

// Action is what a customer did that a rule rewards.
type Action string

// Actions.
const (
	// Registration is the customer joining the brand: created by a first Mini Program login,
	// a sign-up or a partner. Customers imported in bulk do not earn it.
	Registration Action = "registration"
	// FirstLogin is the customer's first Mini Program login, whether it made them a member or
	// found them one already (joined at a till, imported): once per customer.
	FirstLogin Action = "first_login"
	// CheckIn is the daily check-in in the Mini Program: once a day in the brand's time zone.
	CheckIn Action = "check_in"
	// Referral is a customer referred by another: a referral event of the new customer naming
	// the referrer (payload referrer_id).
	Referral Action = "referral"
	// Survey is a completed survey or feedback: a survey event.
	Survey Action = "survey"
	// Event is taking part in an event or challenge: an event of a custom type the rule names.
	Event Action = "event"
)

// Actions are the actions, in the order the console lists them.
var Actions = []Action{Registration, FirstLogin, CheckIn, Referral, Survey, Event}

// Period is the span a rule's limit counts awards in, in the brand's time zone.
type Period string

// Periods.
const (
	Ever  Period = "ever"
	Day   Period = "day"
	Week  Period = "week"
	Month Period = "month"
)

// Periods are the periods, for API enums.
var Periods = []Period{Ever, Day, Week, Month}

// Limits of a rule.
const (
	MaxPoints        = 1_000_000
	MaxLimit         = 1000
	MaxStreakBonuses = 10
	MaxStreakDays    = 366
	MaxTitle         = 60
	MaxTip           = 300
)

// Limit is how often a customer may earn a rule's points: at most Count times per Period.
type Limit struct {
	Count  int
	Period Period
}

// StreakBonus adds Points on the Days-th consecutive day of check-ins; with Repeat, on every
// multiple of Days (every 7th day of a streak).
type StreakBonus struct {
	Days   int
	Points int64
	Repeat bool
}

// Rule is one action rule of a brand.
type Rule struct {
	// Key names the rule in the API: 2-30 lower-case letters, digits and underscores.
	Key    string
	Action Action
	// EventType is the custom event type ("custom:tasting_day") of an Event rule.
	EventType string
	Wallet    ledger.Wallet
	// Points are what the customer earns (the referrer, for a referral).
	Points int64
	Limit  Limit
	// Streak are a check-in rule's bonuses.
	Streak []StreakBonus
	// RefereePoints are what a referred customer earns; AfterFirstPurchase holds both sides'
	// points until the referred customer's first purchase after the referral.
	RefereePoints      int64
	AfterFirstPurchase bool
	// Title and Tip are how customers see the rule, in Chinese and English.
	Title, TitleEn, Tip, TipEn string
	Active                     bool
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,29}$`)

// Reason is the ledger reason of the rule's awards ("action:daily_check_in").
func (r Rule) Reason() string { return "action:" + r.Key }

// Takes reports whether the rule rewards an event of the activity stream.
func (r Rule) Takes(e event.Event) bool {
	switch r.Action {
	case Survey:
		return e.Type == event.TypeSurvey
	case Referral:
		return e.Type == event.TypeReferral
	case Event:
		return e.Type == r.EventType
	}
	return false
}

// CheckInPoints are what the day of a streak's check-in earns: the rule's points and every
// bonus of that day.
func (r Rule) CheckInPoints(streak int) int64 {
	points := r.Points
	for _, b := range r.Streak {
		if streak == b.Days || (b.Repeat && streak > 0 && streak%b.Days == 0) {
			points += b.Points
		}
	}
	return points
}

// PeriodStart is the start of the period of the rule's limit that holds now, in loc; the zero
// time for a limit over the customer's whole life.
func (l Limit) PeriodStart(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	switch l.Period {
	case Day:
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	case Week:
		// Weeks start on Monday, as calendars in China do.
		day := time.Date(y, m, d, 0, 0, 0, 0, loc)
		return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	case Month:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	}
	return time.Time{}
}

// ErrEventType refuses an event rule without a custom event type.
var ErrEventType = errors.New("a custom event type (custom:<name>) for an event rule")

// Check returns every field at fault, each a *fielderr.Error, joined.
func (r Rule) Check() error {
	var errs []error
	bad := func(field, reason string) { errs = append(errs, fielderr.New(field, errors.New(reason))) }
	if !keyPattern.MatchString(r.Key) {
		bad("key", "2-30 lower-case letters, digits and underscores, starting with a letter")
	}
	if !slices.Contains(Actions, r.Action) {
		bad("action", "one of registration, check_in, referral, survey, event")
	}
	switch {
	case r.Action == Event && (!strings.HasPrefix(r.EventType, event.CustomPrefix) || !event.ValidType(r.EventType)):
		errs = append(errs, fielderr.New("event_type", ErrEventType))
	case r.Action != Event && r.EventType != "":
		bad("event_type", "only an event rule names an event type")
	}
	if !ledger.ValidWallet(r.Wallet) {
		bad("wallet", "a wallet of the program")
	}
	if r.Points < 0 || r.Points > MaxPoints {
		bad("points", fmt.Sprintf("between 0 and %d", MaxPoints))
	}
	if r.RefereePoints < 0 || r.RefereePoints > MaxPoints || (r.RefereePoints > 0 && r.Action != Referral) {
		bad("referee_points", fmt.Sprintf("between 0 and %d, for a referral rule only", MaxPoints))
	}
	if r.AfterFirstPurchase && r.Action != Referral {
		bad("after_first_purchase", "for a referral rule only")
	}
	if r.Points == 0 && r.RefereePoints == 0 && len(r.Streak) == 0 {
		bad("points", "a rule awards some points")
	}
	errs = append(errs, r.checkLimit()...)
	errs = append(errs, r.checkStreak()...)
	for _, t := range []struct {
		field, text string
		max         int
	}{{"title", r.Title, MaxTitle}, {"title_en", r.TitleEn, MaxTitle}, {"tip", r.Tip, MaxTip}, {"tip_en", r.TipEn, MaxTip}} {
		if !text(t.text, t.max) {
			bad(t.field, fmt.Sprintf("at most %d characters, no control characters", t.max))
		}
	}
	if strings.TrimSpace(r.Title) == "" && strings.TrimSpace(r.TitleEn) == "" {
		bad("title", "a title in at least one language")
	}
	return errors.Join(errs...)
}

func (r Rule) checkLimit() []error {
	var errs []error
	switch {
	case r.Limit.Count < 1 || r.Limit.Count > MaxLimit:
		errs = append(errs, fielderr.New("limit.count", fmt.Errorf("between 1 and %d", MaxLimit)))
	case !slices.Contains(Periods, r.Limit.Period):
		errs = append(errs, fielderr.New("limit.period", errors.New("one of ever, day, week, month")))
	case r.Action == CheckIn && (r.Limit != Limit{Count: 1, Period: Day}):
		errs = append(errs, fielderr.New("limit", errors.New("a check-in is once a day")))
	case (r.Action == Registration || r.Action == FirstLogin || r.Action == Referral) && (r.Limit != Limit{Count: 1, Period: Ever}):
		errs = append(errs, fielderr.New("limit", errors.New("joining, a first login and being referred happen once")))
	}
	return errs
}

func (r Rule) checkStreak() []error {
	var errs []error
	if len(r.Streak) > 0 && r.Action != CheckIn {
		errs = append(errs, fielderr.New("streak", errors.New("for a check-in rule only")))
	}
	if len(r.Streak) > MaxStreakBonuses {
		errs = append(errs, fielderr.New("streak", fmt.Errorf("at most %d bonuses", MaxStreakBonuses)))
	}
	for i, b := range r.Streak {
		if b.Days < 1 || b.Days > MaxStreakDays {
			errs = append(errs, fielderr.New(fmt.Sprintf("streak[%d].days", i), fmt.Errorf("between 1 and %d", MaxStreakDays)))
		}
		if b.Points < 1 || b.Points > MaxPoints {
			errs = append(errs, fielderr.New(fmt.Sprintf("streak[%d].points", i), fmt.Errorf("between 1 and %d", MaxPoints)))
		}
	}
	return errs
}

// text reports whether s is valid UTF-8 of at most max characters without control characters.
func text(s string, max int) bool {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= max && !strings.ContainsFunc(s, unicode.IsControl)
}
