// Package customers is the use cases of a brand's customer profiles and the custom attributes
// the brand defines for them.
package customers

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are what the service needs.
type Deps struct {
	Tx    ports.Transactor
	Repo  ports.CustomerRepository
	Defs  ports.AttributeDefRepository
	Audit ports.AuditLog
	// Clock defaults to the wall clock.
	Clock ports.Clock
	// Publisher gets customer.created and customer.updated for the brand's webhooks, in the
	// transaction of each change; nil publishes nothing.
	Publisher ports.EventPublisher
	// Tags reads the customer's tags for what is published; nil publishes none.
	Tags ports.TagNames
	// Watchers hear which customers the service created or changed, in the transaction of each
	// change (segments); nil hears nothing.
	Watchers ports.CustomersChangedListener
}

// Service runs the customer use cases.
type Service struct {
	tx       ports.Transactor
	repo     ports.CustomerRepository
	defs     ports.AttributeDefRepository
	audit    ports.AuditLog
	clock    ports.Clock
	hooks    ports.EventPublisher
	tags     ports.TagNames
	watchers ports.CustomersChangedListener
}

// NewService returns the customers service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{tx: d.Tx, repo: d.Repo, defs: d.Defs, audit: d.Audit, clock: d.Clock, hooks: d.Publisher, tags: d.Tags, watchers: d.Watchers}
}

// Patch is a partial change of a profile: nil fields stay; an attribute set to nil is removed.
type Patch struct {
	ExternalID, Name, Gender, Phone, Email, AvatarURL, Language, PreferredStore, City, Region *string
	BirthDate                                                                                 *time.Time
	Address                                                                                   *customer.Address
	Consents                                                                                  map[string]bool
	Attributes                                                                                map[string]any
}

func (p Patch) apply(c *customer.Customer) {
	for dst, src := range map[*string]*string{&c.ExternalID: p.ExternalID, &c.Name: p.Name, &c.Gender: p.Gender, &c.Phone: p.Phone,
		&c.Email: p.Email, &c.AvatarURL: p.AvatarURL, &c.Language: p.Language, &c.PreferredStore: p.PreferredStore,
		&c.City: p.City, &c.Region: p.Region} {
		if src != nil {
			*dst = *src
		}
	}
	if p.BirthDate != nil {
		c.BirthDate = p.BirthDate
	}
	if p.Address != nil {
		c.Address = *p.Address
	}
	if c.Consents == nil {
		c.Consents = map[string]bool{}
	}
	maps.Copy(c.Consents, p.Consents)
}

// changedFields names what a change touched. The audit trail keeps field names, not the
// personal data itself, so that erasing a customer leaves nothing of them in the trail.
func changedFields(before, after customer.Customer) []string {
	var out []string
	check := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	check("external_id", before.ExternalID != after.ExternalID)
	check("name", before.Name != after.Name)
	check("gender", before.Gender != after.Gender)
	check("birth_date", !equalDate(before.BirthDate, after.BirthDate))
	check("phone", before.Phone != after.Phone)
	check("email", before.Email != after.Email)
	check("avatar_url", before.AvatarURL != after.AvatarURL)
	check("address", before.Address != after.Address)
	check("language", before.Language != after.Language)
	check("preferred_store", before.PreferredStore != after.PreferredStore)
	check("city", before.City != after.City)
	check("region", before.Region != after.Region)
	check("consents", !maps.Equal(before.Consents, after.Consents))
	for k := range after.Attributes {
		check("attributes."+k, !equalValue(before.Attributes[k], after.Attributes[k]))
	}
	for k := range before.Attributes {
		if _, ok := after.Attributes[k]; !ok {
			out = append(out, "attributes."+k)
		}
	}
	slices.Sort(out)
	return out
}

func equalDate(a, b *time.Time) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b))
}

// equalValue compares attribute values, which are always scalars (text, number, boolean).
func equalValue(a, b any) bool { return a == b }

// checkAttributes validates values against the tenant's definitions and merges them into c.
func (s *Service) checkAttributes(ctx context.Context, c *customer.Customer, values map[string]any) error {
	if len(values) == 0 {
		return nil
	}
	defs, err := s.defs.List(ctx)
	if err != nil {
		return err
	}
	checked, err := customer.CheckAttributes(values, defs)
	if err != nil {
		return err
	}
	if c.Attributes == nil {
		c.Attributes = map[string]any{}
	}
	for k, v := range checked {
		if v == nil {
			delete(c.Attributes, k)
		} else {
			c.Attributes[k] = v
		}
	}
	return nil
}

