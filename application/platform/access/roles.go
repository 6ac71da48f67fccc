package access

import (
	"context"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Roles lists tenant's custom roles.
func (s *Service) Roles(ctx context.Context, tenant tenants.ID) ([]ports.CustomRole, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, s.d.Roles.List)
}

// SaveRole creates or replaces a custom role. The actor may only put in it permissions they
// hold; every instance reloads the tenant's policies when the change commits.
func (s *Service) SaveRole(ctx context.Context, tenant tenants.ID, actorRoles []access.Role, name, description string, perms []string) (ports.CustomRole, error) {
	role, err := access.ParseRole(name)
	if err != nil {
		return ports.CustomRole{}, fielderr.New("name", err)
	}
	if role.Builtin() {
		return ports.CustomRole{}, fielderr.New("name", ErrBuiltinRole)
	}
	ps, err := access.ParsePermissions(perms)
	if err != nil {
		return ports.CustomRole{}, fielderr.New("permissions", err)
	}
	held, err := s.d.Authorizer.Permissions(ctx, tenant, actorRoles)
	if err != nil {
		return ports.CustomRole{}, err
	}
	if !access.Covers(held, ps) {
		return ports.CustomRole{}, ErrEscalation
	}
	r := ports.CustomRole{Name: role.String(), Description: description, Permissions: ps}
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.d.Roles.Get(ctx, r.Name)
		var prior any
		switch {
		case err == nil:
			prior = roleSnapshot(before)
			err = s.d.Roles.Update(ctx, r)
		case err == ports.ErrRoleNotFound:
			err = s.d.Roles.Insert(ctx, r)
		}
		if err != nil {
			return err
		}
		if err := s.d.Notifier.Notify(ctx, ports.TopicRoles, tenant.String()); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "role.save", TargetType: "role", TargetID: r.Name,
			Before: prior, After: roleSnapshot(r)})
	})
	return r, err
}

// DeleteRole removes a custom role; members holding it lose what it granted.
func (s *Service) DeleteRole(ctx context.Context, tenant tenants.ID, name string) error {
	return s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.d.Roles.Get(ctx, name)
		if err != nil {
			return err
		}
		if err := s.d.Roles.Delete(ctx, name); err != nil {
			return err
		}
		if err := s.d.Notifier.Notify(ctx, ports.TopicRoles, tenant.String()); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "role.delete", TargetType: "role", TargetID: name, Before: roleSnapshot(before)})
	})
}

type roleView struct {
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
}

func roleSnapshot(r ports.CustomRole) roleView {
	ps := make([]string, len(r.Permissions))
	for i, p := range r.Permissions {
		ps[i] = string(p)
	}
	return roleView{Description: r.Description, Permissions: ps}
}
