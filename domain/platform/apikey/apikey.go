// Package apikey is a partner's API key: how its token is made, read and checked.
//
// A token is "egk_" followed by the unpadded base64url encoding of the key ID, the tenant ID and
// 32 random bytes. Carrying the tenant lets the service check the key inside that tenant's
// transaction; the random part makes it unguessable. Only the SHA-256 of the token is stored.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/bidi"
)

// TokenPrefix marks Engage API keys so secret scanners and people recognise them.
const TokenPrefix = "egk_"

const (
	secretBytes = 32
	payloadLen  = 16 + 16 + secretBytes
)

// Errors about keys.
var (
	ErrMalformed = errors.New("malformed API key")
	ErrNotFound  = errors.New("API key not found")
	ErrRevoked   = errors.New("API key revoked")
	ErrExpired   = errors.New("API key expired")
	ErrInvalid   = errors.New("API key does not match")
	ErrName      = errors.New("name must be 1-100 characters, " + bidi.Rule)
)

// Key is a stored API key.
type Key struct {
	ID         uuid.UUID
	TenantID   uuid.UUID
	Name       string
	Role       access.Role
	SecretHash []byte
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	// ExpiresAt is set when the key was rotated: it keeps working until then.
	ExpiresAt *time.Time
}

// New makes a key for tenant and returns it with its token, which is shown once and never stored.
func New(tenant uuid.UUID, name string, role access.Role, now time.Time) (Key, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 || bidi.Contains(name) {
		return Key{}, "", ErrName
	}
	id := uuid.New()
	payload := make([]byte, 0, payloadLen)
	payload = append(payload, id[:]...)
	payload = append(payload, tenant[:]...)
	secret := make([]byte, secretBytes)
	if _, err := rand.Read(secret); err != nil {
		return Key{}, "", err
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(append(payload, secret...))
	return Key{ID: id, TenantID: tenant, Name: name, Role: role, SecretHash: hash(token), CreatedAt: now}, token, nil
}

// Parse reads the key and tenant IDs out of a token without checking it.
func Parse(token string) (keyID, tenant uuid.UUID, err error) {
	rest, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok {
		return uuid.Nil, uuid.Nil, ErrMalformed
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) != payloadLen {
		return uuid.Nil, uuid.Nil, ErrMalformed
	}
	copy(keyID[:], raw[:16])
	copy(tenant[:], raw[16:32])
	return keyID, tenant, nil
}

// Check verifies token against the key in constant time and that the key is live at now.
func (k Key) Check(token string, now time.Time) error {
	if subtle.ConstantTimeCompare(hash(token), k.SecretHash) != 1 {
		return ErrInvalid
	}
	return k.Live(now)
}

// Live reports why the key does not work at now, or nil when it does.
func (k Key) Live(now time.Time) error {
	if k.RevokedAt != nil {
		return ErrRevoked
	}
	if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
		return ErrExpired
	}
	return nil
}

// MaxOverlap bounds how long a rotated key keeps working beside its successor.
const MaxOverlap = 7 * 24 * time.Hour

// Successor makes the key that replaces k when it is rotated at now, and sets k to expire
// after overlap (clamped to 0..MaxOverlap), so both work while partners switch.
func (k *Key) Successor(now time.Time, overlap time.Duration) (Key, string, error) {
	if err := k.Live(now); err != nil {
		return Key{}, "", err
	}
	overlap = min(max(overlap, 0), MaxOverlap)
	next, token, err := New(k.TenantID, k.Name, k.Role, now)
	if err != nil {
		return Key{}, "", err
	}
	end := now.Add(overlap)
	k.ExpiresAt = &end
	return next, token, nil
}

// DisplayPrefix is the start of the key's token: enough to recognise it, too little to use it.
func (k Key) DisplayPrefix() string {
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(k.ID[:])[:8]
}

// Revoke marks the key revoked at now; revoking twice keeps the first time.
func (k *Key) Revoke(now time.Time) {
	if k.RevokedAt == nil {
		k.RevokedAt = &now
	}
}

func hash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
