package events

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

// ActivityUpdater is the reactor that keeps each customer's activity aggregates (first and
// last seen, purchases, spend, visits). It recomputes the touched customers from all their
// events rather than adding the batch to them, so a batch seen twice counts once.
type ActivityUpdater struct {
	repo ports.ActivityRepository
}

var _ ports.EventReactor = (*ActivityUpdater)(nil)

// NewActivityUpdater returns the reactor over repo.
func NewActivityUpdater(repo ports.ActivityRepository) *ActivityUpdater {
	return &ActivityUpdater{repo: repo}
}

// Name implements ports.EventReactor.
func (*ActivityUpdater) Name() string { return "activity" }

// React implements ports.EventReactor.
func (u *ActivityUpdater) React(ctx context.Context, evs []event.Event) error {
	ids := make([]uuid.UUID, 0, len(evs))
	for _, e := range evs {
		ids = append(ids, e.CustomerID)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return u.repo.Recompute(ctx, slices.Compact(ids))
}
