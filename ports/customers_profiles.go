package ports

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/tenants"
)

// Errors of the customer repositories.
var (
	ErrCustomerNotFound = errors.New("customer not found")
	ErrPhoneTaken       = errors.New("another customer has this phone")
	ErrExternalIDTaken  = errors.New("another customer has this external ID")
)

// CustomerQuery filters a customer listing; zero fields match everyone.
type CustomerQuery struct {
	// Search matches the start of a name, phone or email.
	Search string
	City   string
	// Tag keeps the customers with this tag.
	Tag string
	// Lifecycle keeps the customers at this stage.
	Lifecycle lifecycle.Stage
	// ExternalID keeps the customer with this external ID (the partner's own).
	ExternalID string
}

// CustomerRepository keeps a tenant's customers in its tenant transaction.
type CustomerRepository interface {
	Insert(ctx context.Context, c customer.Customer) error
	// Get returns the customer or ErrCustomerNotFound.
	Get(ctx context.Context, id uuid.UUID) (customer.Customer, error)
	// List returns customers newest first; the position is a customer ID.
	List(ctx context.Context, q CustomerQuery, page Page) ([]customer.Customer, error)
	// Update locks the customer, applies change and saves it.
	Update(ctx context.Context, id uuid.UUID, change func(*customer.Customer) error) (customer.Customer, error)
}

// AttributeDefRepository keeps a tenant's custom attribute definitions.
type AttributeDefRepository interface {
	List(ctx context.Context) ([]customer.AttributeDef, error)
	// Replace makes defs the tenant's whole set of definitions.
	Replace(ctx context.Context, defs []customer.AttributeDef) error
}

// CustomersChangedListener hears, in the tenant transaction of a change, that customers'
// profiles or tags changed, so that what is derived from them (segment membership, auto-tags)
// is re-evaluated soon rather than at the next sweep.
type CustomersChangedListener interface {
	CustomersChanged(ctx context.Context, tenant tenants.ID, customers []uuid.UUID) error
}
