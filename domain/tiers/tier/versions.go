package tier

import (
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/engagehq/engage/domain/fielderr"
)

// Program is one version of a brand's tier rules: its ladder and settings, in effect from
// From until the next version's From. Versions never change once stored.
type Program struct {
	Version  int
	From     time.Time
	Ladder   Ladder
	Settings Settings
}

// ErrRemovedHeld is the reason a tier cannot leave the ladder: members hold it.
var ErrRemovedHeld = errors.New("members hold this tier: move them to another tier first")

// Validate checks a new version against the tiers members hold now (their codes and how
// many hold each): a held tier cannot be removed.
func (p Program) Validate(held map[Code]int64) error {
	errs := []error{fielderr.Under("tiers", p.Ladder.Validate()), fielderr.Under("settings", p.Settings.Validate())}
	for _, code := range slices.Sorted(maps.Keys(held)) {
		if held[code] > 0 && p.Ladder.Index(code) < 0 {
			errs = append(errs, fielderr.Errorf("tiers", "%s: %w", code, ErrRemovedHeld))
		}
	}
	return errors.Join(errs...)
}

// InEffect returns the version in effect at at among versions (any order), false when none is.
func InEffect(versions []Program, at time.Time) (Program, bool) {
	var best Program
	found := false
	for _, v := range versions {
		if !v.From.After(at) && (!found || v.From.After(best.From) || v.From.Equal(best.From) && v.Version > best.Version) {
			best, found = v, true
		}
	}
	return best, found
}
