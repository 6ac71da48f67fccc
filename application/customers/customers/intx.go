package customers

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// CreateTx adds customer id, audited, in the caller's tenant transaction (ctx from
// Transactor.InTenant), for use cases that create a customer together with other changes, such
// as a Mini Program login that also links the WeChat account.
func (s *Service) CreateTx(ctx context.Context, id uuid.UUID, p Patch) (customer.Customer, error) {
	c := customer.Customer{ID: id}
	p.apply(&c)
	if err := errors.Join(c.Normalise(s.clock.Now()), s.checkAttributes(ctx, &c, p.Attributes)); err != nil {
		return customer.Customer{}, err
	}
	if err := s.repo.Insert(ctx, c); err != nil {
		return customer.Customer{}, err
	}
	out, err := s.repo.Get(ctx, c.ID)
	if err != nil {
		return customer.Customer{}, err
	}
	changed := changedFields(customer.Customer{}, out)
	if err := s.audit.Record(ctx, ports.AuditEntry{Action: "customer.create", TargetType: "customer", TargetID: c.ID.String(),
		After: map[string]any{"fields": changed}}); err != nil {
		return customer.Customer{}, err
	}
	return out, s.publish(ctx, customer.Created, out, changed)
}
