// Package fraud is a brand's anti-fraud rules for points and their evaluation: limits per day,
// week or month (points or earnings, per customer, store or device), velocity (too many
// earnings of a customer in a few minutes), suspicious patterns (many referrals from one
// device, IP address or phone prefix; many receipts of one store in a short time), an external
// risk rank at or above a threshold, and a redemption right after an unusual earning.
//
// An earning the rules flag is credited as held: its points count for nothing until an admin
// approves it (released) or rejects it (cancelled). A redemption they flag is refused. The
// package is pure: the caller reads the totals Queries names and gives them to Evaluate.
package fraud

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
)

// Subject is what a limit or a count is kept per.
type Subject string

// Subjects.
const (
	Customer Subject = "customer"
	Store    Subject = "store"
	Device   Subject = "device"
	IP       Subject = "ip"
	// Phone is the customer's phone prefix (its first PhonePrefixDigits digits).
	Phone Subject = "phone"
)

// LimitSubjects are the subjects a limit may be kept per, for pickers and API enums.
var LimitSubjects = []Subject{Customer, Store, Device}

// Period is a calendar span in the brand's time zone.
type Period string

// Periods.
const (
	Day   Period = "day"
	Week  Period = "week"
	Month Period = "month"
)

// Periods are every period, for pickers and API enums.
var Periods = []Period{Day, Week, Month}

// Measure is what a limit counts.
type Measure string

// Measures.
const (
	// Points are the points earned.
	Points Measure = "points"
	// Earnings are how many earnings.
	Earnings Measure = "earnings"
)

// Measures are every measure, for pickers and API enums.
var Measures = []Measure{Points, Earnings}

// Kind is what a customer did that the rules count.
type Kind string

// Kinds of activity.
const (
	// Earn is an earning from a purchase (a receipt's too).
	Earn Kind = "earn"
	// Receipt is an earning from an approved receipt.
	Receipt Kind = "receipt"
	// Referral is a referral award.
	Referral Kind = "referral"
)

// Bounds of the settings.
const (
	MaxLimits      = 20
	MaxCount       = 100_000
	MaxMinutes     = 7 * 24 * 60
	MaxLimitPoints = 100_000_000
	// PhonePrefixDigits is how many leading digits of a phone make its prefix (138 1234).
	PhonePrefixDigits = 7
	// MaxRiskRank is WeChat's highest risk rank.
	MaxRiskRank = 4
)

// Limit holds what goes beyond Max of Measure per Subject in a Period.
type Limit struct {
	Subject Subject `json:"subject"`
	Period  Period  `json:"period"`
	Measure Measure `json:"measure"`
	Max     int64   `json:"max"`
}

// Window is "more than Count within Minutes"; a zero Count is off.
type Window struct {
	Count   int `json:"count"`
	Minutes int `json:"minutes"`
}

// On reports whether the window is set.
func (w Window) On() bool { return w.Count > 0 }

// RedeemAfter refuses a redemption within Minutes after an earning of more than Points.
type RedeemAfter struct {
	Minutes int   `json:"minutes"`
	Points  int64 `json:"points"`
}

// On reports whether the rule is set.
func (r RedeemAfter) On() bool { return r.Minutes > 0 }

// Settings are a brand's fraud rules. The zero value flags nothing.
type Settings struct {
	Limits []Limit `json:"limits"`
	// Velocity: more earnings of one customer than Count within Minutes.
	Velocity Window `json:"velocity"`
	// Referrals: more referral awards than Count within Minutes from one device, IP address or
	// phone prefix.
	Referrals Window `json:"referrals"`
	// Receipts: more receipts of one store than Count within Minutes.
	Receipts Window      `json:"receipts"`
	Redeem   RedeemAfter `json:"redeem"`
	// RiskRank holds an earning or referral of a customer whose external risk rank is at least
	// this (1 to 4); 0 is off.
	RiskRank int `json:"risk_rank"`
}

