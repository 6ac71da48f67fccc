package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/lifecycle"
)

// CustomerTag is one tag of a customer.
type CustomerTag struct {
	Tag    string
	Source TagSource
	// CreatedAt is when the customer got the tag.
	CreatedAt time.Time
}

// TagCount is how many customers have a tag.
type TagCount struct {
	Tag       string
	Customers int64
}

// TagRepository keeps customers' tags in the caller's tenant transaction.
type TagRepository interface {
	TagAssigner
	// Of returns a customer's tags, by name.
	Of(ctx context.Context, customer uuid.UUID) ([]CustomerTag, error)
	// Remove takes tags off a customer, whatever their source; it returns how many it took off.
	Remove(ctx context.Context, customer uuid.UUID, tags []string) (int64, error)
	// Counts returns every tag the brand uses with its number of customers, most used first.
	Counts(ctx context.Context) ([]TagCount, error)
	// Missing returns those of ids that are not the tenant's customers.
	Missing(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error)
	// BulkAssign gives tag to every customer among ids in one statement, keeping the source of
	// those who have it; it returns those who got it now.
	BulkAssign(ctx context.Context, ids []uuid.UUID, tag string, source TagSource) (tagged []uuid.UUID, err error)
	// BulkRemove takes tag off every customer among ids in one statement; it returns how many
	// had it.
	BulkRemove(ctx context.Context, ids []uuid.UUID, tag string) (int64, error)
}

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
	// changing only the customers whose stage changes; it returns how many changed. Callers
	// hold the customers' activity rows (ActivityRepository.Recompute), so the stages follow
	// the latest purchases.
	Recompute(ctx context.Context, s lifecycle.Settings, now time.Time, ids []uuid.UUID) (int64, error)
	// RecomputeAll does the same for every customer of the brand, skipping those another
	// transaction holds (the event reactions, which recompute them anyway).
	RecomputeAll(ctx context.Context, s lifecycle.Settings, now time.Time) (int64, error)
	// Counts returns the number of customers at each stage, every stage included.
	Counts(ctx context.Context) ([]StageCount, error)
}
