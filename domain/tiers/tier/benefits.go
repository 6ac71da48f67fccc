package tier

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
)

// BenefitKind is what a tier's benefit gives.
type BenefitKind string

// Kinds of benefit.
const (
	// EntryReward is a reward of the points catalog given free when a member moves up into the tier.
	EntryReward BenefitKind = "entry_reward"
	// BirthdayGift is a reward given once a year on the member's birthday.
	BirthdayGift BenefitKind = "birthday_gift"
	// AnniversaryGift is a reward given once a year on the anniversary of the member's joining.
	AnniversaryGift BenefitKind = "anniversary_gift"
	// Perk is a text the member claims (activates), up to a limit per period, within a window.
	Perk BenefitKind = "perk"
	// MultiplierNote tells the member about the tier's points multiplier: informational, the
	// multiplier itself is a points rule on the customer attribute tier.
	MultiplierNote BenefitKind = "multiplier_note"
	// EarlyAccess is an eligibility tag other modules and partners ask about.
	EarlyAccess BenefitKind = "early_access"
)

// LimitPeriod is the period a perk's usage limit counts over.
type LimitPeriod string

// Periods of a usage limit; PerEver counts every claim.
const (
	PerEver  LimitPeriod = "ever"
	PerDay   LimitPeriod = "day"
	PerMonth LimitPeriod = "month"
	PerYear  LimitPeriod = "year"
)

// Start is the beginning of the period holding at, in loc (the zero time for PerEver).
func (p LimitPeriod) Start(at time.Time, loc *time.Location) time.Time {
	d := at.In(loc)
	switch p {
	case PerDay:
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	case PerMonth:
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc)
	case PerYear:
		return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, loc)
	}
	return time.Time{}
}

// Bounds of a benefit.
const (
	MaxBenefitTitle       = 60
	MaxBenefitDescription = 500
	MaxUsageLimit         = 1000
	MaxBenefitsPerTier    = 30
)

// Benefit is one thing a tier gives its members.
type Benefit struct {
	ID          uuid.UUID   `json:"id"`
	Tier        Code        `json:"tier"`
	Kind        BenefitKind `json:"kind"`
	Title       Text        `json:"title"`
	Description Text        `json:"description"`
	// RewardID is the points catalog's reward of an entry reward, birthday or anniversary gift.
	RewardID *uuid.UUID `json:"reward_id,omitempty"`
	// Tag is an early access benefit's eligibility tag (what callers ask about).
	Tag string `json:"tag,omitempty"`
	// UsageLimit bounds a perk's claims per LimitPeriod (0: no limit).
	UsageLimit  int         `json:"usage_limit,omitempty"`
	LimitPeriod LimitPeriod `json:"limit_period,omitempty"`
	// ValidFrom and ValidUntil bound when the benefit holds (nil: open).
	ValidFrom  *time.Time `json:"valid_from,omitempty"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	// Existing says whether members already in the tier when the benefit was added get it;
	// otherwise only members reaching the tier from then on.
	Existing  bool      `json:"existing"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Refusals of a benefit.
var (
	ErrBenefitKind    = errors.New("unknown kind: entry_reward, birthday_gift, anniversary_gift, perk, multiplier_note or early_access")
	ErrBenefitTitle   = fmt.Errorf("a title in both languages, at most %d characters each", MaxBenefitTitle)
	ErrBenefitText    = fmt.Errorf("a description is at most %d characters in each language", MaxBenefitDescription)
	ErrRewardRequired = errors.New("this kind gives a reward of the points catalog: name it")
	ErrRewardUnwanted = errors.New("only entry rewards and birthday and anniversary gifts give a reward")
	ErrTag            = errors.New("an eligibility tag is 1 to 40 lowercase letters, digits, _ or -, starting with a letter")
	ErrTagUnwanted    = errors.New("only early access benefits have a tag")
	ErrUsageLimit     = fmt.Errorf("a usage limit is 0 (none) to %d, only for perks", MaxUsageLimit)
	ErrLimitPeriod    = errors.New("a limit's period is ever, day, month or year")
	ErrValidity       = errors.New("the end of the validity comes after its start")
	ErrNotInLadder    = errors.New("no such tier in the brand's program")
	ErrTooMany        = fmt.Errorf("a tier has at most %d benefits", MaxBenefitsPerTier)
)

var tagPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)

// Rewarding says whether the kind gives a reward of the points catalog.
func (k BenefitKind) Rewarding() bool {
	return k == EntryReward || k == BirthdayGift || k == AnniversaryGift
}

// Validate checks the benefit against the brand's ladder, every field at fault.
func (b Benefit) Validate(l Ladder) error {
	var errs []error
	if l.Index(b.Tier) < 0 {
		errs = append(errs, fielderr.New("tier", ErrNotInLadder))
	}
	switch b.Kind {
	case EntryReward, BirthdayGift, AnniversaryGift, Perk, MultiplierNote, EarlyAccess:
	default:
		errs = append(errs, fielderr.New("kind", ErrBenefitKind))
	}
	if !textOK(b.Title, MaxBenefitTitle, true) {
		errs = append(errs, fielderr.New("title", ErrBenefitTitle))
	}
	if !textOK(b.Description, MaxBenefitDescription, false) {
		errs = append(errs, fielderr.New("description", ErrBenefitText))
	}
	switch {
	case b.Kind.Rewarding() && b.RewardID == nil:
		errs = append(errs, fielderr.New("reward_id", ErrRewardRequired))
	case !b.Kind.Rewarding() && b.RewardID != nil:
		errs = append(errs, fielderr.New("reward_id", ErrRewardUnwanted))
	}
	switch {
	case b.Kind == EarlyAccess && !tagPattern.MatchString(b.Tag):
		errs = append(errs, fielderr.New("tag", ErrTag))
	case b.Kind != EarlyAccess && b.Tag != "":
		errs = append(errs, fielderr.New("tag", ErrTagUnwanted))
	}
	if b.UsageLimit < 0 || b.UsageLimit > MaxUsageLimit || b.UsageLimit > 0 && b.Kind != Perk {
		errs = append(errs, fielderr.New("usage_limit", ErrUsageLimit))
	}
	switch b.LimitPeriod {
	case PerEver, PerDay, PerMonth, PerYear:
	default:
		errs = append(errs, fielderr.New("limit_period", ErrLimitPeriod))
	}
	if b.ValidFrom != nil && b.ValidUntil != nil && !b.ValidUntil.After(*b.ValidFrom) {
		errs = append(errs, fielderr.New("valid_until", ErrValidity))
	}
	return errors.Join(errs...)
}

// InForce says whether the benefit holds at now.
func (b Benefit) InForce(now time.Time) bool {
	return (b.ValidFrom == nil || !now.Before(*b.ValidFrom)) && (b.ValidUntil == nil || now.Before(*b.ValidUntil))
}

// AppliesTo says whether a member in the tier since since gets the benefit: every member when
// it applies to those already in the tier, else those who reached it after it was added.
func (b Benefit) AppliesTo(since time.Time) bool {
	return b.Existing || !since.Before(b.CreatedAt)
}
