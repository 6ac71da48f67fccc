// Package tiers holds the tiered membership use cases: a brand's tier program (its versions),
// the figures tiers qualify on (kept by the module's subscribers to the activity stream and to
// the points module's status points), upgrades as soon as a qualifying event is processed, the
// periodic set-wise evaluation that renews and downgrades, manual assignments, and what a
// member sees of their tier and progress.
package tiers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are the service's collaborators.
type Deps struct {
	Tx         ports.Transactor
	Locals     ports.TxLocals
	Store      Store
	Attributes Attributes
	Publisher  ports.EventPublisher
	Audit      ports.AuditLog
	Jobs       ports.JobScheduler
	Tenants    *tenants.Directory
	Clock      ports.Clock
	// Customers tells unknown customers from customers without figures, and their language.
	Customers Customers
	// Benefits keeps the tiers' benefits and their uses; Rewards checks the rewards they give;
	// Gifts gives the birthday and anniversary gifts due.
	Benefits BenefitStore
	Rewards  Rewards
	Gifts    GiftStore
	// Vouchers issues the rewards benefits give (the points module's vouchers).
	Vouchers Vouchers
}

// Customers reads the brand's customers.
type Customers interface {
	Get(ctx context.Context, tenant tenants.ID, id uuid.UUID) (customer.Customer, error)
}

// Service runs the tiers use cases.
type Service struct {
	deps  Deps
	zones sync.Map // time zone name -> *time.Location
}

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{deps: d}
}

// Errors the API maps to problems.
var (
	// ErrNoProgram is the answer for a brand that has no tier program yet.
	ErrNoProgram = errors.New("tiers: the brand has no tier program")
	// ErrUnknownTier is a manual assignment to a tier the program does not have.
	ErrUnknownTier = errors.New("tiers: no such tier in the brand's program")
	// ErrUnknownCustomer is a customer the brand does not know.
	ErrUnknownCustomer = errors.New("tiers: no such customer")
)

// now is the service's clock, at the database's precision.
func (s *Service) now() time.Time { return s.deps.Clock.Now().UTC().Truncate(time.Microsecond) }

// zone returns the time zone of the brand.
func (s *Service) zone(ctx context.Context, tenant tenants.ID) (*time.Location, error) {
	t, err := s.deps.Tenants.Resolve(ctx, tenant.UUID())
	if err != nil {
		return nil, err
	}
	name := t.Timezone
	if name == "" {
		name = tenants.DefaultTimezone
	}
	if loc, ok := s.zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("tiers: brand time zone: %w", err)
	}
	s.zones.Store(name, loc)
	return loc, nil
}

// zoneHere is the zone of the brand of the transaction of ctx.
func (s *Service) zoneHere(ctx context.Context) (*time.Location, error) {
	id, err := s.deps.Locals.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	return s.zone(ctx, id)
}

// inEffect returns the brand's program in effect at now, in the caller's transaction; false
// when the brand has none.
func (s *Service) inEffect(ctx context.Context, now time.Time) (tier.Program, bool, error) {
	versions, err := s.deps.Store.Programs(ctx)
	if err != nil {
		return tier.Program{}, false, err
	}
	p, ok := tier.InEffect(versions, now)
	return p, ok, nil
}

// actor names who made a change, for the history.
func actor(ctx context.Context) string {
	a := ports.ActorFrom(ctx)
	if a.ID == "" {
		return string(a.Kind)
	}
	return string(a.Kind) + ":" + a.ID
}
