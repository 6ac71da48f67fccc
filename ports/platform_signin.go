package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Errors of local sign-in.
var (
	ErrLoginLinkUsed   = errors.New("login link unknown, used or expired")
	ErrSessionNotFound = errors.New("session unknown, revoked or expired")
)

// LocalSignIn keeps development sign-in links and the sessions they open. Platform-level by
// design: sign-in happens before any tenant is chosen.
type LocalSignIn interface {
	CreateLink(ctx context.Context, id, userID uuid.UUID, expires time.Time) error
	// UseLink marks the link used and returns its user, or ErrLoginLinkUsed.
	UseLink(ctx context.Context, id uuid.UUID, now time.Time) (uuid.UUID, error)
	CreateSession(ctx context.Context, tokenHash []byte, userID uuid.UUID, expires time.Time) error
	// Session returns the user of a live session, or ErrSessionNotFound.
	Session(ctx context.Context, tokenHash []byte, now time.Time) (uuid.UUID, error)
	RevokeSession(ctx context.Context, tokenHash []byte, now time.Time) error
}

// Identity is an admin identity as the identity provider vouches for it.
type Identity struct {
	ID            string // the provider's identity ID
	Email         string // lower-cased
	EmailVerified bool   // the provider verified this email address
	Name          string
	// SessionID names the session this identity was checked with (Kratos's session ID, or the
	// local session's): the console binds its CSRF token to it, never to a cookie's value.
	SessionID string
}

// ErrNoSession is returned for an unknown, expired or inactive session, or when the request
// carries no session at all: the caller answers 401.
var ErrNoSession = errors.New("no valid session")

// IdentityProvider checks an admin's session: a session cookie header value (the whole Cookie
// header) or a session token.
type IdentityProvider interface {
	// Session returns the identity behind the session, ErrNoSession when there is no valid
	// one, or another error when the provider cannot be asked (the caller answers 5xx).
	Session(ctx context.Context, cookie, token string) (Identity, error)
}