// On reports whether any rule is set: a brand without one costs earning no reads.
func (s Settings) On() bool {
	return len(s.Limits) > 0 || s.Velocity.On() || s.Referrals.On() || s.Receipts.On() || s.Redeem.On() || s.RiskRank > 0
}

func checkWindow(field string, w Window) []error {
	var errs []error
	if w.Count < 0 || w.Count > MaxCount {
		errs = append(errs, fielderr.Errorf(field+".count", "0 to %d", MaxCount))
	}
	if w.Count > 0 && (w.Minutes < 1 || w.Minutes > MaxMinutes) {
		errs = append(errs, fielderr.Errorf(field+".minutes", "1 to %d", MaxMinutes))
	}
	return errs
}

// Check returns every field at fault, each a *fielderr.Error, joined.
func (s Settings) Check() error {
	var errs []error
	if len(s.Limits) > MaxLimits {
		errs = append(errs, fielderr.Errorf("limits", "at most %d", MaxLimits))
	}
	seen := map[Limit]bool{}
	for i, l := range s.Limits {
		f := fmt.Sprintf("limits[%d]", i)
		if !slices.Contains(LimitSubjects, l.Subject) {
			errs = append(errs, fielderr.Errorf(f+".subject", "one of customer, store, device"))
		}
		if !slices.Contains(Periods, l.Period) {
			errs = append(errs, fielderr.Errorf(f+".period", "one of day, week, month"))
		}
		if !slices.Contains(Measures, l.Measure) {
			errs = append(errs, fielderr.Errorf(f+".measure", "one of points, earnings"))
		}
		if l.Max < 1 || l.Max > MaxLimitPoints {
			errs = append(errs, fielderr.Errorf(f+".max", "1 to %d", MaxLimitPoints))
		}
		key := Limit{Subject: l.Subject, Period: l.Period, Measure: l.Measure}
		if seen[key] {
			errs = append(errs, fielderr.New(f, errors.New("one limit per subject, period and measure")))
		}
		seen[key] = true
	}
	errs = append(errs, checkWindow("velocity", s.Velocity)...)
	errs = append(errs, checkWindow("referrals", s.Referrals)...)
	errs = append(errs, checkWindow("receipts", s.Receipts)...)
	if s.Redeem.Minutes < 0 || s.Redeem.Minutes > MaxMinutes {
		errs = append(errs, fielderr.Errorf("redeem.minutes", "0 to %d", MaxMinutes))
	}
	if s.Redeem.Points < 0 || s.Redeem.Points > MaxLimitPoints {
		errs = append(errs, fielderr.Errorf("redeem.points", "0 to %d", MaxLimitPoints))
	}
	if s.RiskRank < 0 || s.RiskRank > MaxRiskRank {
		errs = append(errs, fielderr.Errorf("risk_rank", "0 (off) to %d", MaxRiskRank))
	}
	return errors.Join(errs...)
}

// Activity is one earning or award the rules look at.
type Activity struct {
	Kind     Kind
	Customer uuid.UUID
	// Store, Device, IP and Phone are "" when unknown; Phone is the whole number.
	Store, Device, IP, Phone string
	Points                   int64
	At                       time.Time
	// RiskRank is the customer's external risk rank, -1 when unknown.
	RiskRank int
}

// Key is one subject's value: the customer's ID, a store code, a device ID, an IP address, a
// phone prefix.
type Key struct {
	Subject Subject
	Value   string
}

// Keys returns the subjects a's rows are counted under, each kind with its keys.
func (a Activity) Keys() map[Kind][]Key {
	out := map[Kind][]Key{}
	add := func(k Kind, s Subject, v string) {
		if v != "" {
			out[k] = append(out[k], Key{Subject: s, Value: v})
		}
	}
	switch a.Kind {
	case Referral:
		add(Referral, Device, a.Device)
		add(Referral, IP, a.IP)
		add(Referral, Phone, PhonePrefix(a.Phone))
	case Earn, Receipt:
		add(Earn, Customer, a.Customer.String())
		add(Earn, Store, a.Store)
		add(Earn, Device, a.Device)
		if a.Kind == Receipt {
			add(Receipt, Store, a.Store)
		}
	}
	return out
}

