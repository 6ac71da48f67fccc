package ports

import (
	"context"
	"errors"

	"github.com/engagehq/engage/domain/customers/event"
)

// ErrEventTypeNotFound is returned for a custom event type the brand has not defined.
var ErrEventTypeNotFound = errors.New("event type not found")

// EventTypeRepository keeps a tenant's custom event types in its tenant transaction.
type EventTypeRepository interface {
	// List returns every custom type of the tenant, by key.
	List(ctx context.Context) ([]event.CustomType, error)
	// Get returns one type or ErrEventTypeNotFound.
	Get(ctx context.Context, key string) (event.CustomType, error)
	// Save creates or replaces the type with t's key; created says which.
	Save(ctx context.Context, t event.CustomType) (created bool, err error)
	// Delete removes a type or returns ErrEventTypeNotFound. Events of the type stay stored.
	Delete(ctx context.Context, key string) error
}
