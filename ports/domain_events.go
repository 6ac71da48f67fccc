package ports

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// EventPublisher publishes a module's domain events: facts other modules react to
// ("customer.created", "customer_events.recorded"). A module calls it inside the write
// transaction that makes the change; the events are stored with the change, and each
// subscriber of their types gets one job for the transaction. Rolled back, nothing is
// published. data is encoded as JSON.
type EventPublisher interface {
	Publish(ctx context.Context, eventType string, data any) error
	// Handled says, in the same write transaction, that the subscriber named has already done
	// what it does about every event published in it (the till credits the purchase it
	// records): it gets no job for them, and the subscribers that run after it get theirs as
	// if it had run.
	Handled(ctx context.Context, subscriber string) error
}

// EventSubject is implemented by event data that carries one customer's personal data (a
// profile): the stored event then records whose data it holds, so that merging and erasing the
// customer reach it. Data without personal data (customer.erased) need not.
type EventSubject interface {
	EventSubject() uuid.UUID
}

// DomainEvent is a published event as it is stored and as subscribers get it.
type DomainEvent struct {
	ID   uuid.UUID
	Type string
	// Data is the event's data as published, encoded as JSON.
	Data json.RawMessage
	// Subject is the customer whose personal data Data carries; uuid.Nil for none.
	Subject    uuid.UUID
	OccurredAt time.Time
}

// DomainEventRepository keeps published events (the outbox their subscribers' jobs read) in
// the caller's tenant transaction.
type DomainEventRepository interface {
	// Insert stores evs in one statement.
	Insert(ctx context.Context, evs []DomainEvent) error
	// ByIDs returns the stored events among ids in the order they were published.
	ByIDs(ctx context.Context, ids []uuid.UUID) ([]DomainEvent, error)
	// Purge deletes the events published before before and says how many went.
	Purge(ctx context.Context, before time.Time) (int64, error)
}
