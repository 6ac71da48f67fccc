package platformdb

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// AdminUsers implements ports.AdminUserRepository. Platform-level by design (see the port); it
// joins the caller's transaction when there is one.
type AdminUsers struct {
	pool *pgxpool.Pool
}

// NewAdminUsers returns the repository on db.
func NewAdminUsers(db *postgres.DB) *AdminUsers { return &AdminUsers{pool: db.Pool()} }

func (a *AdminUsers) q(ctx context.Context) postgres.Querier {
	if tx, err := postgres.WriteTx(ctx); err == nil {
		return tx
	}
	return a.pool
}

const adminColumns = "id, identity_id, email, name, created_at"

func scanAdmin(row pgx.Row) (ports.AdminUser, error) {
	var u ports.AdminUser
	err := row.Scan(&u.ID, &u.IdentityID, &u.Email, &u.Name, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, ports.ErrUserNotFound
	}
	return u, err
}

// ByIdentity implements ports.AdminUserRepository.
func (a *AdminUsers) ByIdentity(ctx context.Context, identityID string) (ports.AdminUser, error) {
	return scanAdmin(a.q(ctx).QueryRow(ctx, `SELECT `+adminColumns+` FROM admin_users WHERE identity_id = $1`, identityID))
}

// ByEmail implements ports.AdminUserRepository.
func (a *AdminUsers) ByEmail(ctx context.Context, email string) (ports.AdminUser, error) {
	return scanAdmin(a.q(ctx).QueryRow(ctx, `SELECT `+adminColumns+` FROM admin_users WHERE email = $1`, email))
}

// Get implements ports.AdminUserRepository.
func (a *AdminUsers) Get(ctx context.Context, id uuid.UUID) (ports.AdminUser, error) {
	return scanAdmin(a.q(ctx).QueryRow(ctx, `SELECT `+adminColumns+` FROM admin_users WHERE id = $1`, id))
}

// Insert implements ports.AdminUserRepository.
func (a *AdminUsers) Insert(ctx context.Context, u ports.AdminUser) error {
	_, err := a.q(ctx).Exec(ctx, `INSERT INTO admin_users (id, identity_id, email, name) VALUES ($1, $2, $3, $4)`,
		u.ID, u.IdentityID, u.Email, u.Name)
	return err
}

// LocalSignIn implements ports.LocalSignIn. Platform-level by design (see the port).
type LocalSignIn struct {
	pool *pgxpool.Pool
}

// NewLocalSignIn returns the store on db.
func NewLocalSignIn(db *postgres.DB) *LocalSignIn { return &LocalSignIn{pool: db.Pool()} }

// CreateLink implements ports.LocalSignIn.
func (l *LocalSignIn) CreateLink(ctx context.Context, id, userID uuid.UUID, expires time.Time) error {
	_, err := l.pool.Exec(ctx, `INSERT INTO login_links (id, user_id, expires_at) VALUES ($1, $2, $3)`, id, userID, expires)
	return err
}

// UseLink implements ports.LocalSignIn: one UPDATE both checks and spends the link, so two
// concurrent uses cannot both succeed.
func (l *LocalSignIn) UseLink(ctx context.Context, id uuid.UUID, now time.Time) (uuid.UUID, error) {
	var user uuid.UUID
	err := l.pool.QueryRow(ctx, `UPDATE login_links SET used_at = $2
		WHERE id = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id`, id, now).Scan(&user)
	if errors.Is(err, pgx.ErrNoRows) {
		return user, ports.ErrLoginLinkUsed
	}
	return user, err
}

// CreateSession implements ports.LocalSignIn.
func (l *LocalSignIn) CreateSession(ctx context.Context, tokenHash []byte, userID uuid.UUID, expires time.Time) error {
	_, err := l.pool.Exec(ctx, `INSERT INTO admin_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, tokenHash, userID, expires)
	return err
}

// Session implements ports.LocalSignIn.
func (l *LocalSignIn) Session(ctx context.Context, tokenHash []byte, now time.Time) (uuid.UUID, error) {
	var user uuid.UUID
	err := l.pool.QueryRow(ctx, `SELECT user_id FROM admin_sessions
		WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2`, tokenHash, now).Scan(&user)
	if errors.Is(err, pgx.ErrNoRows) {
		return user, ports.ErrSessionNotFound
	}
	return user, err
}

// RevokeSession implements ports.LocalSignIn.
func (l *LocalSignIn) RevokeSession(ctx context.Context, tokenHash []byte, now time.Time) error {
	_, err := l.pool.Exec(ctx, `UPDATE admin_sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL`, tokenHash, now)
	return err
}
