package ports

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// TagSource says how a customer got a tag.
type TagSource string

// Tag sources.
const (
	TagManual TagSource = "manual" // an admin or a partner set it
	TagRule   TagSource = "rule"   // an auto-tag rule matched
	TagWeChat TagSource = "wechat" // imported from the brand's WeChat Official Account fan tags
)

// TagAssigner tags customers in the caller's tenant transaction. Modules other than tags (the
// WeChat fan tag import) tag customers through it. Assigning a tag a customer has is a no-op.
type TagAssigner interface {
	AssignTags(ctx context.Context, customer uuid.UUID, tags []string, source TagSource) error
}

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

// TagNames reads the names of customers' tags in the caller's tenant transaction.
type TagNames interface {
	// Names returns the names of the tags of each of customers that has any, each by name.
	Names(ctx context.Context, customers []uuid.UUID) (map[uuid.UUID][]string, error)
}

// TagRepository keeps customers' tags in the caller's tenant transaction.
type TagRepository interface {
	TagAssigner
	TagNames
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
