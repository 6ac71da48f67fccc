package rules

import (
	"errors"
	"time"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
)

// MaxNote bounds a version's note, in characters.
const MaxNote = 500

// Version is one version of a brand's rule set: it takes effect at EffectiveAt and stays in
// effect until the next version does. Versions never change once stored; one not yet in effect
// may be withdrawn.
type Version struct {
	Number      int
	EffectiveAt time.Time
	Set         Set
	Note        string
	CreatedBy   string
	CreatedAt   time.Time
}

// ErrEffectiveInPast refuses a version that would take effect before now: purchases already
// earned under the version then in effect.
var ErrEffectiveInPast = errors.New("a new version takes effect now or later, never before: purchases already earned under the rules then in effect")

// CheckNew returns the fields at fault of a version to add at now (the rule set's under "rules").
func (v Version) CheckNew(now time.Time, wallets []ledger.Wallet) error {
	var errs []error
	if v.EffectiveAt.Before(now.Add(-time.Minute)) {
		errs = append(errs, fielderr.New("effective_at", ErrEffectiveInPast))
	}
	if utf8.RuneCountInString(v.Note) > MaxNote || !utf8.ValidString(v.Note) {
		errs = append(errs, fielderr.Errorf("note", "at most %d characters", MaxNote))
	}
	if err := v.Set.Check(wallets); err != nil {
		errs = append(errs, fielderr.Under("rules", err))
	}
	return errors.Join(errs...)
}

// InEffect returns the version in effect at t among versions (ordered by EffectiveAt): the
// last that took effect at or before t; false when none had.
func InEffect(versions []Version, t time.Time) (Version, bool) {
	for i := len(versions) - 1; i >= 0; i-- {
		if !versions[i].EffectiveAt.After(t) {
			return versions[i], true
		}
	}
	return Version{}, false
}
