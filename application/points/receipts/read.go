package receipts

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// MaxPage bounds a page of receipts (the API asks for one more than it shows).
const MaxPage = 1001

// List returns the brand's receipts matching q, newest first.
func (s *Service) List(ctx context.Context, tenant tenants.ID, q Query, page ports.Page) ([]receipts.Receipt, error) {
	if page.Limit <= 0 || page.Limit > MaxPage {
		page.Limit = 51
	}
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]receipts.Receipt, error) {
		return s.deps.Repo.List(ctx, q, page)
	})
}

// Get returns one of the brand's receipts, or ErrNotFound.
func (s *Service) Get(ctx context.Context, tenant tenants.ID, id uuid.UUID) (receipts.Receipt, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (receipts.Receipt, error) {
		return s.deps.Repo.Get(ctx, id, false)
	})
}

// Mine returns one of customer's receipts, or ErrNotFound (another customer's too).
func (s *Service) Mine(ctx context.Context, tenant tenants.ID, customer, id uuid.UUID) (receipts.Receipt, error) {
	r, err := s.Get(ctx, tenant, id)
	if err == nil && r.Customer != customer {
		return receipts.Receipt{}, ErrNotFound
	}
	return r, err
}

// Image returns a receipt's photo and its type, or ErrNotFound (also once the customer's data
// was erased).
func (s *Service) Image(ctx context.Context, tenant tenants.ID, id uuid.UUID) ([]byte, string, error) {
	r, err := s.Get(ctx, tenant, id)
	if err != nil {
		return nil, "", err
	}
	if r.ImageKey == "" {
		return nil, "", ErrNotFound
	}
	data, _, err := s.deps.Blobs.Get(ctx, tenant, r.ImageKey)
	if errors.Is(err, ports.ErrBlobNotFound) {
		return nil, "", ErrNotFound
	}
	return data, r.ContentType, err
}

// Pending returns how many receipts wait for a decision.
func (s *Service) Pending(ctx context.Context, tenant tenants.ID) (int, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (int, error) {
		return s.deps.Repo.Count(ctx, receipts.Pending)
	})
}

// Settings returns the brand's receipt settings.
func (s *Service) Settings(ctx context.Context, tenant tenants.ID) (receipts.Settings, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (receipts.Settings, error) {
		return s.deps.Repo.Settings(ctx)
	})
}

// SetSettings replaces the brand's receipt settings, audited; settings at fault are field
// errors. They apply to receipts read from then on.
func (s *Service) SetSettings(ctx context.Context, tenant tenants.ID, settings receipts.Settings) error {
	if settings.Stores == nil {
		settings.Stores = []receipts.Store{}
	}
	if err := settings.Check(); err != nil {
		return err
	}
	return s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.deps.Repo.Settings(ctx)
		if err != nil {
			return err
		}
		if err := s.deps.Repo.PutSettings(ctx, settings); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "receipt_settings.set", TargetType: "receipt_settings",
			TargetID: "settings", Before: before, After: settings})
	})
}

// CustomerData returns the receipts part of a customer's data: merged, downloaded and erased
// with the profile, in the caller's transaction.
func (s *Service) CustomerData() ports.CustomerData { return customerData{s: s} }

type customerData struct{ s *Service }

// Section implements ports.CustomerData.
func (customerData) Section() string { return "receipts" }

// Merge implements ports.CustomerData: the duplicate's receipts become the survivor's.
func (d customerData) Merge(ctx context.Context, from, into uuid.UUID) error {
	return d.s.deps.Repo.Move(ctx, from, into)
}

// exported is a receipt in a customer's data download.
type exported struct {
	ID        uuid.UUID       `json:"id"`
	Status    receipts.Status `json:"status"`
	Fields    receipts.Fields `json:"fields"`
	Reason    receipts.Reason `json:"reason,omitempty"`
	Points    int64           `json:"points,omitempty"`
	Text      string          `json:"ocr_text,omitempty"`
	Flags     []receipts.Flag `json:"flags"`
	CreatedAt string          `json:"created_at"`
	Photo     bool            `json:"photo_kept"`
}

// Export implements ports.CustomerData: the receipts, what was read from them and what they
// earned (the photos stay in the blob store).
func (d customerData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	rs, err := d.s.deps.Repo.OfCustomer(ctx, customer)
	if err != nil {
		return nil, err
	}
	out := make([]exported, len(rs))
	for i, r := range rs {
		flags := r.Flags
		if flags == nil {
			flags = []receipts.Flag{}
		}
		out[i] = exported{ID: r.ID, Status: r.Status, Fields: r.Fields, Reason: r.Reason, Points: r.Points, Text: r.Text, Flags: flags,
			CreatedAt: r.CreatedAt.UTC().Format("2006-01-02T15:04:05Z07:00"), Photo: r.ImageKey != ""}
	}
	return out, nil
}

// Erase implements ports.CustomerData: the photos and OCR text go (they may show a name, a
// phone, a card number); amounts, dates and statuses stay, as the ledger does.
func (d customerData) Erase(ctx context.Context, customer uuid.UUID) error {
	keys, err := d.s.deps.Repo.Erase(ctx, customer)
	if err != nil {
		return err
	}
	tenant, err := d.s.deps.Locals.Tenant(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := d.s.deps.Blobs.Delete(ctx, tenant, k); err != nil {
			return err
		}
	}
	return nil
}
