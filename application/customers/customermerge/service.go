// Package customermerge is the use case of merging a duplicate customer profile into the one
// that survives: every module moves what it keeps to the survivor, in one transaction, and
// later requests for the duplicate learn where it went.
package customermerge

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Errors of a merge.
var (
	ErrSameCustomer = errors.New("a customer cannot be merged into itself")
	// ErrSurvivorNotFound and ErrDuplicateNotFound name which of the two is unknown.
	ErrSurvivorNotFound  = errors.New("no such survivor customer")
	ErrDuplicateNotFound = errors.New("no such duplicate customer")
)

// MergedError is returned for a customer that was merged into another already.
type MergedError struct {
	// Duplicate says whether it was the duplicate (else the survivor) of the request.
	Duplicate bool
	ID, Into  uuid.UUID
}

func (e *MergedError) Error() string {
	return fmt.Sprintf("customer %s was merged into %s", e.ID, e.Into)
}

// Deps are what the service needs.
type Deps struct {
	Tx        ports.Transactor
	Customers ports.CustomerRepository
	Merges    ports.CustomerMergeRepository
	// Data are every module's part of a customer, merged in order.
	Data  []ports.CustomerData
	Audit ports.AuditLog
	// Webhooks publishes customer.merged to the brand's endpoints; nil publishes nothing.
	Webhooks ports.EventPublisher
}

// Service merges customers.
type Service struct{ d Deps }

// NewService returns the service.
func NewService(d Deps) *Service { return &Service{d: d} }

// Result is what a merge did.
type Result struct {
	Survivor customer.Customer
	// Filled names the survivor's profile fields that took the duplicate's value.
	Filled []string
}

// Merge merges duplicate into survivor: the survivor's profile keeps its values and fills its
// gaps from the duplicate's, every module moves the duplicate's data to the survivor, the
// duplicate is deleted and its ID remembered. All of it in one audited tenant transaction.
func (s *Service) Merge(ctx context.Context, tenant tenants.ID, survivor, duplicate uuid.UUID) (Result, error) {
	if survivor == duplicate {
		return Result{}, ErrSameCustomer
	}
	var out Result
	// A merge may race a reaction or a segment refresh for the same customers; every effect
	// of it is in its transaction, so one that loses a deadlock runs again.
	err := ports.InTenantRetrying(ctx, s.d.Tx, tenant, func(ctx context.Context) error {
		states, err := s.d.Merges.Lock(ctx, []uuid.UUID{survivor, duplicate})
		if err != nil {
			return err
		}
		for _, id := range []uuid.UUID{survivor, duplicate} {
			st, ok := states[id]
			switch {
			case !ok:
				return s.missing(ctx, id, id == duplicate)
			case st.Erased:
				return ports.ErrCustomerErased
			case st.ErasurePending:
				return ports.ErrErasurePending
			}
		}
		dup, err := s.d.Customers.Get(ctx, duplicate)
		if err != nil {
			return err
		}
		if err := s.d.Merges.ReleaseKeys(ctx, duplicate); err != nil {
			return err
		}
		if _, err := s.d.Customers.Update(ctx, survivor, func(c *customer.Customer) error {
			*c, out.Filled = customer.FillGaps(*c, dup)
			return nil
		}); err != nil {
			return err
		}
		sections := make([]string, 0, len(s.d.Data))
		for _, d := range s.d.Data {
			if err := d.Merge(ctx, duplicate, survivor); err != nil {
				return fmt.Errorf("merge %s: %w", d.Section(), err)
			}
			sections = append(sections, d.Section())
		}
		if err := s.d.Merges.Remove(ctx, duplicate, survivor); err != nil {
			return err
		}
		if out.Survivor, err = s.d.Customers.Get(ctx, survivor); err != nil {
			return err
		}
		if err := s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customer.merge", TargetType: "customer", TargetID: survivor.String(),
			Before: map[string]any{"duplicate_id": duplicate.String()},
			After:  map[string]any{"survivor_id": survivor.String(), "filled": out.Filled, "sections": sections}}); err != nil {
			return err
		}
		if s.d.Webhooks == nil {
			return nil
		}
		return s.d.Webhooks.Publish(ctx, customer.Merged, map[string]string{"customer_id": survivor.String(), "merged_id": duplicate.String()})
	})
	return out, err
}

// missing explains why customer id of a merge is not there: merged already, or unknown.
func (s *Service) missing(ctx context.Context, id uuid.UUID, duplicate bool) error {
	into, err := s.d.Merges.Survivor(ctx, id)
	switch {
	case err == nil:
		return &MergedError{Duplicate: duplicate, ID: id, Into: into}
	case !errors.Is(err, ports.ErrNotMerged):
		return err
	case duplicate:
		return ErrDuplicateNotFound
	}
	return ErrSurvivorNotFound
}

// MaxLookAlikes is how many possible duplicates LookAlikes returns.
const MaxLookAlikes = 20

// LookAlikes suggests customers that may be duplicates of customer id: the same email, or the
// same name in the same city.
func (s *Service) LookAlikes(ctx context.Context, tenant tenants.ID, id uuid.UUID) ([]customer.Customer, error) {
	return ports.InTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) ([]customer.Customer, error) {
		c, err := s.d.Customers.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		return s.d.Merges.LookAlikes(ctx, c, MaxLookAlikes)
	})
}

// Survivor returns the customer that merged ID id now lives on, or ports.ErrNotMerged.
func (s *Service) Survivor(ctx context.Context, tenant tenants.ID, id uuid.UUID) (uuid.UUID, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) (uuid.UUID, error) {
		return s.d.Merges.Survivor(ctx, id)
	})
}
