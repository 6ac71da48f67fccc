// Package tags is the use cases of the labels admins and partners put on customers: tagging
// one customer, tagging many at once, and the brand's tags with their counts.
package tags

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/tag"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// MaxBulk is the most customers one bulk change takes.
const MaxBulk = 10_000

// MaxBulkTags is the most tags one bulk change takes, as many as one customer's change.
const MaxBulkTags = 50

// Errors of the tags service.
var (
	ErrBulkSize = fmt.Errorf("a bulk change names 1 to %d customers", MaxBulk)
	ErrBulkTags = fmt.Errorf("a bulk change names 1 to %d tags", MaxBulkTags)
	// ErrTooManyMatches is returned when a filter matches more customers than a bulk change takes.
	ErrTooManyMatches = fmt.Errorf("the filter matches more than %d customers", MaxBulk)
)

// UnknownCustomersError lists, by their index in the request, the IDs that are not the brand's
// customers. A bulk change naming any of them changes nothing.
type UnknownCustomersError struct {
	Indexes []int
}

func (e *UnknownCustomersError) Error() string {
	idx := make([]string, len(e.Indexes))
	for i, n := range e.Indexes {
		idx[i] = strconv.Itoa(n)
	}
	return "no such customers at " + strings.Join(idx, ", ")
}

// Deps are what the service needs.
type Deps struct {
	Tx        ports.Transactor
	Tags      ports.TagRepository
	Customers ports.CustomerRepository
	Audit     ports.AuditLog
	// Publisher gets the tags given by hand (customer.tagged) for the brand's webhooks, in the
	// transaction of each change; nil publishes nothing.
	Publisher ports.EventPublisher
	// Watchers hear whose tags the service changed, in the transaction of each change
	// (segments); nil hears nothing.
	Watchers ports.CustomersChangedListener
}

// Service runs the tag use cases.
type Service struct {
	tx        ports.Transactor
	repo      ports.TagRepository
	customers ports.CustomerRepository
	audit     ports.AuditLog
	hooks     ports.EventPublisher
	watchers  ports.CustomersChangedListener
}

// NewService returns the tags service.
func NewService(d Deps) *Service {
	return &Service{tx: d.Tx, repo: d.Tags, customers: d.Customers, audit: d.Audit, hooks: d.Publisher, watchers: d.Watchers}
}

// Of returns a customer's tags, or ports.ErrCustomerNotFound.
func (s *Service) Of(ctx context.Context, tenant tenants.ID, customer uuid.UUID) ([]ports.CustomerTag, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) ([]ports.CustomerTag, error) {
		out, err := s.repo.Of(ctx, customer)
		if err != nil || len(out) > 0 {
			return out, err
		}
		_, err = s.customers.Get(ctx, customer)
		return out, err
	})
}

// Names returns the names of the tags of each of customers, by name; a customer without
// tags (or not the tenant's) is not in the map.
func (s *Service) Names(ctx context.Context, tenant tenants.ID, customers []uuid.UUID) (map[uuid.UUID][]string, error) {
	if len(customers) == 0 {
		return map[uuid.UUID][]string{}, nil
	}
	return ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) (map[uuid.UUID][]string, error) {
		return s.repo.Names(ctx, customers)
	})
}

// Add tags a customer by hand (tags it has stay as they are) and returns its tags. Names are
// checked first: a *fielderr.Error per name at fault ("[2]"), joined, and nothing changes.
func (s *Service) Add(ctx context.Context, tenant tenants.ID, customer uuid.UUID, names []string) ([]ports.CustomerTag, error) {
	names, err := tag.NormaliseAll(names)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, tenant, customer, "tag.assign", func(ctx context.Context) error {
		before, err := s.repo.Of(ctx, customer)
		if err != nil {
			return err
		}
		if err := s.repo.AssignTags(ctx, customer, names, ports.TagManual); err != nil {
			return err
		}
		added := slices.DeleteFunc(slices.Clone(names), func(n string) bool {
			return slices.ContainsFunc(before, func(t ports.CustomerTag) bool { return t.Tag == n })
		})
		return s.publishTagged(ctx, customer, added)
	})
}