// PhonePrefix returns the first PhonePrefixDigits digits of phone, or "" for a shorter one.
func PhonePrefix(phone string) string {
	var digits []rune
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	// A mainland number with its country code: +86 138 ...
	if len(digits) == 13 && string(digits[:2]) == "86" {
		digits = digits[2:]
	}
	if len(digits) < PhonePrefixDigits+1 {
		return ""
	}
	return string(digits[:PhonePrefixDigits])
}

// Query is one total the rules need: the rows of Kind under Key from Since to before Until.
type Query struct {
	Kind         Kind
	Key          Key
	Since, Until time.Time
}

// Contains reports whether a row of kind under key at at is counted by q.
func (q Query) Contains(kind Kind, key Key, at time.Time) bool {
	return q.Kind == kind && q.Key == key && !at.Before(q.Since) && at.Before(q.Until)
}

// Total is how many rows and how many points.
type Total struct {
	Count  int64
	Points int64
}

// PeriodBounds returns the start and end of the period holding t in loc (weeks from Monday).
func PeriodBounds(p Period, t time.Time, loc *time.Location) (time.Time, time.Time) {
	y, m, d := t.In(loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, loc)
	switch p {
	case Week:
		start := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		return start.UTC(), start.AddDate(0, 0, 7).UTC()
	case Month:
		start := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		return start.UTC(), start.AddDate(0, 1, 0).UTC()
	}
	return day.UTC(), day.AddDate(0, 0, 1).UTC()
}

// window returns the query of a sliding window of minutes ending just after at (a
// microsecond: what PostgreSQL keeps of an instant).
func window(kind Kind, key Key, at time.Time, minutes int) Query {
	return Query{Kind: kind, Key: key, Since: at.Add(-time.Duration(minutes) * time.Minute).UTC(), Until: at.Add(time.Microsecond).UTC()}
}

func keyOf(a Activity, s Subject) Key {
	switch s {
	case Customer:
		return Key{Subject: Customer, Value: a.Customer.String()}
	case Store:
		return Key{Subject: Store, Value: a.Store}
	case Device:
		return Key{Subject: Device, Value: a.Device}
	case IP:
		return Key{Subject: IP, Value: a.IP}
	}
	return Key{Subject: Phone, Value: PhonePrefix(a.Phone)}
}

// check is one rule applied to an activity: the query it reads and how it judges the total.
type check struct {
	q      Query
	reason func(before Total) *Reason
}

func (s Settings) checks(a Activity, loc *time.Location) []check {
	var out []check
	if a.Kind == Earn || a.Kind == Receipt {
		for _, l := range s.Limits {
			key := keyOf(a, l.Subject)
			if key.Value == "" {
				continue
			}
			since, until := PeriodBounds(l.Period, a.At, loc)
			l := l
			out = append(out, check{q: Query{Kind: Earn, Key: key, Since: since, Until: until}, reason: func(t Total) *Reason {
				got := t.Points + a.Points
				if l.Measure == Earnings {
					got = t.Count + 1
				}
				if got <= l.Max {
					return nil
				}
				return &Reason{Code: ReasonLimit, Subject: l.Subject, Period: l.Period, Measure: l.Measure, Max: l.Max, Actual: got}
			}})
		}
		if s.Velocity.On() {
			out = append(out, s.windowCheck(ReasonVelocity, window(Earn, keyOf(a, Customer), a.At, s.Velocity.Minutes), s.Velocity))
		}
	}
	if a.Kind == Receipt && s.Receipts.On() && a.Store != "" {
		out = append(out, s.windowCheck(ReasonReceipts, window(Receipt, keyOf(a, Store), a.At, s.Receipts.Minutes), s.Receipts))
	}
	if a.Kind == Referral && s.Referrals.On() {
		for _, sub := range []Subject{Device, IP, Phone} {
			if key := keyOf(a, sub); key.Value != "" {
				out = append(out, s.windowCheck(ReasonReferrals, window(Referral, key, a.At, s.Referrals.Minutes), s.Referrals))
			}
		}
	}
	return out
}

