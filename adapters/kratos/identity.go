package kratos

import (
	"errors"
	"fmt"
	"strings"
	"time"

	client "github.com/ory/kratos-client-go"

	"github.com/engagehq/engage/ports"
)

// identityOf checks a session Kratos answered with as of now and returns its identity. A
// session that is not active, has expired or has no expiry, or belongs to an identity that is
// not active is ports.ErrNoSession: Kratos should not have answered with it, and a raced or
// misconfigured server must not let it in. A session without an identity or an email is an
// error the operator has to fix, so it is not ErrNoSession either; so is a session without an ID.
func identityOf(s *client.Session, now time.Time) (ports.Identity, error) {
	if !s.GetActive() {
		return ports.Identity{}, ports.ErrNoSession
	}
	if exp, ok := s.GetExpiresAtOk(); !ok || !exp.After(now) {
		return ports.Identity{}, ports.ErrNoSession
	}
	if s.GetId() == "" {
		// The console binds its CSRF token to the session's ID: one without is unusable.
		return ports.Identity{}, errors.New("kratos: session without an ID")
	}
	id, ok := s.GetIdentityOk()
	if !ok || id.GetId() == "" {
		return ports.Identity{}, fmt.Errorf("kratos: session %s has no identity", s.GetId())
	}
	if id.GetState() != "active" {
		return ports.Identity{}, ports.ErrNoSession
	}
	traits, _ := id.GetTraits().(map[string]any)
	email, _ := traits["email"].(string)
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return ports.Identity{}, fmt.Errorf("kratos: identity %s has no email trait", id.GetId())
	}
	return ports.Identity{
		ID:            id.GetId(),
		Email:         email,
		EmailVerified: verified(id.GetVerifiableAddresses(), email),
		Name:          name(traits["name"]),
		SessionID:     s.GetId(),
	}, nil
}

// verified reports whether one of addresses is email and has been verified.
func verified(addresses []client.VerifiableIdentityAddress, email string) bool {
	for _, a := range addresses {
		if a.GetVerified() && strings.EqualFold(strings.TrimSpace(a.GetValue()), email) {
			return true
		}
	}
	return false
}

// name reads the name trait: a string, or an object with first and last names.
func name(trait any) string {
	switch v := trait.(type) {
	case string:
		return strings.TrimSpace(v)
	case map[string]any:
		first, _ := v["first"].(string)
		last, _ := v["last"].(string)
		return strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
	default:
		return ""
	}
}
