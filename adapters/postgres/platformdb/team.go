package platformdb

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

func roleNames(rs []access.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

func parseRoles(names []string) ([]access.Role, error) {
	out := make([]access.Role, len(names))
	for i, n := range names {
		r, err := access.ParseRole(n)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// Memberships implements ports.MembershipRepository.
type Memberships struct{}

var _ ports.MembershipRepository = Memberships{}

const membershipQuery = `SELECT m.tenant_id, m.user_id, u.email, u.name, m.roles, m.created_at, m.updated_at
	FROM memberships m JOIN admin_users u ON u.id = m.user_id`

func scanMembership(row pgx.Row) (ports.Membership, error) {
	var (
		m     ports.Membership
		roles []string
	)
	err := row.Scan(&m.TenantID, &m.UserID, &m.Email, &m.Name, &roles, &m.CreatedAt, &m.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, ports.ErrMembershipNotFound
	}
	if err != nil {
		return m, err
	}
	m.Roles, err = parseRoles(roles)
	return m, err
}

// List implements ports.MembershipRepository.
func (Memberships) List(ctx context.Context) ([]ports.Membership, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, membershipQuery+` ORDER BY u.email, m.tenant_id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ports.Membership, error) { return scanMembership(r) })
}

// Get implements ports.MembershipRepository.
func (Memberships) Get(ctx context.Context, userID uuid.UUID) (ports.Membership, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.Membership{}, err
	}
	return scanMembership(q.QueryRow(ctx, membershipQuery+` WHERE m.user_id = $1 AND m.tenant_id = $2`, userID, tenant.UUID()))
}

// Put implements ports.MembershipRepository.
func (Memberships) Put(ctx context.Context, m ports.Membership) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO memberships (tenant_id, user_id, roles) VALUES ($1, $2, $3)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET roles = EXCLUDED.roles, updated_at = now()`,
		tenant.UUID(), m.UserID, roleNames(m.Roles))
	return err
}

// Delete implements ports.MembershipRepository.
func (Memberships) Delete(ctx context.Context, userID uuid.UUID) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM memberships WHERE user_id = $1 AND tenant_id = $2`, userID, tenant.UUID())
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrMembershipNotFound
	}
	return err
}

// Invitations implements ports.InvitationRepository.
type Invitations struct{}

var _ ports.InvitationRepository = Invitations{}

const invitationColumns = "tenant_id, id, email, roles, invited_by, created_at, expires_at, revoked_at, accepted_at, accepted_by, token_hash, replaced_by"

func scanInvitation(row pgx.Row) (ports.Invitation, error) {
	var (
		i     ports.Invitation
		roles []string
	)
	err := row.Scan(&i.TenantID, &i.ID, &i.Email, &roles, &i.InvitedBy, &i.CreatedAt, &i.ExpiresAt, &i.RevokedAt, &i.AcceptedAt, &i.AcceptedBy, &i.TokenHash, &i.ReplacedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return i, ports.ErrInvitationNotFound
	}
	if err != nil {
		return i, err
	}
	i.Roles, err = parseRoles(roles)
	return i, err
}

// Insert implements ports.InvitationRepository.
func (Invitations) Insert(ctx context.Context, i ports.Invitation) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO invitations (tenant_id, id, email, roles, invited_by, expires_at, token_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		tenant.UUID(), i.ID, i.Email, roleNames(i.Roles), i.InvitedBy, i.ExpiresAt, i.TokenHash)
	if postgres.IsUniqueViolation(err, "invitations_one_pending") {
		return ports.ErrInvitationPending
	}
	return err
}

// Get implements ports.InvitationRepository.
func (Invitations) Get(ctx context.Context, id uuid.UUID) (ports.Invitation, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.Invitation{}, err
	}
	return scanInvitation(q.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE id = $1 AND tenant_id = $2`, id, tenant.UUID()))
}

// List implements ports.InvitationRepository.
func (Invitations) List(ctx context.Context) ([]ports.Invitation, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+invitationColumns+` FROM invitations ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ports.Invitation, error) { return scanInvitation(r) })
}

// Update implements ports.InvitationRepository.
func (Invitations) Update(ctx context.Context, id uuid.UUID, change func(*ports.Invitation) error) (ports.Invitation, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.Invitation{}, err
	}
	i, err := scanInvitation(q.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, id, tenant.UUID()))
	if err != nil {
		return i, err
	}
	if err := change(&i); err != nil {
		return i, err
	}
	return scanInvitation(q.QueryRow(ctx, `UPDATE invitations SET revoked_at = $3, accepted_at = $4, accepted_by = $5, replaced_by = $6
		WHERE id = $1 AND tenant_id = $2 RETURNING `+invitationColumns, id, tenant.UUID(), i.RevokedAt, i.AcceptedAt, i.AcceptedBy, i.ReplacedBy))
}

// Roles implements ports.RoleRepository.
type Roles struct{}

var _ ports.RoleRepository = Roles{}

func scanRole(row pgx.Row) (ports.CustomRole, error) {
	var (
		r     ports.CustomRole
		perms []string
	)
	err := row.Scan(&r.Name, &r.Description, &perms, &r.CreatedAt, &r.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, ports.ErrRoleNotFound
	}
	if err != nil {
		return r, err
	}
	// Unknown names (a permission since retired) are dropped rather than failing the tenant.
	for _, p := range perms {
		if access.IsPermission(access.Permission(p)) {
			r.Permissions = append(r.Permissions, access.Permission(p))
		}
	}
	return r, nil
}

const roleColumns = "name, description, permissions, created_at, updated_at"

// List implements ports.RoleRepository.
func (Roles) List(ctx context.Context) ([]ports.CustomRole, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+roleColumns+` FROM roles ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ports.CustomRole, error) { return scanRole(r) })
}

// Get implements ports.RoleRepository.
func (Roles) Get(ctx context.Context, name string) (ports.CustomRole, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.CustomRole{}, err
	}
	return scanRole(q.QueryRow(ctx, `SELECT `+roleColumns+` FROM roles WHERE name = $1`, name))
}

func permNames(ps []access.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

// Insert implements ports.RoleRepository.
func (Roles) Insert(ctx context.Context, r ports.CustomRole) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO roles (tenant_id, name, description, permissions) VALUES ($1, $2, $3, $4)`,
		tenant.UUID(), r.Name, r.Description, permNames(r.Permissions))
	if postgres.IsUniqueViolation(err, "") {
		return ports.ErrRoleExists
	}
	return err
}

// Update implements ports.RoleRepository.
func (Roles) Update(ctx context.Context, r ports.CustomRole) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE roles SET description = $2, permissions = $3, updated_at = now() WHERE name = $1`,
		r.Name, r.Description, permNames(r.Permissions))
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrRoleNotFound
	}
	return err
}

// Delete implements ports.RoleRepository.
func (Roles) Delete(ctx context.Context, name string) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM roles WHERE name = $1`, name)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrRoleNotFound
	}
	return err
}
