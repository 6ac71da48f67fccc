package customerauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// RefreshPrefix starts every refresh token.
const RefreshPrefix = "ecr_"

// RefreshTTL is how long a refresh token stays valid unused: each refresh gives a new one for
// as long again, up to RefreshFamilyTTL after the login.
const RefreshTTL = 30 * 24 * time.Hour

// RefreshFamilyTTL is how long after a login its refresh tokens can be used at all: then the
// Mini Program logs in again.
const RefreshFamilyTTL = 90 * 24 * time.Hour

// Errors of refresh tokens, each also an ErrUnauthenticated.
var (
	ErrRefreshInvalid = fmt.Errorf("%w: the refresh token is invalid", ErrUnauthenticated)
	ErrRefreshExpired = fmt.Errorf("%w: the refresh token has expired; log in again", ErrUnauthenticated)
	// ErrRefreshRevoked: the token's family was revoked (a reuse, or the customer's tokens
	// were cut off).
	ErrRefreshRevoked = fmt.Errorf("%w: the refresh token was revoked; log in again", ErrUnauthenticated)
	// ErrRefreshReused: a refresh token already exchanged came back. Its family is revoked and
	// the customer's tokens are cut off: one of the two holders is not the customer.
	ErrRefreshReused = fmt.Errorf("%w: the refresh token was used already; every token of the customer is revoked, log in again", ErrUnauthenticated)
)

// refreshVersion is the first byte of a refresh token's payload.
const refreshVersion = 1

// refreshLen is version, tenant ID, family ID and generation.
const refreshLen = 1 + 16 + 16 + 8

// refreshClaims are what a refresh token says: which family, at which generation.
type refreshClaims struct {
	TenantID   uuid.UUID
	FamilyID   uuid.UUID
	Generation int64
}

// refreshTokens signs and checks refresh tokens: "ecr_" and the Base64url of the claims and
// their HMAC-SHA256 under a key derived from the customer token key. Every generation of a
// family has its own token, so an older one is told apart from the current one without
// storing either.
type refreshTokens struct{ key []byte }

func newRefreshTokens(tokenKey []byte) refreshTokens {
	m := hmac.New(sha256.New, tokenKey)
	m.Write([]byte("engage customer refresh tokens"))
	return refreshTokens{key: m.Sum(nil)}
}

func (r refreshTokens) issue(c refreshClaims) string {
	payload := make([]byte, refreshLen, refreshLen+sha256.Size)
	payload[0] = refreshVersion
	copy(payload[1:], c.TenantID[:])
	copy(payload[17:], c.FamilyID[:])
	binary.BigEndian.PutUint64(payload[33:], uint64(c.Generation))
	return RefreshPrefix + base64.RawURLEncoding.EncodeToString(append(payload, r.sign(payload)...))
}

func (r refreshTokens) verify(token string) (refreshClaims, error) {
	encoded, ok := strings.CutPrefix(token, RefreshPrefix)
	if !ok {
		return refreshClaims{}, ErrRefreshInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil || len(raw) != refreshLen+sha256.Size || !hmac.Equal(raw[refreshLen:], r.sign(raw[:refreshLen])) ||
		raw[0] != refreshVersion {
		return refreshClaims{}, ErrRefreshInvalid
	}
	return refreshClaims{TenantID: uuid.UUID(raw[1:17]), FamilyID: uuid.UUID(raw[17:33]),
		Generation: int64(binary.BigEndian.Uint64(raw[33:]))}, nil
}

func (r refreshTokens) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, r.key)
	m.Write([]byte(RefreshPrefix))
	m.Write(payload)
	return m.Sum(nil)
}
