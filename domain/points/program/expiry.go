package program

import (
	"fmt"
	"slices"
	"time"
)

// ExpiryPolicy says whether a wallet's points expire.
type ExpiryPolicy string

// Expiry policies.
const (
	// ExpireNever keeps points until they are spent.
	ExpireNever ExpiryPolicy = "never"
	// ExpireEndOfPeriod expires points at the end of a calendar period after they were earned.
	ExpireEndOfPeriod ExpiryPolicy = "end_of_period"
)

// ExpiryPolicies are the expiry policies, for API enums.
var ExpiryPolicies = []ExpiryPolicy{ExpireNever, ExpireEndOfPeriod}

// Period is a calendar period an expiry is rounded up to the end of.
type Period string

// Periods.
const (
	Day      Period = "day"
	Month    Period = "month"
	Quarter  Period = "quarter"
	HalfYear Period = "half_year"
	Year     Period = "year"
)

// Periods are the periods, shortest first, for API enums.
var Periods = []Period{Day, Month, Quarter, HalfYear, Year}

// MaxExpiryMonths is the longest a brand may keep points before they expire, in months.
const MaxExpiryMonths = 120

// Expiry is when a wallet's points expire: at the end of the Period (in the brand's time zone)
// that holds the day Months months after they were earned. Months 12 and Period Day is a year
// to the day; Months 0 and Period Year the end of the calendar year they were earned in;
// Months 12 and Period Year the end of the next one.
type Expiry struct {
	Policy ExpiryPolicy
	Months int
	Period Period
}

// NeverExpire is the expiry of points kept until spent.
var NeverExpire = Expiry{Policy: ExpireNever, Period: Day}

// Check returns the fields at fault, joined, named after prefix.
func (e Expiry) Check(prefix string) []error {
	var errs []error
	if !slices.Contains(ExpiryPolicies, e.Policy) {
		errs = append(errs, invalid(prefix+"policy", "one of never, end_of_period"))
	}
	if e.Months < 0 || e.Months > MaxExpiryMonths {
		errs = append(errs, invalid(prefix+"months", fmt.Sprintf("between 0 and %d", MaxExpiryMonths)))
	}
	if !slices.Contains(Periods, e.Period) {
		errs = append(errs, invalid(prefix+"period", "one of day, month, quarter, half_year, year"))
	}
	return errs
}

// ExpiresAt returns the instant points earned at earned stop counting, with the calendar of
// loc: midnight at the end of their last day. The zero time means never.
func (e Expiry) ExpiresAt(earned time.Time, loc *time.Location) time.Time {
	if e.Policy == ExpireNever {
		return time.Time{}
	}
	y, m, d := earned.In(loc).Date()
	y, m, d = addMonths(y, m, d, e.Months)
	switch e.Period {
	case Month:
		return time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	case Quarter:
		return time.Date(y, m-(m-1)%3+3, 1, 0, 0, 0, 0, loc)
	case HalfYear:
		return time.Date(y, m-(m-1)%6+6, 1, 0, 0, 0, 0, loc)
	case Year:
		return time.Date(y+1, time.January, 1, 0, 0, 0, 0, loc)
	default:
		return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
}

// addMonths moves a date n months on, keeping its day where the month has it and taking the
// month's last day where it does not (31 January and a month is 28 or 29 February).
func addMonths(y int, m time.Month, d, n int) (int, time.Month, int) {
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.Year(), first.Month(), min(d, last)
}
