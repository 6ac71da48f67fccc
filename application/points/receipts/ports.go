package receipts

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// ErrImageTaken is a Repository.Insert that met a receipt with the same photo stored since
// the caller looked: the upload looks again and finds it.
var ErrImageTaken = errors.New("receipts: a receipt with this photo was stored concurrently")

// Query filters a list of receipts; zero fields match every receipt.
type Query struct {
	Customer uuid.UUID
	Status   receipts.Status
}

// Repository keeps receipts and the brand's receipt settings, in the caller's tenant
// transaction.
type Repository interface {
	// Insert stores a new receipt: ErrImageTaken when the brand has its photo,
	// ports.ErrCustomerNotFound when its customer does not exist.
	Insert(ctx context.Context, r receipts.Receipt) error
	// ByImage returns the receipt with the photo whose SHA-256 is hash, if any.
	ByImage(ctx context.Context, hash []byte) (receipts.Receipt, bool, error)
	// Get returns a receipt, locked for update when lock (in a write transaction), or
	// ErrNotFound.
	Get(ctx context.Context, id uuid.UUID, lock bool) (receipts.Receipt, error)
	// Update saves what may change of a receipt: what was read, its status and decision,
	// and what it earned.
	Update(ctx context.Context, r receipts.Receipt) error
	// NumberApproved reports whether a receipt other than except, of store (the brand's
	// store code, "" for none) with number, is approved. It first takes a transaction lock on
	// the store and number, so that two transactions approving the same number go one after
	// the other.
	NumberApproved(ctx context.Context, store, number string, except uuid.UUID) (bool, error)
	// List returns up to page.Limit receipts matching q, newest first; the position is a
	// receipt ID.
	List(ctx context.Context, q Query, page ports.Page) ([]receipts.Receipt, error)
	// Count returns how many receipts have status.
	Count(ctx context.Context, status receipts.Status) (int, error)
	// Settings returns the brand's receipt settings, receipts.Defaults() when it set none.
	Settings(ctx context.Context) (receipts.Settings, error)
	// PutSettings replaces them.
	PutSettings(ctx context.Context, s receipts.Settings) error
	// Move makes the receipts of from those of into.
	Move(ctx context.Context, from, into uuid.UUID) error
	// Erase forgets the photos and OCR text of customer's receipts and returns the photos'
	// keys, for the blob store to delete; amounts and statuses stay.
	Erase(ctx context.Context, customer uuid.UUID) ([]string, error)
	// OfCustomer returns every receipt of customer, oldest first.
	OfCustomer(ctx context.Context, customer uuid.UUID) ([]receipts.Receipt, error)
}

// ErrNotFound is a receipt that does not exist in the brand (or is not the customer's).
var ErrNotFound = errors.New("no such receipt")

// Earner earns a purchase's points at once, crediting a purchase ID once however often it is
// asked: the points module's till (points.Service.EarnPurchase).
type Earner interface {
	EarnPurchase(ctx context.Context, tenant tenants.ID, p points.Purchase) (points.Earning, error)
}
