package customerauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// TokenTTL is how long a customer token is valid; the Mini Program logs in again after it.
const TokenTTL = 2 * time.Hour

// TokenPrefix starts every customer token, so that it is recognised among credentials.
const TokenPrefix = "ect_"

// MinKeyLen is the shortest signing key accepted: as long as the HMAC-SHA256 output.
const MinKeyLen = sha256.Size

// Errors of customer tokens. ErrTokenExpired is also an ErrUnauthenticated.
var (
	ErrUnauthenticated = errors.New("customer token is invalid")
	ErrTokenExpired    = fmt.Errorf("%w: it has expired; log in again", ErrUnauthenticated)
	// ErrTokenRevoked: an admin asked the customer to authorise again, or changed their WeChat
	// links, after the token was issued.
	ErrTokenRevoked = fmt.Errorf("%w: it was revoked; log in again", ErrUnauthenticated)
)

// tokenVersion is the first byte of a token's payload, so that the layout can change.
const tokenVersion = 1

// payloadLen is version, tenant ID, customer ID, token ID and expiry (Unix seconds).
const payloadLen = 1 + 16 + 16 + 16 + 8

// Claims are what a customer token says: whose it is and until when.
type Claims struct {
	TenantID   uuid.UUID
	CustomerID uuid.UUID
	// TokenID tells tokens apart, for logs and any later revocation.
	TokenID   uuid.UUID
	ExpiresAt time.Time
}

// Tokens issues and verifies customer tokens: "ect_" and the Base64url of the claims followed
// by their HMAC-SHA256 under a key only Engage holds. They are stateless: verifying one needs
// no query.
type Tokens struct {
	key   []byte
	clock ports.Clock
}

// NewTokens returns Tokens signing with key, which must be at least MinKeyLen bytes.
func NewTokens(key []byte, clock ports.Clock) (*Tokens, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("customerauth: the token key must be at least %d bytes", MinKeyLen)
	}
	return &Tokens{key: key, clock: clock}, nil
}

// DeriveKey derives a token key from another secret every instance shares (in development,
// the platform key), as the console derives its CSRF key, so that the two never coincide.
func DeriveKey(secret string) []byte {
	sum := sha256.Sum256([]byte("engage customer tokens:" + secret))
	return sum[:]
}

// Issue returns a new token for customer of tenant, valid for TokenTTL, and its claims.
func (t *Tokens) Issue(tenant tenants.ID, customer uuid.UUID) (string, Claims) {
	c := Claims{TenantID: tenant.UUID(), CustomerID: customer, TokenID: uuid.New(),
		ExpiresAt: t.clock.Now().Add(TokenTTL).Truncate(time.Second)}
	payload := make([]byte, payloadLen, payloadLen+sha256.Size)
	payload[0] = tokenVersion
	copy(payload[1:], c.TenantID[:])
	copy(payload[17:], c.CustomerID[:])
	copy(payload[33:], c.TokenID[:])
	binary.BigEndian.PutUint64(payload[49:], uint64(c.ExpiresAt.Unix()))
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(append(payload, t.sign(payload)...)), c
}

// Verify checks token's signature, in constant time, and its expiry. Anything but a token this
// key signed that has not expired is ErrUnauthenticated (ErrTokenExpired once expired).
func (t *Tokens) Verify(token string) (Claims, error) {
	encoded, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok {
		return Claims{}, ErrUnauthenticated
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil || len(raw) != payloadLen+sha256.Size || !hmac.Equal(raw[payloadLen:], t.sign(raw[:payloadLen])) {
		return Claims{}, ErrUnauthenticated
	}
	if raw[0] != tokenVersion {
		return Claims{}, ErrUnauthenticated
	}
	c := Claims{
		TenantID:   uuid.UUID(raw[1:17]),
		CustomerID: uuid.UUID(raw[17:33]),
		TokenID:    uuid.UUID(raw[33:49]),
		ExpiresAt:  time.Unix(int64(binary.BigEndian.Uint64(raw[49:payloadLen])), 0).UTC(),
	}
	if !t.clock.Now().Before(c.ExpiresAt) {
		return Claims{}, ErrTokenExpired
	}
	return c, nil
}

// sign is the HMAC-SHA256 of a token's prefix and payload.
func (t *Tokens) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(TokenPrefix))
	m.Write(payload)
	return m.Sum(nil)
}
