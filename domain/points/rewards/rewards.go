// Package rewards is the points module's reward catalog and what claiming a reward issues: the
// rewards a brand offers for points (vouchers, gifts, discounts, physical items), with their
// text in Chinese and English, images, category, price in points (and optionally cash, paid
// through a partner), stock, limits per customer and per period, validity window and who may
// claim them; and the vouchers a claim issues, with a readable code and a signed QR payload.
//
// Tiers come later (their own module): until then a tier requirement is an eligibility
// condition on a customer attribute (by convention "tier"), and segment eligibility asks for
// membership in one of the brand's saved segments.
package rewards

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
)

// Kind is what a reward is.
type Kind string

// Kinds of reward.
const (
	// KindVoucher is a voucher for something in store (a drink, a service).
	KindVoucher Kind = "voucher"
	// KindGift is a gift handed over at the counter.
	KindGift Kind = "gift"
	// KindDiscount is money off a purchase.
	KindDiscount Kind = "discount"
	// KindPhysical is an item shipped or collected.
	KindPhysical Kind = "physical"
)

// Kinds are every kind of reward.
var Kinds = []Kind{KindVoucher, KindGift, KindDiscount, KindPhysical}

// Status is whether customers may claim a reward.
type Status string

// Statuses of a reward.
const (
	// StatusActive rewards are offered (within their validity window).
	StatusActive Status = "active"
	// StatusPaused rewards are hidden from customers and cannot be claimed for now.
	StatusPaused Status = "paused"
	// StatusArchived rewards are withdrawn for good; their claims and vouchers stay.
	StatusArchived Status = "archived"
)

// Statuses are every status.
var Statuses = []Status{StatusActive, StatusPaused, StatusArchived}

// Period is the span a per-period limit counts claims in, in the brand's time zone.
type Period string

// Periods of a limit.
const (
	PeriodDay   Period = "day"
	PeriodWeek  Period = "week"
	PeriodMonth Period = "month"
)

// Periods are every period.
var Periods = []Period{PeriodDay, PeriodWeek, PeriodMonth}

// Start returns the start of the period holding now in loc: midnight, Monday's midnight (weeks
// start on Monday, as in China), or the first of the month.
func (p Period) Start(now time.Time, loc *time.Location) time.Time {
	t := now.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	switch p {
	case PeriodWeek:
		back := (int(t.Weekday()) + 6) % 7
		return day.AddDate(0, 0, -back)
	case PeriodMonth:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	}
	return day
}

