package ports

import (
	"context"
	"errors"
)

// Identity is an admin identity as the identity provider vouches for it.
type Identity struct {
	ID            string // the provider's identity ID
	Email         string // lower-cased
	EmailVerified bool   // the provider verified this email address
	Name          string
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
