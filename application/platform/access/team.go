package access

import (
	"context"
	"errors"
	"net/mail"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// ErrEmail is returned for an invitation to something that is not an email address.
var ErrEmail = errors.New("not a valid email address")

// Members lists tenant's members.
func (s *Service) Members(ctx context.Context, tenant tenants.ID) ([]ports.Membership, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, s.d.Members.List)
}

// Invite asks email to join tenant with roles; actorRoles are the inviter's, who may only
// grant what they hold (nil for the platform operator inviting a brand's first owner). A
// pending invitation to the same email is replaced: revoked, its link no longer works. The
// answer carries the new link's token, which is not kept.
func (s *Service) Invite(ctx context.Context, tenant tenants.ID, actorRoles []access.Role, email string, roles []access.Role) (Invited, error) {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" {
		return Invited{}, fielderr.New("email", ErrEmail)
	}
	now := s.d.Clock.Now()
	inv := Invited{Invitation: ports.Invitation{ID: uuid.New(), TenantID: tenant.UUID(), Email: normaliseEmail(addr.Address), Roles: roles,
		InvitedBy: ports.ActorFrom(ctx).Label, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}}
	if inv.Token, inv.TokenHash, err = newToken(tenant.UUID(), inv.ID); err != nil {
		return Invited{}, err
	}
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.checkRolesExist(ctx, roles); err != nil {
			return err
		}
		if actorRoles != nil {
			if err := s.checkGrant(ctx, tenant, actorRoles, roles); err != nil {
				return err
			}
		}
		var err error
		if inv.Replaced, err = s.replacePending(ctx, inv.Email, inv.ID); err != nil {
			return err
		}
		if err := s.d.Invitations.Insert(ctx, inv.Invitation); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "invitation.create", TargetType: "invitation",
			TargetID: inv.ID.String(), After: invitationSnapshot(inv.Invitation)})
	})
	return inv, err
}

// Invitations lists tenant's invitations, newest first.
func (s *Service) Invitations(ctx context.Context, tenant tenants.ID) ([]ports.Invitation, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, s.d.Invitations.List)
}

// RevokeInvitation withdraws an open invitation.
func (s *Service) RevokeInvitation(ctx context.Context, tenant tenants.ID, id uuid.UUID) (ports.Invitation, error) {
	var out ports.Invitation
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		var before ports.Invitation
		var err error
		out, err = s.d.Invitations.Update(ctx, id, func(i *ports.Invitation) error {
			before = *i
			if !i.Open(s.d.Clock.Now()) {
				return ErrInvitationState
			}
			now := s.d.Clock.Now()
			i.RevokedAt = &now
			return nil
		})
		if err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "invitation.revoke", TargetType: "invitation",
			TargetID: id.String(), Before: invitationSnapshot(before), After: invitationSnapshot(out)})
	})
	return out, err
}

// ChangeRoles replaces a member's roles. The actor may only grant what they hold, and may not
// take roles away from someone more powerful than themselves.
func (s *Service) ChangeRoles(ctx context.Context, tenant tenants.ID, actorRoles []access.Role, user uuid.UUID, roles []access.Role) (ports.Membership, error) {
	var out ports.Membership
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.d.Members.Get(ctx, user)
		if err != nil {
			return err
		}
		if err := s.checkRolesExist(ctx, roles); err != nil {
			return err
		}
		if err := s.checkGrant(ctx, tenant, actorRoles, append(append([]access.Role{}, roles...), before.Roles...)); err != nil {
			return err
		}
		if err := s.keepAnOwner(ctx, user, roles); err != nil {
			return err
		}
		out = before
		out.Roles = roles
		if err := s.d.Members.Put(ctx, out); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "membership.update", TargetType: "membership", TargetID: user.String(),
			Before: memberSnapshot(before.Email, before.Roles), After: memberSnapshot(out.Email, out.Roles)})
	})
	return out, err
}

// RemoveMember takes a user out of tenant.
func (s *Service) RemoveMember(ctx context.Context, tenant tenants.ID, actorRoles []access.Role, user uuid.UUID) error {
	return s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.d.Members.Get(ctx, user)
		if err != nil {
			return err
		}
		if err := s.checkGrant(ctx, tenant, actorRoles, before.Roles); err != nil {
			return err
		}
		if err := s.keepAnOwner(ctx, user, nil); err != nil {
			return err
		}
		if err := s.d.Members.Delete(ctx, user); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "membership.delete", TargetType: "membership", TargetID: user.String(),
			Before: memberSnapshot(before.Email, before.Roles)})
	})
}

// keepAnOwner refuses to leave the tenant without an owner when user would have roles.
func (s *Service) keepAnOwner(ctx context.Context, user uuid.UUID, roles []access.Role) error {
	for _, r := range roles {
		if r == access.RoleOwner {
			return nil
		}
	}
	members, err := s.d.Members.List(ctx)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.UserID == user {
			continue
		}
		for _, r := range m.Roles {
			if r == access.RoleOwner {
				return nil
			}
		}
	}
	return ErrLastOwner
}

type invitationView struct {
	Email     string    `json:"email"`
	Roles     []string  `json:"roles"`
	ExpiresAt time.Time `json:"expires_at"`
	Revoked   bool      `json:"revoked"`
	Accepted  bool      `json:"accepted"`
}

func invitationSnapshot(i ports.Invitation) invitationView {
	return invitationView{Email: i.Email, Roles: memberSnapshot("", i.Roles).Roles, ExpiresAt: i.ExpiresAt.UTC(),
		Revoked: i.RevokedAt != nil, Accepted: i.AcceptedAt != nil}
}

// AddAdmin makes email a member of tenant with roles, creating a locally signed-in admin user
// when none has that email. It is for platform operators and development seeding, where there
// is no one yet to send an invitation.
func (s *Service) AddAdmin(ctx context.Context, tenant tenants.ID, email, name string, roles []access.Role) (ports.Membership, error) {
	email = normaliseEmail(email)
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return ports.Membership{}, fielderr.New("email", ErrEmail)
	}
	u, err := s.d.Users.ByEmail(ctx, email)
	if errors.Is(err, ports.ErrUserNotFound) {
		u = ports.AdminUser{ID: uuid.New(), IdentityID: LocalIdentityPrefix + email, Email: email, Name: name}
		err = s.d.Users.Insert(ctx, u)
	}
	if err != nil {
		return ports.Membership{}, err
	}
	m := ports.Membership{UserID: u.ID, Email: u.Email, Name: u.Name, Roles: roles}
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.checkRolesExist(ctx, roles); err != nil {
			return err
		}
		before, err := s.d.Members.Get(ctx, u.ID)
		var prior any
		if err == nil {
			if len(union(before.Roles, roles)) == len(before.Roles) {
				m = before // already holds every role: nothing to change or record
				return nil
			}
			m.Roles, prior = union(before.Roles, roles), memberSnapshot(before.Email, before.Roles)
		}
		if err := s.d.Members.Put(ctx, m); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "membership.add", TargetType: "membership", TargetID: u.ID.String(),
			Before: prior, After: memberSnapshot(m.Email, m.Roles)})
	})
	return m, err
}

// LocalIdentityPrefix marks the identity IDs of admins created without an identity provider.
const LocalIdentityPrefix = "local:"
