package secretbox

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/engagehq/engage/ports"
)

var _ ports.Cipher = (*Keyring)(nil)

// NonceSize is the length of the random GCM nonce that starts every sealed value.
const NonceSize = 12

// Errors Open returns; both are wrapped with detail.
var (
	// ErrUnknownKey means the value was sealed under a key the keyring does not hold.
	ErrUnknownKey = errors.New("secretbox: unknown key ID")
	// ErrOpen means the value does not authenticate: altered, truncated, or opened with other
	// associated data than it was sealed with.
	ErrOpen = errors.New("secretbox: sealed value does not authenticate")
)

// CurrentKeyID implements ports.Cipher.
func (k *Keyring) CurrentKeyID() string { return k.current }

// Seal implements ports.Cipher: AES-256-GCM under the current key, a random 96-bit nonce
// prepended to the ciphertext and its tag.
func (k *Keyring) Seal(plaintext, aad []byte) (string, []byte, error) {
	aead, ok := k.aeads[k.current]
	if !ok {
		return "", nil, errors.New("secretbox: empty keyring")
	}
	nonce := make([]byte, NonceSize, NonceSize+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, fmt.Errorf("secretbox: nonce: %w", err)
	}
	return k.current, aead.Seal(nonce, nonce, plaintext, aad), nil
}

// Open implements ports.Cipher.
func (k *Keyring) Open(keyID string, sealed, aad []byte) ([]byte, error) {
	aead, ok := k.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("%w %q: the keyring holds only [%s]; add that key back to open it", ErrUnknownKey, keyID, strings.Join(k.ids, ", "))
	}
	if len(sealed) < NonceSize+aead.Overhead() {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrOpen, len(sealed))
	}
	plain, err := aead.Open(nil, sealed[:NonceSize], sealed[NonceSize:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w under key %q", ErrOpen, keyID)
	}
	return plain, nil
}
