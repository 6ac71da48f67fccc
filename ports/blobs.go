package ports

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/engagehq/engage/tenants"
)

// ErrBlobNotFound is a blob that is not stored (or that another tenant stored).
var ErrBlobNotFound = errors.New("no such blob")

// ErrBlobKey refuses a key that is not 1-200 characters of lower-case letters, digits and
// "-", "_", ".", "/", or that has an empty, "." or ".." segment.
var ErrBlobKey = errors.New("invalid blob key")

// Blobs keeps files (receipt photos, ...) by tenant and key. Keys are the tenant's own: the
// same key of two tenants names two blobs, and no tenant reaches another's.
type Blobs interface {
	// Put stores data under key, replacing what was there.
	Put(ctx context.Context, tenant tenants.ID, key string, data []byte, contentType string) error
	// Get returns the blob under key and its content type, or ErrBlobNotFound.
	Get(ctx context.Context, tenant tenants.ID, key string) (data []byte, contentType string, err error)
	// Delete removes the blob under key; a missing blob is no error.
	Delete(ctx context.Context, tenant tenants.ID, key string) error
}

// BlobPath is where a tenant's blob lives in a store shared by every tenant:
// "tenants/<tenant ID>/<key>", after checking key (ErrBlobKey).
func BlobPath(tenant tenants.ID, key string) (string, error) {
	if tenant.IsZero() {
		return "", fmt.Errorf("%w: no tenant", ErrBlobKey)
	}
	if err := CheckBlobKey(key); err != nil {
		return "", err
	}
	return "tenants/" + tenant.String() + "/" + key, nil
}

// CheckBlobKey returns ErrBlobKey for a key Blobs refuses.
func CheckBlobKey(key string) error {
	if key == "" || len(key) > 200 {
		return fmt.Errorf("%w: 1-200 characters", ErrBlobKey)
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r)) {
			return fmt.Errorf("%w %q: lower-case letters, digits, - _ . /", ErrBlobKey, key)
		}
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%w %q: empty, . or .. segment", ErrBlobKey, key)
		}
	}
	return nil
}
