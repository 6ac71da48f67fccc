package events

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
)

// ActivityUpdater is the reactor that keeps each customer's activity aggregates (first and
// last seen, purchases, spend, visits). It recomputes the touched customers from all their
// events rather than adding the batch to them, so a batch seen twice counts once.
type ActivityUpdater struct {
	repo ports.ActivityRepository
}

var _ ports.CustomersReactor = (*ActivityUpdater)(nil)

// NewActivityUpdater returns the reactor over repo.
func NewActivityUpdater(repo ports.ActivityRepository) *ActivityUpdater {
	return &ActivityUpdater{repo: repo}
}

// Name implements ports.CustomersReactor.
func (*ActivityUpdater) Name() string { return "activity" }

// ReactCustomers implements ports.CustomersReactor.
func (u *ActivityUpdater) ReactCustomers(ctx context.Context, customers []uuid.UUID) error {
	return u.repo.Recompute(ctx, customers)
}
