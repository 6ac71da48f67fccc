package ports

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
)

// ErrNotMerged is returned for an ID that was never merged into another customer.
var ErrNotMerged = errors.New("not a merged customer")

// CustomerMergeRepository keeps what merging customers changes beyond each module's data, in
// the caller's tenant transaction.
type CustomerMergeRepository interface {
	// Lock locks the customers among ids, in ID order so that two merges of the same pair
	// cannot deadlock, and returns the state of those that exist.
	Lock(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]CustomerState, error)
	// ReleaseKeys clears the phone and external ID of a customer about to be merged away, so
	// the survivor may take them.
	ReleaseKeys(ctx context.Context, id uuid.UUID) error
	// Remove records that from was merged into into (and that earlier merges into from now
	// lead to into), then deletes from's profile.
	Remove(ctx context.Context, from, into uuid.UUID) error
	// Survivor returns the customer a merged ID now lives on, or ErrNotMerged.
	Survivor(ctx context.Context, id uuid.UUID) (uuid.UUID, error)
	// LookAlikes returns up to limit other customers that may be c again: the same email, or
	// the same name in the same city. Erased customers are left out.
	LookAlikes(ctx context.Context, c customer.Customer, limit int) ([]customer.Customer, error)
}
