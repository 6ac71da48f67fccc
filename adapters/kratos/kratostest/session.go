package kratostest

import (
	"maps"
	"strings"
	"time"

	client "github.com/ory/kratos-client-go"
)

// Session is a Kratos session a test registers with AddSession. The constructors Valid,
// Expired, Inactive, Unverified and Blocked fill in the usual cases.
type Session struct {
	Email string
	// Name becomes the "name" trait when not empty.
	Name string
	// Verified marks the email address verified.
	Verified bool
	// Active is the session's active flag.
	Active bool
	// ExpiresAt is when the session expires; the zero time has long passed.
	ExpiresAt time.Time
	// IdentityState is the identity's state, "active" or "inactive"; empty means "active".
	IdentityState string
	// Traits are further identity traits, set over those made from Email and Name (e.g. a
	// "name" object with "first" and "last").
	Traits map[string]any
	// Raw serves the session verbatim, without the checks Kratos makes before answering, as a
	// misbehaving server would, or one that checked an instant before the session expired.
	Raw bool
}

// Valid is an active, verified admin session that expires in an hour.
func Valid(email string) Session {
	return Session{
		Email:         email,
		Name:          "Test Admin",
		Verified:      true,
		Active:        true,
		ExpiresAt:     time.Now().Add(time.Hour),
		IdentityState: "active",
	}
}

// Expired is Valid but expired a minute ago.
func Expired(email string) Session {
	s := Valid(email)
	s.ExpiresAt = time.Now().Add(-time.Minute)
	return s
}

// Inactive is Valid but no longer active, as after a logout or revocation.
func Inactive(email string) Session {
	s := Valid(email)
	s.Active = false
	return s
}

// Unverified is Valid but its email address has not been verified.
func Unverified(email string) Session {
	s := Valid(email)
	s.Verified = false
	return s
}

// Blocked is Valid but its identity has been deactivated.
func Blocked(email string) Session {
	s := Valid(email)
	s.IdentityState = "inactive"
	return s
}

// stored is a registered session with the IDs the server gave it.
type stored struct {
	Session
	id, identityID, addressID, deviceID string
	schemaURL                           string
	issuedAt                            time.Time
	// logoutToken is what the session's logout URL carries.
	logoutToken string
}

// state is the identity's state, defaulting to active.
func (s stored) state() string {
	if s.IdentityState == "" {
		return "active"
	}
	return s.IdentityState
}

// valid is Kratos's Session.IsActive: active, not expired, identity active.
func (s stored) valid(now time.Time) bool {
	return s.Active && s.ExpiresAt.After(now) && s.state() == "active"
}

// model is the session as Kratos serves it.
func (s stored) model() client.Session {
	aal := client.AUTHENTICATORASSURANCELEVEL_AAL1
	m := client.NewSession(s.id)
	m.SetActive(s.Active)
	m.SetExpiresAt(s.ExpiresAt.UTC())
	m.SetIssuedAt(s.issuedAt)
	m.SetAuthenticatedAt(s.issuedAt)
	m.SetAuthenticatorAssuranceLevel(aal)
	m.SetAuthenticationMethods([]client.SessionAuthenticationMethod{{
		Method: client.PtrString("password"), Aal: &aal, CompletedAt: client.PtrTime(s.issuedAt),
	}})
	m.SetDevices([]client.SessionDevice{{
		Id: s.deviceID, IpAddress: client.PtrString("127.0.0.1"), UserAgent: client.PtrString("Go-http-client/1.1"),
	}})
	m.SetIdentity(s.identity())
	return *m
}

// identity is the session's identity as Kratos serves it, credentials left out.
func (s stored) identity() client.Identity {
	traits := map[string]any{}
	if s.Email != "" {
		traits["email"] = s.Email
	}
	if s.Name != "" {
		traits["name"] = s.Name
	}
	maps.Copy(traits, s.Traits)

	id := client.NewIdentity(s.identityID, "default", s.schemaURL, traits)
	id.SetState(s.state())
	id.SetCreatedAt(s.issuedAt)
	id.SetUpdatedAt(s.issuedAt)
	id.SetStateChangedAt(s.issuedAt)
	if s.Email != "" {
		id.SetVerifiableAddresses([]client.VerifiableIdentityAddress{s.address()})
		id.SetRecoveryAddresses([]client.RecoveryIdentityAddress{{
			Id: s.addressID, Value: strings.ToLower(strings.TrimSpace(s.Email)), Via: "email", CreatedAt: &s.issuedAt, UpdatedAt: &s.issuedAt,
		}})
	}
	return *id
}

// address is the email address as a verifiable address, lower-cased as Kratos stores it.
func (s stored) address() client.VerifiableIdentityAddress {
	status := "sent"
	if s.Verified {
		status = "completed"
	}
	a := client.NewVerifiableIdentityAddress(status, strings.ToLower(strings.TrimSpace(s.Email)), s.Verified, "email")
	a.SetId(s.addressID)
	a.SetCreatedAt(s.issuedAt)
	a.SetUpdatedAt(s.issuedAt)
	if s.Verified {
		a.SetVerifiedAt(s.issuedAt)
	}
	return *a
}
