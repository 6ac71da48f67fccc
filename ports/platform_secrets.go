package ports

import (
	"context"
	"errors"
	"time"
)

// ErrSecretNotFound is returned for a secret the tenant does not have.
var ErrSecretNotFound = errors.New("secret not found")

// Cipher seals and opens tenant secrets with authenticated encryption under a keyring: the
// current key seals, older keys still open what they sealed until it is re-sealed. aad is
// authenticated but not encrypted; it binds a ciphertext to where it belongs, so opening it
// with other aad fails.
type Cipher interface {
	// Seal encrypts plaintext under the current key and returns that key's ID with the result.
	Seal(plaintext, aad []byte) (keyID string, sealed []byte, err error)
	// Open decrypts what the key keyID sealed with the same aad; it fails for a key the
	// keyring does not hold and for a ciphertext or aad that was altered.
	Open(keyID string, sealed, aad []byte) ([]byte, error)
	// CurrentKeyID names the key Seal uses.
	CurrentKeyID() string
}

// StoredSecret is a tenant secret at rest: only its ciphertext and the ID of the key that
// sealed it, never its value.
type StoredSecret struct {
	Name      string
	KeyID     string
	Sealed    []byte
	UpdatedAt time.Time
}

// SecretRepository keeps a tenant's sealed secrets. Every method runs in the caller's tenant
// transaction and sees only that tenant's secrets.
type SecretRepository interface {
	// Put inserts the secret or replaces the one with its name.
	Put(ctx context.Context, s StoredSecret) error
	// Get returns the secret or ErrSecretNotFound. In a transaction that may write
	// (Transactor.InTenant) it also locks the secret until the transaction ends, so a
	// read-modify-write such as a re-seal cannot overwrite a concurrent change.
	Get(ctx context.Context, name string) (StoredSecret, error)
	// List returns every secret of the tenant ordered by name.
	List(ctx context.Context) ([]StoredSecret, error)
	// Delete removes the secret or returns ErrSecretNotFound.
	Delete(ctx context.Context, name string) error
}
