// Package access is the use cases of admin access: signing admins in, their memberships in
// tenants, invitations, and the roles a tenant defines. Every change is audited in the
// tenant's transaction, and nobody may grant a permission they do not hold.
package access

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Errors of admin access.
var (
	ErrEmailUnverified = errors.New("the identity's email address is not verified")
	ErrNotMember       = errors.New("not a member of this tenant")
	ErrEscalation      = errors.New("cannot grant permissions you do not hold")
	ErrLastOwner       = errors.New("a tenant keeps at least one owner")
	ErrBuiltinRole     = errors.New("built-in roles cannot be changed")
	ErrUnknownRole     = errors.New("unknown role")
	ErrInvitationState = errors.New("invitation is no longer open")
)

// InvitationTTL is how long an invitation can be accepted.
const InvitationTTL = 7 * 24 * time.Hour

// Deps are the ports the service uses.
type Deps struct {
	Tx          ports.Transactor
	Users       ports.AdminUserRepository
	Members     ports.MembershipRepository
	Invitations ports.InvitationRepository
	Roles       ports.RoleRepository
	Authorizer  ports.Authorizer
	Audit       ports.AuditLog
	Notifier    ports.Notifier
	Tenants     *tenants.Directory
	Clock       ports.Clock
	// Mail is the brand's own mail server (the channels service) and Email sends through it,
	// to mail invitations; without them no invitation is mailed.
	Mail interface {
		SMTPCredentials(ctx context.Context, tenant tenants.ID) (ports.SMTPAccount, string, error)
	}
	Email ports.EmailSender
	// PlatformMail is the platform's own mail server, for brands without one; nil for none.
	PlatformMail *ports.MailServer
}

// Service runs admin access.
type Service struct{ d Deps }

// NewService returns the access service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{d: d}
}

// Admin is a signed-in admin acting in one tenant.
type Admin struct {
	User   ports.AdminUser
	Tenant tenants.Tenant
	Roles  []access.Role
}

// SignIn finds or creates the admin user of identity. On a user's first sign-in with a
// verified email, the open invitations to that email become memberships.
func (s *Service) SignIn(ctx context.Context, id ports.Identity) (ports.AdminUser, error) {
	u, err := s.d.Users.ByIdentity(ctx, id.ID)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, ports.ErrUserNotFound) {
		return u, err
	}
	if !id.EmailVerified {
		return u, ErrEmailUnverified
	}
	u = ports.AdminUser{ID: uuid.New(), IdentityID: id.ID, Email: normaliseEmail(id.Email), Name: id.Name}
	if err := s.d.Users.Insert(ctx, u); err != nil {
		return u, err
	}
	return u, s.acceptInvitations(ctx, u)
}

// acceptInvitations turns every open invitation to u's email into a membership, each in its
// tenant's transaction and audit trail.
func (s *Service) acceptInvitations(ctx context.Context, u ports.AdminUser) error {
	var open []ports.Invitation
	err := s.d.Tx.InUser(ctx, u.ID, u.Email, func(ctx context.Context) error {
		all, err := s.d.Invitations.List(ctx)
		for _, inv := range all {
			if inv.Email == u.Email && inv.Open(s.d.Clock.Now()) {
				open = append(open, inv)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, inv := range open {
		t, err := s.d.Tenants.Resolve(ctx, inv.TenantID)
		if err != nil {
			return err
		}
		err = s.accept(ctx, t, inv.ID, u)
		if err != nil && !errors.Is(err, ErrInvitationState) {
			return err
		}
	}
	return nil
}

// Authorize returns u acting in tenant t, or ErrNotMember.
func (s *Service) Authorize(ctx context.Context, u ports.AdminUser, t tenants.Tenant) (Admin, error) {
	m, err := ports.ReadInTenant(ctx, s.d.Tx, t.ID, func(ctx context.Context) (ports.Membership, error) {
		return s.d.Members.Get(ctx, u.ID)
	})
	if errors.Is(err, ports.ErrMembershipNotFound) {
		return Admin{}, ErrNotMember
	}
	return Admin{User: u, Tenant: t, Roles: m.Roles}, err
}

// Tenants lists u's memberships in every tenant, for the tenant switcher.
func (s *Service) Tenants(ctx context.Context, u ports.AdminUser) ([]ports.Membership, error) {
	var out []ports.Membership
	err := s.d.Tx.InUser(ctx, u.ID, u.Email, func(ctx context.Context) error {
		var err error
		out, err = s.d.Members.List(ctx)
		return err
	})
	return out, err
}

// checkGrant refuses roles that carry a permission the actor lacks.
func (s *Service) checkGrant(ctx context.Context, tenant tenants.ID, actorRoles, granted []access.Role) error {
	held, err := s.d.Authorizer.Permissions(ctx, tenant, actorRoles)
	if err != nil {
		return err
	}
	wanted, err := s.d.Authorizer.Permissions(ctx, tenant, granted)
	if err != nil {
		return err
	}
	if !access.Covers(held, wanted) {
		return ErrEscalation
	}
	return nil
}

// checkRolesExist refuses roles that are neither built in nor defined by the tenant.
func (s *Service) checkRolesExist(ctx context.Context, roles []access.Role) error {
	for _, r := range roles {
		if r.Builtin() {
			continue
		}
		if _, err := s.d.Roles.Get(ctx, r.String()); errors.Is(err, ports.ErrRoleNotFound) {
			return ErrUnknownRole
		} else if err != nil {
			return err
		}
	}
	return nil
}

func normaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func union(a, b []access.Role) []access.Role {
	out := append([]access.Role{}, a...)
	for _, r := range b {
		found := false
		for _, x := range out {
			found = found || x == r
		}
		if !found {
			out = append(out, r)
		}
	}
	return out
}

type memberView struct {
	Email string   `json:"email"`
	Roles []string `json:"roles"`
}

func memberSnapshot(email string, roles []access.Role) memberView {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.String()
	}
	return memberView{Email: email, Roles: names}
}
