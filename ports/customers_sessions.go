package ports

import (
	"context"
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
