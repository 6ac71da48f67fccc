package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/apikey"
)

// APIKeyRepository keeps a tenant's API keys. Every method runs in the caller's tenant
// transaction and sees only that tenant's keys.
type APIKeyRepository interface {
	Insert(ctx context.Context, k apikey.Key) error
	// Get returns the key or apikey.ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (apikey.Key, error)
	// List returns keys newest first; the position is a key ID.
	List(ctx context.Context, page Page) ([]apikey.Key, error)
	// Update locks the key, applies change and saves it, or returns apikey.ErrNotFound.
	Update(ctx context.Context, id uuid.UUID, change func(*apikey.Key) error) (apikey.Key, error)
	// Touch records that the key was used at at.
	Touch(ctx context.Context, id uuid.UUID, at time.Time) error
}
