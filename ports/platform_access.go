package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// Errors of the access repositories.
var (
	ErrUserNotFound       = errors.New("admin user not found")
	ErrMembershipNotFound = errors.New("membership not found")
	ErrInvitationNotFound = errors.New("invitation not found")
	// ErrInvitationPending is an invitation to an email that has a pending one in the brand.
	ErrInvitationPending = errors.New("an invitation to this email is already pending")
	ErrRoleNotFound      = errors.New("role not found")
	ErrRoleExists        = errors.New("role already exists")
)

// AdminUser is a person who administers one or more tenants.
type AdminUser struct {
	ID         uuid.UUID
	IdentityID string
	Email      string
	Name       string
	CreatedAt  time.Time
}

// AdminUserRepository keeps admin users. Platform-level by design: a user exists before and
// beyond any one tenant.
type AdminUserRepository interface {
	// ByIdentity returns the user of an identity provider's identity, or ErrUserNotFound.
	ByIdentity(ctx context.Context, identityID string) (AdminUser, error)
	// ByEmail returns the user with email, or ErrUserNotFound.
	ByEmail(ctx context.Context, email string) (AdminUser, error)
	// Get returns the user with id, or ErrUserNotFound.
	Get(ctx context.Context, id uuid.UUID) (AdminUser, error)
	// Insert adds a user.
	Insert(ctx context.Context, u AdminUser) error
}

// Membership is a user's place in a tenant.
type Membership struct {
	TenantID  uuid.UUID
	UserID    uuid.UUID
	Email     string
	Name      string
	Roles     []access.Role
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MembershipRepository keeps memberships. In a tenant scope it sees the tenant's members; in a
// user scope (Transactor.InUser) the user's memberships in every tenant.
type MembershipRepository interface {
	List(ctx context.Context) ([]Membership, error)
	Get(ctx context.Context, userID uuid.UUID) (Membership, error)
	// Put inserts or replaces the membership of m.UserID in the scope's tenant.
	Put(ctx context.Context, m Membership) error
	Delete(ctx context.Context, userID uuid.UUID) error
}

// Invitation asks someone, by email, to join a tenant with some roles.
type Invitation struct {
	TenantID   uuid.UUID
	ID         uuid.UUID
	Email      string
	Roles      []access.Role
	InvitedBy  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
	AcceptedAt *time.Time
	AcceptedBy *uuid.UUID
	// TokenHash is the SHA-256 of the secret of the invitation's link; empty for invitations
	// made before they had links, which are accepted by signing in with the email only.
	TokenHash []byte
	// ReplacedBy is the newer invitation to the same email that revoked this one.
	ReplacedBy *uuid.UUID
}

// Open reports whether the invitation can still be accepted at now.
func (i Invitation) Open(now time.Time) bool {
	return i.RevokedAt == nil && i.AcceptedAt == nil && now.Before(i.ExpiresAt)
}

// InvitationRepository keeps invitations. In a user scope it sees the open invitations to the
// user's verified email in every tenant.
type InvitationRepository interface {
	// Insert adds inv, or answers ErrInvitationPending when the email has a pending one.
	Insert(ctx context.Context, inv Invitation) error
	List(ctx context.Context) ([]Invitation, error)
	// Get returns the invitation with id, or ErrInvitationNotFound.
	Get(ctx context.Context, id uuid.UUID) (Invitation, error)
	// Update changes the invitation's revocation, acceptance and replacement under a row lock.
	Update(ctx context.Context, id uuid.UUID, change func(*Invitation) error) (Invitation, error)
}

// CustomRole is a role a tenant defined from the permission list.
type CustomRole struct {
	Name        string
	Description string
	Permissions []access.Permission
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// RoleRepository keeps a tenant's custom roles.
type RoleRepository interface {
	List(ctx context.Context) ([]CustomRole, error)
	Get(ctx context.Context, name string) (CustomRole, error)
	Insert(ctx context.Context, r CustomRole) error
	Update(ctx context.Context, r CustomRole) error
	Delete(ctx context.Context, name string) error
}

// Authorizer decides whether any of roles holds perm in tenant.
type Authorizer interface {
	Allowed(ctx context.Context, tenant tenants.ID, roles []access.Role, perm access.Permission) (bool, error)
	// Permissions lists every permission the roles hold in tenant.
	Permissions(ctx context.Context, tenant tenants.ID, roles []access.Role) ([]access.Permission, error)
}
