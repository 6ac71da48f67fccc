// Package signin is local development sign-in, for when no Kratos is configured: a signed,
// single-use link valid for 15 minutes opens a session for an admin. It refuses to work in
// production.
package signin

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
)

// Lifetimes of links and sessions.
const (
	LinkTTL    = 15 * time.Minute
	SessionTTL = 12 * time.Hour
)

// Errors of local sign-in.
var (
	ErrDisabled    = errors.New("local sign-in links are disabled in production: configure Kratos")
	ErrInvalidLink = errors.New("sign-in link is invalid, expired or already used")
)

// Deps are what the service needs.
type Deps struct {
	Users ports.AdminUserRepository
	Store ports.LocalSignIn
	// Clock defaults to the wall clock.
	Clock ports.Clock
	// Key signs links.
	Key []byte
	// Production disables every method.
	Production bool
}

// Service issues and redeems links, and checks the sessions they open.
type Service struct {
	users      ports.AdminUserRepository
	store      ports.LocalSignIn
	clock      ports.Clock
	key        []byte
	production bool
}

// NewService returns the service. In production every method refuses.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{users: d.Users, store: d.Store, clock: d.Clock, key: d.Key, production: d.Production}
}

// IssueLink returns a link token for the admin with email.
func (s *Service) IssueLink(ctx context.Context, email string) (string, error) {
	if s.production {
		return "", ErrDisabled
	}
	u, err := s.users.ByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	id := uuid.New()
	expires := s.clock.Now().Add(LinkTTL).Truncate(time.Second)
	if err := s.store.CreateLink(ctx, id, u.ID, expires); err != nil {
		return "", err
	}
	payload := make([]byte, 24, 24+sha256.Size)
	copy(payload, id[:])
	binary.BigEndian.PutUint64(payload[16:], uint64(expires.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(payload, s.sign(payload)...)), nil
}

// Redeem spends a link token and returns a new session token.
func (s *Service) Redeem(ctx context.Context, token string) (string, error) {
	if s.production {
		return "", ErrDisabled
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 24+sha256.Size || !hmac.Equal(raw[24:], s.sign(raw[:24])) {
		return "", ErrInvalidLink
	}
	now := s.clock.Now()
	if now.Unix() >= int64(binary.BigEndian.Uint64(raw[16:24])) {
		return "", ErrInvalidLink
	}
	user, err := s.store.UseLink(ctx, uuid.UUID(raw[:16]), now)
	if errors.Is(err, ports.ErrLoginLinkUsed) {
		return "", ErrInvalidLink
	}
	if err != nil {
		return "", err
	}
	return s.OpenSession(ctx, user)
}

// OpenSession opens a session for user, whom something else proved (a spent link: a sign-in
// link, or an invitation's), and returns its token.
func (s *Service) OpenSession(ctx context.Context, user uuid.UUID) (string, error) {
	if s.production {
		return "", ErrDisabled
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	session := base64.RawURLEncoding.EncodeToString(secret)
	return session, s.store.CreateSession(ctx, hash(session), user, s.clock.Now().Add(SessionTTL))
}

// Session implements ports.IdentityProvider for local sessions: the token, or the
// engage_session cookie, names an open session.
func (s *Service) Session(ctx context.Context, cookie, token string) (ports.Identity, error) {
	if s.production {
		return ports.Identity{}, ports.ErrNoSession
	}
	if token == "" {
		token = cookieValue(cookie, SessionCookie)
	}
	if token == "" {
		return ports.Identity{}, ports.ErrNoSession
	}
	sum := hash(token)
	user, err := s.store.Session(ctx, sum, s.clock.Now())
	if errors.Is(err, ports.ErrSessionNotFound) {
		return ports.Identity{}, ports.ErrNoSession
	}
	if err != nil {
		return ports.Identity{}, err
	}
	u, err := s.users.Get(ctx, user)
	if err != nil {
		return ports.Identity{}, err
	}
	// The session is named by its token's hash, which is how the store knows it.
	return ports.Identity{ID: u.IdentityID, Email: u.Email, EmailVerified: true, Name: u.Name, SessionID: hex.EncodeToString(sum)}, nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.store.RevokeSession(ctx, hash(token), s.clock.Now())
}

// SessionCookie is the cookie that carries a local session.
const SessionCookie = "engage_session"

func (s *Service) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	return m.Sum(nil)
}

func hash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
