package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Errors of erasing customers.
var (
	// ErrCustomerErased is returned for a change that would put personal data back on an
	// erased customer, or that needs a customer whose data is erased.
	ErrCustomerErased = errors.New("the customer's personal data was erased")
	// ErrErasurePending is returned when the customer already has an open erasure request.
	ErrErasurePending = errors.New("the customer has an erasure request pending")
	// ErrErasureNotFound is returned for an unknown erasure request.
	ErrErasureNotFound = errors.New("no such erasure request")
)

// CustomerState is what merging and erasing need to know of a customer besides the profile.
type CustomerState struct {
	ID uuid.UUID
	// Erased says the customer's personal data was erased.
	Erased bool
	// ErasurePending says an erasure request of the customer is open.
	ErasurePending bool
}

// ErasureStatus is where an erasure request stands.
type ErasureStatus string

// Erasure statuses.
const (
	ErasurePending   ErasureStatus = "pending"
	ErasureCancelled ErasureStatus = "cancelled"
	ErasureDone      ErasureStatus = "done"
)

// Who asked for an erasure.
const (
	ErasureByCustomer = "customer"
	ErasureByAdmin    = "admin"
)

// Erasure is a request to erase a customer's personal data.
type Erasure struct {
	ID          uuid.UUID
	CustomerID  uuid.UUID
	RequestedBy string
	Status      ErasureStatus
	RequestedAt time.Time
	// DueAt is when the job carries it out.
	DueAt time.Time
	// ClosedAt is when it was done or cancelled.
	ClosedAt *time.Time
}

// ErasureRepository keeps erasure requests and erases profiles, in the caller's tenant
// transaction.
type ErasureRepository interface {
	// State returns the customer's erasure state, or ErrCustomerNotFound.
	State(ctx context.Context, customer uuid.UUID) (CustomerState, error)
	// Insert records a new request, or returns ErrErasurePending.
	Insert(ctx context.Context, e Erasure) error
	// Lock returns the request, locked, or ErrErasureNotFound.
	Lock(ctx context.Context, id uuid.UUID) (Erasure, error)
	// Pending returns the customer's open request, or ErrErasureNotFound.
	Pending(ctx context.Context, customer uuid.UUID) (Erasure, error)
	// Close marks a pending request done or cancelled at at.
	Close(ctx context.Context, id uuid.UUID, status ErasureStatus, at time.Time) error
	// List returns requests newest first; the position is a request ID.
	List(ctx context.Context, page Page) ([]Erasure, error)
	// EraseProfile clears the profile's personal fields (external ID, name, birth date, phone,
	// email, avatar, address, consents, attributes) and marks it erased at at.
	EraseProfile(ctx context.Context, customer uuid.UUID, at time.Time) error
}