// Remove takes a tag off a customer, whatever its source, and returns its tags; removing a tag
// the customer does not have changes nothing.
func (s *Service) Remove(ctx context.Context, tenant tenants.ID, customer uuid.UUID, name string) ([]ports.CustomerTag, error) {
	name, err := tag.Normalise(name)
	if err != nil {
		return nil, fielderr.New("", err)
	}
	return s.change(ctx, tenant, customer, "tag.remove", func(ctx context.Context) error {
		_, err := s.repo.Remove(ctx, customer, []string{name})
		return err
	})
}

// change applies fn to an existing customer's tags and audits it when the tags changed, with
// how many were added and removed: tags on a person say something about them, so the trail
// keeps counts, not names.
func (s *Service) change(ctx context.Context, tenant tenants.ID, customer uuid.UUID, action string, fn func(ctx context.Context) error) ([]ports.CustomerTag, error) {
	var after []ports.CustomerTag
	err := s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if _, err := s.customers.Get(ctx, customer); err != nil {
			return err
		}
		before, err := s.repo.Of(ctx, customer)
		if err != nil {
			return err
		}
		if err := fn(ctx); err != nil {
			return err
		}
		if after, err = s.repo.Of(ctx, customer); err != nil {
			return err
		}
		added, removed := difference(before, after)
		if added == 0 && removed == 0 {
			return nil
		}
		if err := s.audit.Record(ctx, ports.AuditEntry{Action: action, TargetType: "customer", TargetID: customer.String(),
			After: map[string]any{"added": added, "removed": removed, "tags": len(after)}}); err != nil {
			return err
		}
		return s.tagsChanged(ctx, tenant, []uuid.UUID{customer})
	})
	return after, err
}

func difference(before, after []ports.CustomerTag) (added, removed int) {
	has := func(list []ports.CustomerTag, name string) bool {
		return slices.ContainsFunc(list, func(t ports.CustomerTag) bool { return t.Tag == name })
	}
	for _, t := range after {
		if !has(before, t.Tag) {
			added++
		}
	}
	for _, t := range before {
		if !has(after, t.Tag) {
			removed++
		}
	}
	return added, removed
}

// Counts returns the brand's tags with their number of customers, most used first.
func (s *Service) Counts(ctx context.Context, tenant tenants.ID) ([]ports.TagCount, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, s.repo.Counts)
}

// Bulk is tags given to, or taken off, many customers.
type Bulk struct {
	// Tags are the tags, in the shape one customer's tags are added in; repeats count once.
	Tags   []string
	Remove bool
	// Customers are the customers' IDs; repeats count once.
	Customers []uuid.UUID
}

// BulkResult is what a bulk change did.
type BulkResult struct {
	// Customers is how many distinct customers it named.
	Customers int
	// Changed is how many tags customers got, or lost: a customer given two new tags counts
	// twice.
	Changed int64
}

// Apply makes a bulk change in one tenant transaction. If any ID is not the brand's customer it
// returns an *UnknownCustomersError and changes nothing; a bad tag is a *fielderr.Error of
// "tags[i]", no tags ErrNoTags of "tags", a list of too few or too many customers one of
// "customer_ids" (ErrBulkSize).
func (s *Service) Apply(ctx context.Context, tenant tenants.ID, b Bulk) (BulkResult, error) {
	names, ids, err := checkBulk(b)
	if err != nil {
		return BulkResult{}, err
	}
	return ports.InTenant(ctx, s.tx, tenant, func(ctx context.Context) (BulkResult, error) {
		missing, err := s.repo.Missing(ctx, ids)
		if err != nil {
			return BulkResult{}, err
		}
		if len(missing) > 0 {
			return BulkResult{}, unknownAt(b.Customers, missing)
		}
		return s.apply(ctx, tenant, names, b.Remove, ids)
	})
}

