// Package secretbox implements ports.Cipher with AES-256-GCM under a keyring read from
// configuration (ENGAGE_SECRETS_KEY): the first key seals, the others only open, so keys can
// be rotated without losing what older keys sealed.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

var keyIDPattern = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// Keyring holds the master keys by ID. Its zero value holds none; build one with ParseKeyring.
type Keyring struct {
	current string
	ids     []string
	aeads   map[string]cipher.AEAD
}

// ParseKeyring reads a keyring spec: comma-separated keyID:base64key entries, each key 32
// bytes in standard base64, padded or not. The first entry is the current key, used to seal;
// the others only open (old keys kept during a rotation). Key IDs match ^[a-z0-9-]{1,32}$
// and are unique. Errors say which entry is wrong and why, never what its key is.
func ParseKeyring(spec string) (*Keyring, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, errors.New("secretbox: no keys: expected keyID:base64key[,keyID:base64key...]")
	}
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, entry := range strings.Split(spec, ",") {
		n := i + 1
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, fmt.Errorf("secretbox: entry %d is empty", n)
		}
		id, encoded, ok := strings.Cut(entry, ":")
		if !ok {
			return nil, fmt.Errorf("secretbox: entry %d: expected keyID:base64key", n)
		}
		if !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("secretbox: entry %d: key ID must be 1-32 lower-case letters, digits and hyphens", n)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("secretbox: entry %d: key ID %q appears more than once", n, id)
		}
		key, err := decodeKey(encoded)
		if err != nil {
			return nil, fmt.Errorf("secretbox: key %q: %w", id, err)
		}
		aead, err := newAEAD(key)
		if err != nil {
			return nil, fmt.Errorf("secretbox: key %q: %w", id, err)
		}
		k.aeads[id] = aead
		k.ids = append(k.ids, id)
	}
	k.current = k.ids[0]
	return k, nil
}

// GenerateSpec returns a keyring entry keyID:base64key with a fresh random key, to start a
// keyring or to put in front of one when rotating.
func GenerateSpec(keyID string) (string, error) {
	if !keyIDPattern.MatchString(keyID) {
		return "", errors.New("secretbox: key ID must be 1-32 lower-case letters, digits and hyphens")
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("secretbox: generate key: %w", err)
	}
	return keyID + ":" + base64.StdEncoding.EncodeToString(key), nil
}

// KeyIDs lists the keyring's key IDs, the current one first.
func (k *Keyring) KeyIDs() []string {
	return append([]string(nil), k.ids...)
}

// String describes the keyring by its key IDs only, so logging it reveals no key.
func (k *Keyring) String() string {
	return "secretbox.Keyring{" + strings.Join(k.ids, ",") + "}"
}

// GoString is String, so %#v reveals no key either.
func (k *Keyring) GoString() string { return k.String() }

func decodeKey(encoded string) ([]byte, error) {
	if encoded == "" {
		return nil, errors.New("no key after the colon")
	}
	key, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(encoded)
	}
	if err != nil {
		return nil, errors.New("key is not valid standard base64")
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("key is %d bytes, want %d", len(key), KeySize)
	}
	return key, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
