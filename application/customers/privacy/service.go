// Package privacy is the use cases of a customer's rights under PIPL: downloading everything
// the brand keeps about them, and erasing their personal data while ledgers and aggregates
// stay consistent.
package privacy

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// CoolingOff is how long a customer's own erasure request waits before it is carried out: a
// week in which they can change their mind (a lost account cannot be given back). Admins'
// requests, made on a customer's verified demand, are carried out at once.
const CoolingOff = 7 * 24 * time.Hour

// EraseArgs is the job that carries out an erasure request when it falls due.
type EraseArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	ErasureID uuid.UUID `json:"erasure_id"`
}

// Kind names the job.
func (EraseArgs) Kind() string { return "customer_erase" }

// Deps are what the service needs.
type Deps struct {
	Tx        ports.Transactor
	Customers ports.CustomerRepository
	Erasures  ports.ErasureRepository
	// Data are every module's part of a customer, exported and erased in order.
	Data []ports.CustomerData
	// Sessions ends an erased customer's sessions in the Mini Program.
	Sessions ports.CustomerSessions
	Jobs     ports.JobScheduler
	Audit    ports.AuditLog
	Tenants  *tenants.Directory
	Clock    ports.Clock
	// Webhooks publishes customer.erased (the ID only) to the brand's endpoints, after every
	// module erased its part; nil publishes nothing.
	Webhooks ports.EventPublisher
}

// Service runs the privacy use cases.
type Service struct{ d Deps }

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{d: d}
}

// Download is everything the brand keeps about a customer.
type Download struct {
	Customer customer.Customer
	// Sections are each module's part, by section name.
	Sections   map[string]any
	ExportedAt time.Time
}

// Export gathers the customer's data from every module in one transaction, so the parts agree,
// and records the download in the audit trail (who downloaded whose data, nothing of it).
func (s *Service) Export(ctx context.Context, tenant tenants.ID, id uuid.UUID) (Download, error) {
	out := Download{Sections: map[string]any{}, ExportedAt: s.d.Clock.Now()}
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		var err error
		if out.Customer, err = s.d.Customers.Get(ctx, id); err != nil {
			return err
		}
		for _, d := range s.d.Data {
			v, err := d.Export(ctx, id)
			if err != nil {
				return fmt.Errorf("export %s: %w", d.Section(), err)
			}
			if v != nil { // a part with nothing of its own to download is left out
				out.Sections[d.Section()] = v
			}
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customer.data_export", TargetType: "customer", TargetID: id.String(),
			After: map[string]any{"sections": len(s.d.Data)}})
	})
	return out, err
}

// RequestErasure records a request to erase the customer's personal data, by the customer
// themselves (carried out after CoolingOff) or by an admin (at once), and schedules the job.
func (s *Service) RequestErasure(ctx context.Context, tenant tenants.ID, id uuid.UUID, by string) (ports.Erasure, error) {
	now := s.d.Clock.Now()
	e := ports.Erasure{ID: uuid.New(), CustomerID: id, RequestedBy: by, Status: ports.ErasurePending, RequestedAt: now, DueAt: now}
	if by == ports.ErasureByCustomer {
		e.DueAt = now.Add(CoolingOff)
	}
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		st, err := s.d.Erasures.State(ctx, id)
		switch {
		case err != nil:
			return err
		case st.Erased:
			return ports.ErrCustomerErased
		}
		if err := s.d.Erasures.Insert(ctx, e); err != nil {
			return err
		}
		if err := s.d.Jobs.Enqueue(ctx, EraseArgs{TenantID: tenant.UUID(), ErasureID: e.ID}, ports.JobOptions{RunAt: e.DueAt}); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customer.erasure_request", TargetType: "customer", TargetID: id.String(),
			After: map[string]any{"erasure_id": e.ID.String(), "requested_by": by, "due_at": e.DueAt}})
	})
	return e, err
}

// State says whether the customer's data is erased, or about to be.
func (s *Service) State(ctx context.Context, tenant tenants.ID, id uuid.UUID) (ports.CustomerState, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) (ports.CustomerState, error) {
		return s.d.Erasures.State(ctx, id)
	})
}

// PendingErasure returns the customer's open erasure request, or ports.ErrErasureNotFound.
func (s *Service) PendingErasure(ctx context.Context, tenant tenants.ID, id uuid.UUID) (ports.Erasure, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) (ports.Erasure, error) {
		return s.d.Erasures.Pending(ctx, id)
	})
}

// CancelErasure withdraws the customer's open erasure request before it is carried out.
func (s *Service) CancelErasure(ctx context.Context, tenant tenants.ID, id uuid.UUID) (ports.Erasure, error) {
	var out ports.Erasure
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		p, err := s.d.Erasures.Pending(ctx, id)
		if err != nil {
			return err
		}
		if out, err = s.d.Erasures.Lock(ctx, p.ID); err != nil {
			return err
		}
		now := s.d.Clock.Now()
		if err := s.d.Erasures.Close(ctx, out.ID, ports.ErasureCancelled, now); err != nil {
			return err
		}
		out.Status, out.ClosedAt = ports.ErasureCancelled, &now
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customer.erasure_cancel", TargetType: "customer", TargetID: id.String(),
			After: map[string]any{"erasure_id": out.ID.String()}})
	})
	return out, err
}

// Erasures lists the brand's erasure requests, newest first.
func (s *Service) Erasures(ctx context.Context, tenant tenants.ID, page ports.Page) ([]ports.Erasure, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) ([]ports.Erasure, error) {
		return s.d.Erasures.List(ctx, page)
	})
}

// Erase carries out an erasure request: the job's work. Every module erases its part, then the
// profile's personal fields are cleared, the customer marked erased and their Mini Program
// tokens cut off, in one transaction.
// A request no longer pending (done by an earlier delivery of the job, or cancelled) is left
// alone, so the job may run twice.
func (s *Service) Erase(ctx context.Context, args EraseArgs) error {
	t, err := s.d.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	return s.d.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
		e, err := s.d.Erasures.Lock(ctx, args.ErasureID)
		if err != nil || e.Status != ports.ErasurePending {
			return err
		}
		for _, d := range s.d.Data {
			if err := d.Erase(ctx, e.CustomerID); err != nil {
				return fmt.Errorf("erase %s: %w", d.Section(), err)
			}
		}
		now := s.d.Clock.Now()
		if err := s.d.Erasures.EraseProfile(ctx, e.CustomerID, now); err != nil {
			return err
		}
		// Tokens count whole seconds: those of this second end too.
		if err := s.d.Sessions.CutOff(ctx, e.CustomerID, now.Add(time.Second)); err != nil {
			return err
		}
		if err := s.d.Erasures.Close(ctx, e.ID, ports.ErasureDone, now); err != nil {
			return err
		}
		if err := s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customer.erase", TargetType: "customer", TargetID: e.CustomerID.String(),
			After: map[string]any{"erasure_id": e.ID.String(), "sections": len(s.d.Data)}}); err != nil {
			return err
		}
		if s.d.Webhooks == nil {
			return nil
		}
		return s.d.Webhooks.Publish(ctx, customer.Erased, map[string]string{"customer_id": e.CustomerID.String()})
	})
}
