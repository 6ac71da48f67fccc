package rewards

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
)

// CustomerData returns the catalog's part of a customer's data: their claims and vouchers,
// merged, downloaded and erased with the profile, in the caller's transaction.
func (s *Service) CustomerData() ports.CustomerData { return customerData{s: s} }

type customerData struct{ s *Service }

// Section implements ports.CustomerData.
func (customerData) Section() string { return "rewards" }

// Merge implements ports.CustomerData: the duplicate's claims and vouchers become the
// survivor's (a key both used keeps the survivor's; the duplicate's gets its old customer ID
// appended).
func (d customerData) Merge(ctx context.Context, from, into uuid.UUID) error {
	return d.s.deps.Repo.Move(ctx, from, into)
}

// Export implements ports.CustomerData.
func (d customerData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	return d.s.deps.Repo.Download(ctx, customer)
}

// Erase implements ports.CustomerData: the reasons staff wrote for cancelling vouchers, which
// may say something about the person, go; the claims, their amounts and the vouchers stay, as
// the ledger's do.
func (d customerData) Erase(ctx context.Context, customer uuid.UUID) error {
	return d.s.deps.Repo.EraseReasons(ctx, customer)
}
