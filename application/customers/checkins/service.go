// Package checkins is members checking in at a brand's stores: the Mini Program shows the
// member's QR code, which changes every minute, and store staff scan it; the check-in is a
// visit in the member's activity stream.
package checkins

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/membercode"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Errors of a check-in, besides membercode's ErrMalformed, ErrBadSignature, ErrExpired and
// ErrNotYetValid.
var (
	// ErrWrongTenant: the code is genuine but another brand's.
	ErrWrongTenant = errors.New("the member code is another brand's")
	// ErrCodeUsed: the code checked the member in already.
	ErrCodeUsed = errors.New("the member code was used already; show the current one")
)

// Deps are what the service needs.
type Deps struct {
	Members ports.MemberStatusReader
	Tx      ports.Transactor
	Events  *events.Service
	// Key signs member codes (see membercode.DeriveKey); at least membercode.MinKeyLen bytes.
	Key   []byte
	Clock ports.Clock
}

// Service makes member codes and checks members in with them.
type Service struct {
	d      Deps
	signer *membercode.Signer
}

// NewService returns the service, or an error for a key that is too short.
func NewService(d Deps) (*Service, error) {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	signer, err := membercode.NewSigner(d.Key)
	if err != nil {
		return nil, err
	}
	return &Service{d: d, signer: signer}, nil
}

// Code is a member's current code.
type Code struct {
	Code string
	// RefreshAt is when the next code is made: show it from then on.
	RefreshAt time.Time
	// ExpiresAt is when this code stops being accepted.
	ExpiresAt time.Time
}

// Code returns the member's code for this minute.
func (s *Service) Code(tenant tenants.ID, customer uuid.UUID) Code {
	code, expires := s.signer.Issue(tenant.UUID(), customer, s.d.Clock.Now())
	return Code{Code: code, RefreshAt: expires.Add(-membercode.Period), ExpiresAt: expires}
}

// CheckIn is a member checked in.
type CheckIn struct {
	CustomerID uuid.UUID
	Member     ports.MemberStatus
	// EventID is the visit recorded, derived from the code.
	EventID string
	At      time.Time
}

// CheckIn verifies a member code scanned at store and records the member's visit (channel pos)
// in the activity stream. The visit's ID is derived from the code, so a code checks in once:
// sending it again is ErrCodeUsed, and a retry cannot count twice. Refusals, in the order
// checked: membercode.ErrMalformed, membercode.ErrBadSignature, ErrWrongTenant,
// membercode.ErrExpired or ErrNotYetValid, ports.ErrCustomerNotFound (erased since), ErrCodeUsed.
func (s *Service) CheckIn(ctx context.Context, tenant tenants.ID, code, store string) (CheckIn, error) {
	now := s.d.Clock.Now()
	c, err := s.read(tenant, code, now)
	if err != nil {
		return CheckIn{}, err
	}
	out := CheckIn{CustomerID: c.CustomerID, EventID: c.EventID(), At: now}
	results, err := s.d.Events.IngestBatch(ctx, tenant, []event.Draft{{ID: out.EventID, CustomerID: c.CustomerID.String(),
		Type: event.TypeVisit, Channel: "pos", OccurredAt: now, Store: store, Payload: map[string]any{"source": "member_code"}}})
	if err != nil {
		return CheckIn{}, err
	}
	switch r := results[0]; {
	case r.Status == events.Duplicate:
		return CheckIn{}, ErrCodeUsed
	case r.Code == events.CodeUnknownCustomer:
		return CheckIn{}, ports.ErrCustomerNotFound
	case r.Status == events.Rejected:
		return CheckIn{}, r.Errors[0]
	}
	out.Member, err = ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) (ports.MemberStatus, error) {
		return s.d.Members.MemberStatus(ctx, c.CustomerID)
	})
	return out, err
}

// Identify returns the customer a member code the member shows names, for a partner reading
// what other modules hold of them (their tier): membercode.ErrMalformed, ErrBadSignature,
// ErrWrongTenant, ErrExpired or ErrNotYetValid as CheckIn refuses it. Nothing is recorded.
func (s *Service) Identify(tenant tenants.ID, code string) (uuid.UUID, error) {
	c, err := s.read(tenant, code, s.d.Clock.Now())
	return c.CustomerID, err
}

// read verifies a member code of tenant at now.
func (s *Service) read(tenant tenants.ID, code string, now time.Time) (membercode.Code, error) {
	c, err := s.signer.Read(code)
	if err != nil {
		return membercode.Code{}, err
	}
	if c.TenantID != tenant.UUID() {
		return membercode.Code{}, ErrWrongTenant
	}
	return c, c.Check(now)
}
