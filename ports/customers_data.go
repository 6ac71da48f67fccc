package ports

import (
	"context"

	"github.com/google/uuid"
)

// CustomerData is what one module keeps about a customer, as seen by the use cases that act on
// a customer as a whole: merging duplicates, downloading a customer's data and erasing it
// (PIPL). Each module that keeps customer data implements it (profile attributes, WeChat
// accounts, events and activity, tags, segment membership; later points, tiers, badges) and
// is listed in wiring. Every method runs in the caller's tenant transaction.
type CustomerData interface {
	// Section names the module's part of a data download ("wechat_accounts", "tags").
	Section() string
	// Merge moves what the module keeps about customer from onto customer into. The profile
	// of from is deleted after every module has merged, in the same transaction.
	Merge(ctx context.Context, from, into uuid.UUID) error
	// Export returns what the module keeps about the customer, ready to encode as JSON.
	Export(ctx context.Context, customer uuid.UUID) (any, error)
	// Erase removes the customer's personal data while keeping ledgers and aggregates
	// consistent: amounts and counts stay, whatever identifies the person goes.
	Erase(ctx context.Context, customer uuid.UUID) error
}
