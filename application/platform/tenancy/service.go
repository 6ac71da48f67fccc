// Package tenancy is the platform operator's use cases on brand tenants: onboard, change,
// suspend and reinstate, each recorded in the tenant's own audit trail in the same transaction.
package tenancy

import (
	"context"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are what the service needs.
type Deps struct {
	Tx      ports.Transactor
	Tenants *tenants.Directory
	Audit   ports.AuditLog
	// Notifier tells the other processes that a tenant changed.
	Notifier ports.Notifier
	Logos    ports.LogoRepository
}

// Service runs the tenant lifecycle.
type Service struct {
	tx     ports.Transactor
	dir    *tenants.Directory
	audit  ports.AuditLog
	notify ports.Notifier
	logos  ports.LogoRepository
}

// NewService returns the tenancy service.
func NewService(d Deps) *Service {
	return &Service{tx: d.Tx, dir: d.Tenants, audit: d.Audit, notify: d.Notifier, logos: d.Logos}
}

// snapshot is what the audit trail keeps of a tenant.
type snapshot struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Timezone string `json:"timezone"`
	Locale   string `json:"locale"`
	Plan     string `json:"plan"`
}

func snap(t tenants.Tenant) snapshot {
	return snapshot{Slug: t.Slug, Name: t.Name, Status: t.Status.String(), Timezone: t.Timezone, Locale: t.Locale, Plan: t.Plan}
}

// Create onboards a brand.
func (s *Service) Create(ctx context.Context, draft tenants.Draft) (tenants.Tenant, error) {
	draft.ID = tenants.NewID()
	return ports.InTenant(ctx, s.tx, draft.ID, func(ctx context.Context) (tenants.Tenant, error) {
		out, err := s.dir.Create(ctx, draft)
		if err != nil {
			return tenants.Tenant{}, err
		}
		return out, s.audit.Record(ctx, ports.AuditEntry{Action: "tenant.create", TargetType: "tenant", TargetID: out.ID.String(), After: snap(out)})
	})
}

// Update changes a tenant's profile.
func (s *Service) Update(ctx context.Context, ref string, changes tenants.Changes) (tenants.Tenant, error) {
	return s.change(ctx, ref, "tenant.update", func(ctx context.Context, id string) (tenants.Tenant, error) {
		return s.dir.Update(ctx, id, changes)
	})
}

// Suspend stops serving a tenant; its data stays intact.
func (s *Service) Suspend(ctx context.Context, ref string) (tenants.Tenant, error) {
	return s.change(ctx, ref, "tenant.suspend", s.dir.Suspend)
}

// Reinstate serves a suspended tenant again.
func (s *Service) Reinstate(ctx context.Context, ref string) (tenants.Tenant, error) {
	return s.change(ctx, ref, "tenant.reinstate", s.dir.Reinstate)
}

func (s *Service) change(ctx context.Context, ref, action string, apply func(ctx context.Context, id string) (tenants.Tenant, error)) (tenants.Tenant, error) {
	before, err := s.dir.Lookup(ctx, ref)
	if err != nil {
		return tenants.Tenant{}, err
	}
	return ports.InTenant(ctx, s.tx, before.ID, func(ctx context.Context) (tenants.Tenant, error) {
		after, err := apply(ctx, before.ID.String())
		if err != nil {
			return tenants.Tenant{}, err
		}
		if err := s.notify.Notify(ctx, ports.TopicTenant, after.ID.String()); err != nil {
			return tenants.Tenant{}, err
		}
		return after, s.audit.Record(ctx, ports.AuditEntry{Action: action, TargetType: "tenant", TargetID: after.ID.String(), Before: snap(before), After: snap(after)})
	})
}
