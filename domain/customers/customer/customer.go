// Package customer is a brand's customer: the profile rules (phones, emails, birth dates,
// consents) and the custom attributes each brand defines with a type.
package customer

import (
	"errors"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/bidi"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/domain/fielderr"
)

// Address is a postal address in China's order.
type Address struct {
	Province string `json:"province,omitempty"`
	City     string `json:"city,omitempty"`
	District string `json:"district,omitempty"`
	Line     string `json:"line,omitempty"`
	Postcode string `json:"postcode,omitempty"`
}

// Genders a profile may carry.
var Genders = []string{"unknown", "female", "male", "other"}

// Consents a customer gives or withholds.
var Consents = []string{"marketing_sms", "marketing_email", "marketing_wechat", "data_analysis"}

// Customer is a brand's customer.
type Customer struct {
	ID             uuid.UUID
	ExternalID     string
	Name           string
	Gender         string
	BirthDate      *time.Time
	Phone          string
	Email          string
	AvatarURL      string
	Address        Address
	Language       string
	PreferredStore string
	City           string
	Region         string
	Consents       map[string]bool
	Attributes     map[string]any
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// LifecycleStage and LifecycleSince are kept by the lifecycle jobs, never set by a profile
	// change.
	LifecycleStage lifecycle.Stage
	LifecycleSince time.Time
}

var (
	mainland = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	e164     = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	postcode = regexp.MustCompile(`^[0-9]{6}$`)
)

// ErrPhone explains the accepted phone forms.
var ErrPhone = errors.New("a phone is a mainland mobile (11 digits from 13-19, +86 optional) or an international number +<country><number>")

// NormalisePhone returns phone in E.164 form. Mainland China mobiles may be written without
// the +86 (or with 86/0086); other numbers need their + and country code.
func NormalisePhone(phone string) (string, error) {
	p := strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(strings.TrimSpace(phone))
	switch {
	case strings.HasPrefix(p, "0086"):
		p = "+86" + p[4:]
	case strings.HasPrefix(p, "86") && len(p) == 13:
		p = "+" + p
	case mainland.MatchString(p):
		p = "+86" + p
	}
	if strings.HasPrefix(p, "+86") {
		if !mainland.MatchString(p[3:]) {
			return "", ErrPhone
		}
		return p, nil
	}
	if !e164.MatchString(p) {
		return "", ErrPhone
	}
	return p, nil
}

// NormaliseEmail returns a bare, lower-cased address.
func NormaliseEmail(email string) (string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || a.Name != "" || !strings.Contains(a.Address[strings.LastIndex(a.Address, "@")+1:], ".") {
		return "", errors.New("not an email address")
	}
	return strings.ToLower(a.Address), nil
}

// Normalise checks and tidies a profile: it returns every field at fault, joined.
func (c *Customer) Normalise(now time.Time) error {
	var errs []error
	c.Name = strings.TrimSpace(c.Name)
	if len([]rune(c.Name)) > 100 {
		errs = append(errs, fielderr.Errorf("name", "at most 100 characters"))
	} else if bidi.Contains(c.Name) {
		errs = append(errs, fielderr.New("name", bidi.ErrControl))
	}
	if c.Gender == "" {
		c.Gender = "unknown"
	}
	if !slices.Contains(Genders, c.Gender) {
		errs = append(errs, fielderr.Errorf("gender", "one of %s", strings.Join(Genders, ", ")))
	}
	if c.BirthDate != nil {
		d := *c.BirthDate
		if d.After(now) || d.Year() < 1900 {
			errs = append(errs, fielderr.Errorf("birth_date", "a date between 1900 and today"))
		}
	}
	if c.Phone != "" {
		p, err := NormalisePhone(c.Phone)
		if err != nil {
			errs = append(errs, fielderr.New("phone", err))
		}
		c.Phone = p
	}
	if c.Email != "" {
		e, err := NormaliseEmail(c.Email)
		if err != nil {
			errs = append(errs, fielderr.New("email", err))
		}
		c.Email = e
	}
	if c.AvatarURL != "" && !strings.HasPrefix(c.AvatarURL, "https://") {
		errs = append(errs, fielderr.Errorf("avatar_url", "an https URL"))
	}
	if c.Address.Postcode != "" && !postcode.MatchString(c.Address.Postcode) {
		errs = append(errs, fielderr.Errorf("address.postcode", "six digits"))
	}
	if c.Language == "" {
		c.Language = "zh-CN"
	}
	if c.Language != "zh-CN" && c.Language != "en" {
		errs = append(errs, fielderr.Errorf("language", "zh-CN or en"))
	}
	for k := range c.Consents {
		if !slices.Contains(Consents, k) {
			errs = append(errs, fielderr.Errorf("consents."+k, "unknown consent; known: %s", strings.Join(Consents, ", ")))
		}
	}
	if c.Consents == nil {
		c.Consents = map[string]bool{}
	}
	if c.Attributes == nil {
		c.Attributes = map[string]any{}
	}
	return errors.Join(errs...)
}

// MaskPhone hides the middle of a phone for those who may not see it: a mainland mobile shows
// its first three and last four digits (138****5678), another number its country code's first
// digits and its last four.
func MaskPhone(phone string) string {
	if phone == "" {
		return ""
	}
	if p, ok := strings.CutPrefix(phone, "+86"); ok && len(p) == 11 {
		return p[:3] + "****" + p[7:]
	}
	if len(phone) < 8 {
		return strings.Repeat("*", len(phone))
	}
	return phone[:3] + strings.Repeat("*", len(phone)-7) + phone[len(phone)-4:]
}
