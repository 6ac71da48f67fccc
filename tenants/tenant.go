package tenants

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/engagehq/engage/domain/bidi"
	"github.com/engagehq/engage/domain/fielderr"
)

// Errors the directory returns; adapters map them to API problems.
var (
	ErrNotFound    = errors.New("tenant not found")
	ErrSlugTaken   = errors.New("tenant slug already taken")
	ErrSuspended   = errors.New("tenant suspended")
	ErrInvalidSlug = errors.New("slug must be 3-40 characters of lower-case letters, digits and hyphens, starting with a letter")
)

// Status is where a tenant is in its lifecycle.
type Status struct{ s string }

// Lifecycle states.
var (
	StatusActive    = Status{"active"}
	StatusSuspended = Status{"suspended"}
)

// String returns the status as stored and shown.
func (s Status) String() string { return s.s }

// ParseStatus reads a stored status.
func ParseStatus(s string) (Status, error) {
	switch s {
	case StatusActive.s:
		return StatusActive, nil
	case StatusSuspended.s:
		return StatusSuspended, nil
	}
	return Status{}, fmt.Errorf("unknown tenant status %q", s)
}

// Locales a tenant (and its console) may use.
const (
	LocaleChinese = "zh-CN"
	LocaleEnglish = "en"
)

// Defaults for a new brand in China.
const (
	DefaultTimezone = "Asia/Shanghai"
	DefaultLocale   = LocaleChinese
)

var slugPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,38}[a-z0-9]$`)

// Tenant is one brand.
type Tenant struct {
	ID       ID
	Slug     string
	Name     string
	Status   Status
	Timezone string
	Locale   string
	// Plan sets the tenant's rate limits: trial, standard or enterprise.
	Plan      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Plans a tenant may be on.
var Plans = []string{"trial", "standard", "enterprise"}

// DefaultPlan is a new tenant's plan.
const DefaultPlan = "standard"

// Active reports whether the tenant may be served.
func (t Tenant) Active() bool { return t.Status == StatusActive }

// Draft is what an operator supplies to onboard a brand.
type Draft struct {
	// ID is the tenant's ID from NewID; zero mints one.
	ID       ID
	Slug     string
	Name     string
	Timezone string
	Locale   string
	Plan     string
}

// Changes is a partial update of a tenant's profile; nil fields stay as they are.
type Changes struct {
	Name     *string
	Timezone *string
	Locale   *string
	Plan     *string
}

func validateSlug(slug string) error {
	if !slugPattern.MatchString(slug) {
		return fielderr.New("slug", ErrInvalidSlug)
	}
	return nil
}

func validateName(name string) error {
	if strings.TrimSpace(name) == "" || len([]rune(name)) > 200 {
		return fielderr.Errorf("name", "name must be 1-200 characters")
	}
	if bidi.Contains(name) {
		return fielderr.New("name", bidi.ErrControl)
	}
	return nil
}

func validateTimezone(tz string) error {
	if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
		return fielderr.Errorf("timezone", "unknown IANA time zone %q", tz)
	}
	return nil
}

func validateLocale(locale string) error {
	if locale != LocaleChinese && locale != LocaleEnglish {
		return fielderr.Errorf("locale", "locale must be %s or %s", LocaleChinese, LocaleEnglish)
	}
	return nil
}

func (d *Draft) normalise() error {
	if d.Timezone == "" {
		d.Timezone = DefaultTimezone
	}
	if d.Locale == "" {
		d.Locale = DefaultLocale
	}
	if d.Plan == "" {
		d.Plan = DefaultPlan
	}
	return errors.Join(validateSlug(d.Slug), validateName(d.Name), validateTimezone(d.Timezone), validateLocale(d.Locale), validatePlan(d.Plan))
}

func (c Changes) apply(t *Tenant) error {
	var errs []error
	if c.Name != nil {
		errs = append(errs, validateName(*c.Name))
		t.Name = *c.Name
	}
	if c.Timezone != nil {
		errs = append(errs, validateTimezone(*c.Timezone))
		t.Timezone = *c.Timezone
	}
	if c.Locale != nil {
		errs = append(errs, validateLocale(*c.Locale))
		t.Locale = *c.Locale
	}
	if c.Plan != nil {
		errs = append(errs, validatePlan(*c.Plan))
		t.Plan = *c.Plan
	}
	return errors.Join(errs...)
}

func validatePlan(plan string) error {
	if !slices.Contains(Plans, plan) {
		return fielderr.Errorf("plan", "plan must be one of %s", strings.Join(Plans, ", "))
	}
	return nil
}
