package ports

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/event"
)

// TimelineQuery filters a customer's timeline; zero fields match every event.
type TimelineQuery struct {
	// Type keeps one event type ("purchase", "custom:tasting").
	Type string
	// Channel keeps the events of one channel ("pos", "mini_program").
	Channel string
}

// EventRepository keeps a tenant's customer events in its tenant transaction.
type EventRepository interface {
	// InsertNew stores, in one statement, those of evs whose IDs the tenant has not stored yet
	// and returns their IDs; the others are duplicates. Every customer must exist.
	InsertNew(ctx context.Context, evs []event.Event) (stored []string, err error)
	// ExistingCustomers returns which of ids are the tenant's customers: a customer is in the
	// map if it exists, with true if its personal data was erased.
	ExistingCustomers(ctx context.Context, ids []uuid.UUID) (erased map[uuid.UUID]bool, err error)
	// CustomersByKeys returns the IDs of the tenant's customers having any of externalIDs or
	// phones (E.164), by external ID and by phone, without locking them.
	CustomersByKeys(ctx context.Context, externalIDs, phones []string) (byExternalID, byPhone map[string]uuid.UUID, err error)
	// ByIDs returns the stored events among ids, in no particular order.
	ByIDs(ctx context.Context, ids []string) ([]event.Event, error)
	// Timeline returns a customer's events, newest first; the position is an event ID.
	Timeline(ctx context.Context, customer uuid.UUID, q TimelineQuery, page Page) ([]event.Event, error)
}

// EventReactor is a module's reaction to newly stored customer events: activity aggregates,
// lifecycle stages, segments, and as modules land points, tiers, badges and notification
// triggers. Each reactor is a subscriber to stored batches (events.Service.Subscriber): its own
// River job hands it each batch in the job's own tenant transaction. Jobs are delivered at least
// once, so a reactor must be idempotent: seeing a batch twice changes nothing the second time.
type EventReactor interface {
	// Name identifies the reactor in logs and errors.
	Name() string
	React(ctx context.Context, evs []event.Event) error
}

// CustomersReactor is a reaction to newly stored customer events that recomputes the customers
// they are of from what is stored (activity aggregates, stages, segments), so it needs only
// which customers a batch touched: its subscriber (events.Service.CustomersSubscriber) does not
// load the events. Recomputing is idempotent by nature.
type CustomersReactor interface {
	// Name identifies the reactor in logs and errors.
	Name() string
	// ReactCustomers recomputes customers, given distinct and in ascending order.
	ReactCustomers(ctx context.Context, customers []uuid.UUID) error
}
