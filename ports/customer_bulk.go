package ports

import (
	"context"

	"github.com/engagehq/engage/domain/customer"
)

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
