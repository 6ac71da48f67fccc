package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/lifecycle"
)

// StageCount is how many customers are at a lifecycle stage.
type StageCount struct {
	Stage     lifecycle.Stage
	Customers int64
}

// LifecycleRepository keeps the brand's recency rules and its customers' stages.
type LifecycleRepository interface {
	// Settings returns the brand's rules, lifecycle.Defaults when it set none.
	Settings(ctx context.Context) (lifecycle.Settings, error)
	// PutSettings stores the brand's rules.
	PutSettings(ctx context.Context, s lifecycle.Settings) error
	// Recompute applies lifecycle.Settings.Evaluate at now to the customers among ids, set-based,
	// changing only the customers whose stage changes; it returns those changes in customer ID
	// order. Callers hold the customers' activity rows (ActivityRepository.Recompute), so the
	// stages follow the latest purchases.
	Recompute(ctx context.Context, s lifecycle.Settings, now time.Time, ids []uuid.UUID) ([]lifecycle.Change, error)
	// RecomputeAll does the same for every customer of the brand, skipping those another
	// transaction holds (the event reactions, which recompute them anyway).
	RecomputeAll(ctx context.Context, s lifecycle.Settings, now time.Time) ([]lifecycle.Change, error)
	// Counts returns the number of customers at each stage, every stage included.
	Counts(ctx context.Context) ([]StageCount, error)
}