// ApplyMatching makes a bulk change to every customer q matches, up to MaxBulk (beyond it,
// ErrTooManyMatches and nothing changes), in one tenant transaction.
func (s *Service) ApplyMatching(ctx context.Context, tenant tenants.ID, q ports.CustomerQuery, name string, remove bool) (BulkResult, error) {
	name, err := tag.Normalise(name)
	if err != nil {
		return BulkResult{}, fielderr.New("", err)
	}
	var out BulkResult
	err = s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		var ids []uuid.UUID
		page := ports.Page{Limit: 1000}
		for {
			cs, err := s.customers.List(ctx, q, page)
			if err != nil {
				return err
			}
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			if len(ids) > MaxBulk {
				return ErrTooManyMatches
			}
			if len(cs) < page.Limit {
				break
			}
			page.After = cs[len(cs)-1].ID.String()
		}
		if len(ids) == 0 {
			return nil
		}
		out, err = s.apply(ctx, tenant, []string{name}, remove, ids)
		return err
	})
	return out, err
}

func (s *Service) apply(ctx context.Context, tenant tenants.ID, names []string, remove bool, ids []uuid.UUID) (BulkResult, error) {
	out := BulkResult{Customers: len(ids)}
	action := "assign"
	if remove {
		action = "remove"
	}
	got := map[uuid.UUID][]string{}
	changed := make([]int64, len(names))
	for i, name := range names {
		if remove {
			n, err := s.repo.BulkRemove(ctx, ids, name)
			if err != nil {
				return out, err
			}
			changed[i] = n
			out.Changed += n
			continue
		}
		tagged, err := s.repo.BulkAssign(ctx, ids, name, ports.TagManual)
		if err != nil {
			return out, err
		}
		changed[i] = int64(len(tagged))
		out.Changed += changed[i]
		for _, c := range tagged {
			got[c] = append(got[c], name)
		}
	}
	// One customer.tagged per customer with every tag they got, in customer order.
	for _, c := range ids {
		if err := s.publishTagged(ctx, c, got[c]); err != nil {
			return out, err
		}
	}
	for i, name := range names {
		if err := s.audit.Record(ctx, ports.AuditEntry{Action: "tag.bulk", TargetType: "tag", TargetID: name,
			After: map[string]any{"action": action, "customers": out.Customers, "changed": changed[i]}}); err != nil {
			return out, err
		}
	}
	if out.Changed == 0 {
		return out, nil
	}
	return out, s.tagsChanged(ctx, tenant, ids)
}

func checkBulk(b Bulk) ([]string, []uuid.UUID, error) {
	var errs []error
	names, err := tag.NormaliseAll(b.Tags)
	switch {
	case err != nil:
		errs = append(errs, fielderr.Under("tags", err))
	case len(names) == 0 || len(names) > MaxBulkTags:
		errs = append(errs, fielderr.New("tags", ErrBulkTags))
	}
	if len(b.Customers) == 0 || len(b.Customers) > MaxBulk {
		errs = append(errs, fielderr.New("customer_ids", ErrBulkSize))
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	ids := slices.Clone(b.Customers)
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return names, slices.Compact(ids), nil
}

func unknownAt(requested, missing []uuid.UUID) error {
	gone := make(map[uuid.UUID]bool, len(missing))
	for _, id := range missing {
		gone[id] = true
	}
	e := &UnknownCustomersError{}
	for i, id := range requested {
		if gone[id] {
			e.Indexes = append(e.Indexes, i)
		}
	}
	return e
}

// TaggedData is the data of a customer.tagged webhook event.
type TaggedData struct {
	CustomerID uuid.UUID `json:"customer_id"`
	// Tags are the tags the customer got by this change.
	Tags []string `json:"tags"`
}

func (s *Service) publishTagged(ctx context.Context, id uuid.UUID, added []string) error {
	if s.hooks == nil || len(added) == 0 {
		return nil
	}
	return s.hooks.Publish(ctx, customer.Tagged, TaggedData{CustomerID: id, Tags: added})
}

func (s *Service) tagsChanged(ctx context.Context, tenant tenants.ID, ids []uuid.UUID) error {
	if s.watchers == nil {
		return nil
	}
	return s.watchers.CustomersChanged(ctx, tenant, ids)
}
