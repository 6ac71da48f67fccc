package ports

import (
	"context"
	"errors"
	"time"

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
	// Search matches the start of a name, phone, email or external ID; a full phone number
	// matches exactly.
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
	// Browse returns customers with what a list shows of them, in the order of sort; the
	// position is a summary's Cursor, which holds its sort value and ID, so pages neither skip
	// nor repeat customers whose values tie.
	Browse(ctx context.Context, q CustomerQuery, sort CustomerSort, page Page) ([]CustomerSummary, error)
	// Count returns how many customers match q.
	Count(ctx context.Context, q CustomerQuery) (int64, error)
}

// CustomerSortKey is what a customer list is ordered by.
type CustomerSortKey string

// The orders of a customer list.
const (
	// SortCreated orders by when the profile was created.
	SortCreated CustomerSortKey = "created"
	// SortSpend, SortPurchases and SortLastPurchase order by the customer's activity; a
	// customer without purchases counts as spending 0 with no last purchase, which sorts
	// before every purchase.
	SortSpend        CustomerSortKey = "spend"
	SortPurchases    CustomerSortKey = "purchases"
	SortLastPurchase CustomerSortKey = "last_purchase"
)

// CustomerSortKeys lists the orders, the default first.
var CustomerSortKeys = []CustomerSortKey{SortCreated, SortSpend, SortPurchases, SortLastPurchase}

// CustomerSort orders a customer list: by Key, descending unless Asc; ties by ID the same way.
type CustomerSort struct {
	Key CustomerSortKey
	Asc bool
}

// CustomerSummary is a customer as a list shows them: the profile, their activity and tags.
type CustomerSummary struct {
	customer.Customer
	SpendFen       int64
	Purchases      int64
	LastPurchaseAt *time.Time
	// Tags are the customer's tags by name, in name order.
	Tags []string
	// Cursor is the position just after this customer in the list it came from.
	Cursor string
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
