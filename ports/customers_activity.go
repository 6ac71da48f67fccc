package ports

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/event"
)

// ErrNoActivity is returned for a customer whose aggregates were never computed.
var ErrNoActivity = errors.New("no activity recorded")

// ActivityRepository keeps the per-customer aggregates of the activity stream.
type ActivityRepository interface {
	// Recompute rebuilds the aggregates of customers from all their stored events. It waits
	// for any other recomputation of the same customers, so the last one to commit has seen
	// every event committed before it: running it twice changes nothing.
	Recompute(ctx context.Context, customers []uuid.UUID) error
	// Get returns a customer's aggregates or ErrNoActivity.
	Get(ctx context.Context, customer uuid.UUID) (event.Activity, error)
}