// Text is a text in Chinese and English.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// In returns the text in lang ("zh-CN", "en", ...), the other language when that one is empty.
func (t Text) In(lang string) string {
	if strings.HasPrefix(lang, "en") {
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

// Condition asks a customer attribute to be one of Values: a tier ("tier" in gold, platinum)
// until the tiers module names tiers itself, or any attribute of the brand's.
type Condition struct {
	Attribute string   `json:"attribute"`
	Values    []string `json:"values"`
}

// Eligibility says who may claim a reward: a member of one of Segments (any segment when
// empty) whose attributes meet every condition. The zero value lets everyone claim.
type Eligibility struct {
	Segments   []uuid.UUID `json:"segments"`
	Conditions []Condition `json:"conditions"`
}

// Facts are what eligibility is decided on: the segments a customer is in and their attributes.
type Facts struct {
	Segments   []uuid.UUID
	Attributes map[string]any
}

// Allows reports whether a customer with facts may claim.
func (e Eligibility) Allows(f Facts) bool {
	if len(e.Segments) > 0 && !slices.ContainsFunc(e.Segments, func(s uuid.UUID) bool { return slices.Contains(f.Segments, s) }) {
		return false
	}
	for _, c := range e.Conditions {
		v, ok := f.Attributes[c.Attribute]
		if !ok || v == nil || !slices.Contains(c.Values, fmt.Sprint(v)) {
			return false
		}
	}
	return true
}

// Open reports whether the eligibility lets everyone claim.
func (e Eligibility) Open() bool { return len(e.Segments) == 0 && len(e.Conditions) == 0 }

// Limit bounds a customer's claims of a reward: Count in each Period (0: no limit).
type Limit struct {
	Count  int    `json:"count"`
	Period Period `json:"period"`
}

// Reward is one entry of a brand's catalog.
type Reward struct {
	ID          uuid.UUID
	Kind        Kind
	Status      Status
	Title       Text
	Description Text
	// Images are the URLs of its pictures, the first shown in lists.
	Images []string
	// Category groups rewards for browsing ("drinks", "merch"): the brand's own words.
	Category string
	// Points is the price in points, more than zero; CashFen is the cash part of a points +
	// cash price (0: points only), paid through a partner, whose payment reference the claim
	// carries.
	Points  int64
	CashFen int64
	// Stock is how many may be claimed in all; nil for no limit.
	Stock *int64
	// PerCustomer is at most how many claims one customer may hold (0: no limit); PerPeriod
	// how many in a day, week or month of the brand's time zone.
	PerCustomer int
	PerPeriod   Limit
	// ValidFrom and ValidUntil bound when it may be claimed; zero for open-ended.
	ValidFrom, ValidUntil time.Time
	// VoucherDays is how long a voucher it issues stays usable: until the end of the day
	// (brand's time zone) that many days after it was issued.
	VoucherDays int
	Eligibility Eligibility
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Limits of a reward.
const (
	MaxTitle       = 80
	MaxDescription = 2000
	MaxImages      = 9
	MaxURL         = 1000
	MaxCategory    = 40
	MaxPoints      = 100_000_000
	MaxCashFen     = 100_000_000 // 1,000,000 元
	MaxStock       = 100_000_000
	MaxLimit       = 1000
	MaxVoucherDays = 3650
	MaxConditions  = 10
	MaxSegments    = 20
	MaxValues      = 50
)

// Errors of checking a reward.
var (
	ErrRequired       = errors.New("required")
	ErrNotPositive    = errors.New("must be more than zero")
	ErrNegative       = errors.New("must not be negative")
	ErrTooLong        = errors.New("too long")
	ErrNotText        = errors.New("must be text without control characters")
	ErrBadURL         = errors.New("must be an https:// address")
	ErrWindow         = errors.New("must be after the start")
	ErrUnknownKind    = fmt.Errorf("one of %v", Kinds)
	ErrUnknownStatus  = fmt.Errorf("one of %v", Statuses)
	ErrUnknownPeriod  = fmt.Errorf("one of %v", Periods)
	ErrBadAttribute   = errors.New("an attribute key: lower-case letters, digits and _")
	ErrDuplicate      = errors.New("listed twice")
	ErrStockBelowUsed = errors.New("less than has been claimed already")
)

var (
	attributeKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// text checks a text field: required or not, at most max characters, no control characters
// (newlines allowed where multiline).
func text(field, s string, max int, required, multiline bool) error {
	switch {
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
	}):
		return fielderr.New(field, ErrNotText)
	case strings.TrimSpace(s) == "" && required:
		return fielderr.New(field, ErrRequired)
	case utf8.RuneCountInString(s) > max:
		return fielderr.New(field, fmt.Errorf("%w: at most %d characters", ErrTooLong, max))
	}
	return nil
}

// between checks an integer field against [lo, hi].
func between(field string, v, lo, hi int64) error {
	switch {
	case v < lo && lo == 1:
		return fielderr.New(field, ErrNotPositive)
	case v < lo:
		return fielderr.New(field, ErrNegative)
	case v > hi:
		return fielderr.New(field, fmt.Errorf("at most %d", hi))
	}
	return nil
}

// Check returns every field error of r, joined; nil when it may be saved. Trims its texts.
func (r *Reward) Check() error {
	r.Title.ZH, r.Title.EN = strings.TrimSpace(r.Title.ZH), strings.TrimSpace(r.Title.EN)
	r.Category = strings.TrimSpace(r.Category)
	var errs []error
	if !slices.Contains(Kinds, r.Kind) {
		errs = append(errs, fielderr.New("kind", ErrUnknownKind))
	}
	if !slices.Contains(Statuses, r.Status) {
		errs = append(errs, fielderr.New("status", ErrUnknownStatus))
	}
	errs = append(errs,
		text("title.zh", r.Title.ZH, MaxTitle, true, false),
		text("title.en", r.Title.EN, MaxTitle, true, false),
		text("description.zh", r.Description.ZH, MaxDescription, false, true),
		text("description.en", r.Description.EN, MaxDescription, false, true),
		text("category", r.Category, MaxCategory, false, false),
		between("points", r.Points, 1, MaxPoints),
		between("cash_fen", r.CashFen, 0, MaxCashFen),
		between("per_customer", int64(r.PerCustomer), 0, MaxLimit),
		between("per_period.count", int64(r.PerPeriod.Count), 0, MaxLimit),
		between("voucher_days", int64(r.VoucherDays), 1, MaxVoucherDays),
	)
	if r.Stock != nil {
		errs = append(errs, between("stock", *r.Stock, 0, MaxStock))
	}
	if r.PerPeriod.Count > 0 && !slices.Contains(Periods, r.PerPeriod.Period) {
		errs = append(errs, fielderr.New("per_period.period", ErrUnknownPeriod))
	}
	if r.PerPeriod.Count == 0 {
		r.PerPeriod.Period = ""
	}
	if !r.ValidFrom.IsZero() && !r.ValidUntil.IsZero() && !r.ValidUntil.After(r.ValidFrom) {
		errs = append(errs, fielderr.New("valid_until", ErrWindow))
	}
	if len(r.Images) > MaxImages {
		errs = append(errs, fielderr.New("images", fmt.Errorf("at most %d", MaxImages)))
	}
	for i, u := range r.Images {
		errs = append(errs, checkURL(fmt.Sprintf("images[%d]", i), u))
	}
	errs = append(errs, r.Eligibility.check())
	return errors.Join(errs...)
}

func checkURL(field, s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || len(s) > MaxURL || strings.ContainsFunc(s, unicode.IsSpace) {
		return fielderr.New(field, ErrBadURL)
	}
	return nil
}

func (e *Eligibility) check() error {
	var errs []error
	if len(e.Segments) > MaxSegments {
		errs = append(errs, fielderr.New("eligibility.segments", fmt.Errorf("at most %d", MaxSegments)))
	}
	for i, s := range e.Segments {
		if s == uuid.Nil {
			errs = append(errs, fielderr.New(fmt.Sprintf("eligibility.segments[%d]", i), ErrRequired))
		} else if slices.Index(e.Segments, s) < i {
			errs = append(errs, fielderr.New(fmt.Sprintf("eligibility.segments[%d]", i), ErrDuplicate))
		}
	}
	if len(e.Conditions) > MaxConditions {
		errs = append(errs, fielderr.New("eligibility.conditions", fmt.Errorf("at most %d", MaxConditions)))
	}
	for i, c := range e.Conditions {
		at := fmt.Sprintf("eligibility.conditions[%d]", i)
		if !attributeKey.MatchString(c.Attribute) {
			errs = append(errs, fielderr.New(at+".attribute", ErrBadAttribute))
		}
		if len(c.Values) == 0 || len(c.Values) > MaxValues {
			errs = append(errs, fielderr.New(at+".values", fmt.Errorf("1 to %d values", MaxValues)))
		}
		for j, v := range c.Values {
			errs = append(errs, text(fmt.Sprintf("%s.values[%d]", at, j), v, 100, true, false))
		}
	}
	if e.Segments == nil {
		e.Segments = []uuid.UUID{}
	}
	if e.Conditions == nil {
		e.Conditions = []Condition{}
	}
	return errors.Join(errs...)
}

// Claim errors: why a customer may not claim a reward now. Each is wrapped in a field error
// naming what is at fault.
var (
	// ErrUnavailable refuses a reward that is paused or archived.
	ErrUnavailable = errors.New("this reward is not offered")
	// ErrNotYetOpen refuses a claim before the reward's validity window.
	ErrNotYetOpen = errors.New("this reward cannot be claimed yet")
	// ErrEnded refuses a claim after the reward's validity window.
	ErrEnded = errors.New("this reward can no longer be claimed")
	// ErrOutOfStock refuses a claim of a reward with no stock left.
	ErrOutOfStock = errors.New("this reward is out of stock")
	// ErrCustomerLimit refuses a claim over the reward's limit per customer.
	ErrCustomerLimit = errors.New("the customer has claimed this reward as often as allowed")
	// ErrPeriodLimit refuses a claim over the reward's limit per day, week or month.
	ErrPeriodLimit = errors.New("the customer has claimed this reward as often as allowed in this period")
	// ErrIneligible refuses a customer the reward's eligibility leaves out.
	ErrIneligible = errors.New("the customer is not eligible for this reward")
	// ErrPaymentRequired refuses a points + cash claim without the partner's payment reference.
	ErrPaymentRequired = errors.New("this reward costs cash too: the payment's reference is required")
	// ErrNoCash refuses a payment reference for a reward that costs no cash.
	ErrNoCash = errors.New("this reward costs no cash")
)

// Claimed is what a customer claimed of a reward so far (claims not cancelled).
type Claimed struct {
	// Total is every claim of the customer; InPeriod those since the start of the limit's
	// current period.
	Total, InPeriod int
}

// Claim is one customer's request for a reward, as the redemption sees it.
type Claim struct {
	Now      time.Time
	Facts    Facts
	Claimed  Claimed
	Payment  string
	Location *time.Location
}

// Available reports whether the reward is offered at now (status and window), or why not.
func (r Reward) Available(now time.Time) error {
	switch {
	case r.Status != StatusActive:
		return fielderr.New("reward_id", ErrUnavailable)
	case !r.ValidFrom.IsZero() && now.Before(r.ValidFrom):
		return fielderr.New("reward_id", ErrNotYetOpen)
	case !r.ValidUntil.IsZero() && !now.Before(r.ValidUntil):
		return fielderr.New("reward_id", ErrEnded)
	}
	return nil
}

// Allows decides a claim, stock aside (the repository takes stock with a conditional update):
// the reward must be available, the customer eligible and within the limits, and a points +
// cash reward paid.
func (r Reward) Allows(c Claim) error {
	if err := r.Available(c.Now); err != nil {
		return err
	}
	switch {
	case !r.Eligibility.Allows(c.Facts):
		return fielderr.New("customer_id", ErrIneligible)
	case r.PerCustomer > 0 && c.Claimed.Total >= r.PerCustomer:
		return fielderr.New("reward_id", ErrCustomerLimit)
	case r.PerPeriod.Count > 0 && c.Claimed.InPeriod >= r.PerPeriod.Count:
		return fielderr.New("reward_id", ErrPeriodLimit)
	case r.CashFen > 0 && strings.TrimSpace(c.Payment) == "":
		return fielderr.New("payment_reference", ErrPaymentRequired)
	case r.CashFen == 0 && c.Payment != "":
		return fielderr.New("payment_reference", ErrNoCash)
	}
	return nil
}

// VoucherExpiry returns when a voucher issued at now stops being usable: the end of the day,
// in loc, VoucherDays days after now.
func (r Reward) VoucherExpiry(now time.Time, loc *time.Location) time.Time {
	t := now.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, r.VoucherDays+1)
}
