package ports

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customer"
)

// CustomerImporter adds customers in bulk (demo data, load tests), keyed by external ID.
type CustomerImporter interface {
	// ImportNew stores, in one statement, those of cs (checked profiles, each with an ID and an
	// external ID) that conflict with no customer of the tenant, and returns the customer ID of
	// every external ID of cs the tenant now has, new or not. A profile that conflicts on
	// another field (a phone another customer has) is left out of both.
	ImportNew(ctx context.Context, cs []customer.Customer) (map[string]uuid.UUID, error)
}
