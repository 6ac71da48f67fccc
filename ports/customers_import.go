package ports

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
)

// CustomerImporter adds customers in bulk (demo data, load tests), keyed by external ID.
type CustomerImporter interface {
	// ImportNew stores, in one statement, those of cs (checked profiles, each with an ID and an
	// external ID; a zero CreatedAt means now) that conflict with no customer of the tenant. It
	// returns the customer ID of every external ID of cs the tenant now has, new or not, and
	// how many it created. A profile that conflicts on another field (a phone another customer
	// has) is left out of both.
	ImportNew(ctx context.Context, cs []customer.Customer) (ids map[string]uuid.UUID, created int, err error)
}

// CustomerBulkRepository reads and writes many customers at once (CSV imports), in the
// caller's tenant transaction.
type CustomerBulkRepository interface {
	// ByKeys returns, locked, the customers having any of externalIDs or phones (E.164).
	ByKeys(ctx context.Context, externalIDs, phones []string) ([]customer.Customer, error)
	// Save writes checked profiles in one statement: unknown IDs are inserted, known ones
	// replaced. A phone or external ID another customer has fails it with ErrPhoneTaken or
	// ErrExternalIDTaken.
	Save(ctx context.Context, cs []customer.Customer) error
}
