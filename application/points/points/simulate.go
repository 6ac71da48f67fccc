package points

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/tenants"
)

// Simulation asks what a purchase would earn.
type Simulation struct {
	// Purchase is the purchase; its Customer may be zero (no birthday, segments or attributes,
	// nothing earned that day). Its ID is not used.
	Purchase Purchase
	// Version evaluates that stored version (0: the version in effect at the purchase's time).
	Version int
	// Draft evaluates these rules, not stored, instead of any version.
	Draft *rules.Set
}

// Simulated is what a purchase would earn, with the breakdown per rule.
type Simulated struct {
	// Version is the version evaluated; 0 the default rule set (the program's base rates) or
	// a draft (Draft true).
	Version int
	Draft   bool
	rules.Result
}

// Simulate answers what a purchase would earn, rule by rule, then what the campaigns covering
// its time would add within their budgets left, running the code earning runs (what the customer
// is and what they earned that day read as earning reads them), changing nothing. Bad input is *fielderr.Error, joined; an unknown version ErrVersionNotFound at
// "version", an unknown customer ports.ErrCustomerNotFound.
func (s *Service) Simulate(ctx context.Context, tenant tenants.ID, in Simulation) (Simulated, error) {
	p := in.Purchase
	if p.OccurredAt.IsZero() {
		p.OccurredAt = s.deps.Clock.Now()
	}
	if err := checkSimulated(p); err != nil {
		return Simulated{}, err
	}
	if p.Customer != uuid.Nil {
		if _, err := s.deps.Customers.Get(ctx, tenant, p.Customer); err != nil {
			return Simulated{}, err
		}
	}
	return inTenantRead(ctx, s, tenant, func(ctx context.Context) (Simulated, error) {
		settings, err := s.deps.Programs.Settings(ctx)
		if err != nil {
			return Simulated{}, err
		}
		versions, err := s.versions(ctx)
		if err != nil {
			return Simulated{}, err
		}
		out := Simulated{}
		switch {
		case in.Draft != nil:
			if err := in.Draft.Check(settings.Keys()); err != nil {
				return Simulated{}, fielderr.Under("rules", err)
			}
			versions, out.Draft = []rules.Version{{Number: 0, Set: *in.Draft}}, true
		case in.Version != 0:
			i := slices.IndexFunc(versions, func(v rules.Version) bool { return v.Number == in.Version })
			if i < 0 {
				return Simulated{}, fielderr.New("version", ErrVersionNotFound)
			}
			versions = []rules.Version{versions[i]}
			versions[0].EffectiveAt = time.Time{}
		}
		loc, err := s.location(ctx)
		if err != nil {
			return Simulated{}, err
		}
		ev, err := s.evaluator(ctx, versions, settings, []Purchase{p}, loc)
		if err != nil {
			return Simulated{}, err
		}
		cr, err := s.campaignRound(ctx, []Purchase{p}, ev)
		if err != nil {
			return Simulated{}, err
		}
		r := ev.evaluate(p)
		cr.claim(ev, p, &r)
		cr.preview()
		if !out.Draft {
			out.Version = r.version
		}
		out.Result = r.result
		return out, nil
	})
}

// inTenantRead runs fn in the tenant's read scope.
func inTenantRead[T any](ctx context.Context, s *Service, tenant tenants.ID, fn func(ctx context.Context) (T, error)) (T, error) {
	var out T
	err := s.deps.Tx.ReadInTenant(ctx, tenant, func(ctx context.Context) error {
		var err error
		out, err = fn(ctx)
		return err
	})
	return out, err
}

// checkSimulated refuses a purchase no purchase event could be.
func checkSimulated(p Purchase) error {
	var errs []error
	if p.AmountFen < 0 || p.AmountFen > 100_000_000_00 {
		errs = append(errs, fielderr.Errorf("amount_fen", "0 to %d", int64(100_000_000_00)))
	}
	if len(p.Items) > 200 {
		errs = append(errs, fielderr.Errorf("items", "at most 200 items"))
	}
	for i, it := range p.Items {
		if it.Quantity < 1 || it.Quantity > 1_000_000 {
			errs = append(errs, fielderr.Errorf(fmt.Sprintf("items[%d].quantity", i), "1 to 1000000"))
		}
		if it.PriceFen != nil && *it.PriceFen < 0 {
			errs = append(errs, fielderr.Errorf(fmt.Sprintf("items[%d].price_fen", i), "at least 0"))
		}
	}
	return errors.Join(errs...)
}
