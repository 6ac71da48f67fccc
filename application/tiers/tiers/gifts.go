package tiers

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
)

// GiftsArgs asks for one brand's birthday and anniversary gifts of the day to be given.
type GiftsArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (GiftsArgs) Kind() string { return "tiers_gifts" }

// GiftDays is how many days after a birthday or anniversary its gift is still given, so that
// a day the job did not run is made up for.
const GiftDays = 7

// Gift is a day of the brand's zone on which gifts fall due.
type Gift struct {
	// Today is the day (midnight in the brand's zone); gifts whose day this year is within
	// GiftDays before it, up to it, are given, keyed by the year (birthday:2026).
	Today time.Time
	Now   time.Time
}

// GiftStore gives the gifts due, set-wise, in the caller's tenant transaction.
type GiftStore interface {
	// GiveGifts records the birthday and anniversary gifts of the benefits in force of the
	// members' tiers whose day this year falls in the days up to g.Today, once per member,
	// benefit and year, and returns them.
	GiveGifts(ctx context.Context, g Gift) ([]Use, error)
}

// Gifts is one brand's birthday and anniversary gifts, a job's work, in one transaction and
// one statement, each published (tier.benefit_given): run hourly by the tiers sweep, each gift is given once per member and year
// (a run again gives nothing more), in the brand's zone.
func (s *Service) Gifts(ctx context.Context, args GiftsArgs) (int, error) {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return 0, err
	}
	loc, err := s.zone(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	return ports.InTenant(ctx, s.deps.Tx, t.ID, func(ctx context.Context) (int, error) {
		now := s.now()
		if _, ok, err := s.inEffect(ctx, now); err != nil || !ok {
			return 0, err
		}
		given, err := s.deps.Gifts.GiveGifts(ctx, Gift{Today: tier.Day(now, loc), Now: now})
		if err != nil {
			return 0, err
		}
		for _, u := range given {
			kind := tier.BirthdayGift
			if strings.HasPrefix(u.Key, "anniversary:") {
				kind = tier.AnniversaryGift
			}
			if err := s.publishGiven(ctx, kind, []Use{u}); err != nil {
				return 0, err
			}
		}
		return len(given), nil
	})
}
