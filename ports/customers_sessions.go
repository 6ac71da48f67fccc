package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// CustomerSessions keeps when each customer's tokens were cut off, in the caller's tenant
// transaction.
type CustomerSessions interface {
	// NotBefore reports whether the customer exists and, when their tokens were cut off, the
	// moment tokens must have been issued at or after (zero when never cut off). It is on
	// every customer request's path: one indexed read.
	NotBefore(ctx context.Context, customer uuid.UUID) (exists bool, notBefore time.Time, err error)
	// CutOff refuses the customer's tokens issued before notBefore.
	CutOff(ctx context.Context, customer uuid.UUID, notBefore time.Time) error
	// Admit lowers the cut-off to at when it is later: the customer has just logged in.
	Admit(ctx context.Context, customer uuid.UUID, at time.Time) error
}

// ActorCustomer is a brand's customer acting for themselves, through the Mini Program.
const ActorCustomer ActorKind = "customer"

// RefreshFamily is a customer's refresh tokens since one login: the row says which
// generation's token is current; the tokens themselves are signed, not stored.
type RefreshFamily struct {
	ID         uuid.UUID
	CustomerID uuid.UUID
	Generation int64
	// AuthenticatedAt is when the login the family descends from happened.
	AuthenticatedAt time.Time
	RefreshedAt     *time.Time
	ExpiresAt       time.Time
	RevokedAt       *time.Time
	RevokedReason   string
}

// ErrRefreshFamilyNotFound is a family the brand does not have (never, or purged).
var ErrRefreshFamilyNotFound = errors.New("no such refresh token family")

// CustomerRefreshFamilies keeps customers' refresh token families in the caller's tenant
// transaction.
type CustomerRefreshFamilies interface {
	Insert(ctx context.Context, f RefreshFamily) error
	// Lock returns family id locked for the transaction, or ErrRefreshFamilyNotFound.
	Lock(ctx context.Context, id uuid.UUID) (RefreshFamily, error)
	// Update stores f's generation, refresh, expiry and revocation.
	Update(ctx context.Context, f RefreshFamily) error
	// Purge deletes the customer's families that expired before at or were revoked before it.
	Purge(ctx context.Context, customer uuid.UUID, at time.Time) error
}