func (Settings) windowCheck(code ReasonCode, q Query, w Window) check {
	return check{q: q, reason: func(t Total) *Reason {
		if got := t.Count + 1; got > int64(w.Count) {
			return &Reason{Code: code, Subject: q.Key.Subject, Minutes: w.Minutes, Max: int64(w.Count), Actual: got}
		}
		return nil
	}}
}

// Queries returns the totals Evaluate reads for a, before a itself.
func (s Settings) Queries(a Activity, loc *time.Location) []Query {
	var out []Query
	for _, c := range s.checks(a, loc) {
		if !slices.Contains(out, c.q) {
			out = append(out, c.q)
		}
	}
	return out
}

// ReasonCode says which rule flagged an activity.
type ReasonCode string

// Reason codes.
const (
	ReasonLimit     ReasonCode = "limit"
	ReasonVelocity  ReasonCode = "velocity"
	ReasonReferrals ReasonCode = "referrals"
	ReasonReceipts  ReasonCode = "receipts"
	ReasonRiskRank  ReasonCode = "risk_rank"
	// ReasonRedeemAfterEarn is a redemption right after an unusual earning.
	ReasonRedeemAfterEarn ReasonCode = "redeem_after_earn"
)

// ReasonCodes are every code, for API enums and messages.
var ReasonCodes = []ReasonCode{ReasonLimit, ReasonVelocity, ReasonReferrals, ReasonReceipts, ReasonRiskRank, ReasonRedeemAfterEarn}

// Reason is why a rule flagged an activity: the rule's terms and what was counted (Actual,
// this activity included).
type Reason struct {
	Code    ReasonCode `json:"code"`
	Subject Subject    `json:"subject,omitempty"`
	Period  Period     `json:"period,omitempty"`
	Measure Measure    `json:"measure,omitempty"`
	Minutes int        `json:"minutes,omitempty"`
	Max     int64      `json:"max,omitempty"`
	Actual  int64      `json:"actual,omitempty"`
}

// Evaluate returns why a is to be held, none to allow it. totals answers each query of
// Queries with what was counted before a.
func (s Settings) Evaluate(a Activity, loc *time.Location, totals func(Query) Total) []Reason {
	var out []Reason
	for _, c := range s.checks(a, loc) {
		if r := c.reason(totals(c.q)); r != nil {
			out = append(out, *r)
		}
	}
	if s.RiskRank > 0 && a.RiskRank >= s.RiskRank && (a.Kind == Earn || a.Kind == Receipt || a.Kind == Referral) {
		out = append(out, Reason{Code: ReasonRiskRank, Max: int64(s.RiskRank), Actual: int64(a.RiskRank)})
	}
	return out
}

// Earned is an earning a redemption is judged against.
type Earned struct {
	Points int64
	At     time.Time
	// Approved says an admin approved it: it is no longer unusual.
	Approved bool
}

// RedeemSince is from when earnings count against a redemption at now; zero when the rule is
// off.
func (s Settings) RedeemSince(now time.Time) time.Time {
	if !s.Redeem.On() {
		return time.Time{}
	}
	return now.Add(-time.Duration(s.Redeem.Minutes) * time.Minute)
}

// EvaluateRedemption returns why a redemption at now is refused: an earning of more than the
// rule's points within its minutes that no admin approved.
func (s Settings) EvaluateRedemption(now time.Time, recent []Earned) *Reason {
	if !s.Redeem.On() {
		return nil
	}
	since := s.RedeemSince(now)
	for _, e := range recent {
		if !e.Approved && e.Points > s.Redeem.Points && !e.At.Before(since) {
			return &Reason{Code: ReasonRedeemAfterEarn, Minutes: s.Redeem.Minutes, Max: s.Redeem.Points, Actual: e.Points}
		}
	}
	return nil
}