// Create adds a customer.
func (s *Service) Create(ctx context.Context, tenant tenants.ID, p Patch) (customer.Customer, error) {
	return ports.InTenant(ctx, s.tx, tenant, func(ctx context.Context) (customer.Customer, error) {
		out, err := s.CreateTx(ctx, uuid.New(), p)
		if err != nil {
			return customer.Customer{}, err
		}
		return out, s.changed(ctx, tenant, out.ID)
	})
}

// Update changes a customer's profile.
func (s *Service) Update(ctx context.Context, tenant tenants.ID, id uuid.UUID, p Patch) (customer.Customer, error) {
	var out customer.Customer
	err := s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		var before customer.Customer
		var err error
		out, err = s.repo.Update(ctx, id, func(c *customer.Customer) error {
			before = *c
			before.Consents, before.Attributes = maps.Clone(c.Consents), maps.Clone(c.Attributes)
			p.apply(c)
			return errors.Join(c.Normalise(s.clock.Now()), s.checkAttributes(ctx, c, p.Attributes))
		})
		if err != nil {
			return err
		}
		changed := changedFields(before, out)
		if len(changed) == 0 {
			return nil
		}
		if err := s.audit.Record(ctx, ports.AuditEntry{Action: "customer.update", TargetType: "customer", TargetID: id.String(),
			After: map[string]any{"fields": changed}}); err != nil {
			return err
		}
		if err := s.changed(ctx, tenant, id); err != nil {
			return err
		}
		return s.publish(ctx, customer.Updated, out, changed)
	})
	return out, err
}

// Get returns one customer.
func (s *Service) Get(ctx context.Context, tenant tenants.ID, id uuid.UUID) (customer.Customer, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) (customer.Customer, error) {
		return s.repo.Get(ctx, id)
	})
}

// List returns a page of customers matching q, newest first.
func (s *Service) List(ctx context.Context, tenant tenants.ID, q ports.CustomerQuery, page ports.Page) ([]customer.Customer, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) ([]customer.Customer, error) {
		return s.repo.List(ctx, q, page)
	})
}

// Browse returns a page of customers matching q with their activity and tags, in the order of
// sort.
func (s *Service) Browse(ctx context.Context, tenant tenants.ID, q ports.CustomerQuery, sort ports.CustomerSort, page ports.Page) ([]ports.CustomerSummary, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) ([]ports.CustomerSummary, error) {
		return s.repo.Browse(ctx, q, sort, page)
	})
}

// Count returns how many customers match q.
func (s *Service) Count(ctx context.Context, tenant tenants.ID, q ports.CustomerQuery) (int64, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) (int64, error) {
		return s.repo.Count(ctx, q)
	})
}

// AttributeDefs lists the tenant's custom attribute definitions.
func (s *Service) AttributeDefs(ctx context.Context, tenant tenants.ID) ([]customer.AttributeDef, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, s.defs.List)
}

// ErrDuplicateKey is returned when two definitions share a key.
var ErrDuplicateKey = errors.New("two attributes have the same key")

// SetAttributeDefs replaces the tenant's custom attribute definitions.
func (s *Service) SetAttributeDefs(ctx context.Context, tenant tenants.ID, defs []customer.AttributeDef) error {
	seen := map[string]bool{}
	var errs []error
	for i, d := range defs {
		if err := d.Check(); err != nil {
			errs = append(errs, fielderr.New("attributes["+strconv.Itoa(i)+"]", err))
		}
		if seen[d.Key] {
			errs = append(errs, fielderr.New("attributes["+strconv.Itoa(i)+"].key", ErrDuplicateKey))
		}
		seen[d.Key] = true
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.defs.List(ctx)
		if err != nil {
			return err
		}
		if err := s.defs.Replace(ctx, defs); err != nil {
			return err
		}
		return s.audit.Record(ctx, ports.AuditEntry{Action: "customer_attributes.set", TargetType: "customer_attributes", TargetID: "schema",
			Before: map[string]any{"attributes": before}, After: map[string]any{"attributes": defs}})
	})
}

func (s *Service) changed(ctx context.Context, tenant tenants.ID, id uuid.UUID) error {
	if s.watchers == nil {
		return nil
	}
	return s.watchers.CustomersChanged(ctx, tenant, []uuid.UUID{id})
}
