package platformdb

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/apikey"
	"github.com/engagehq/engage/ports"
)

// APIKeys implements ports.APIKeyRepository.
type APIKeys struct{}

var _ ports.APIKeyRepository = APIKeys{}

const apiKeyColumns = "id, tenant_id, name, role, secret_hash, created_at, last_used_at, revoked_at, expires_at"

func scanAPIKey(row pgx.Row) (apikey.Key, error) {
	var (
		k    apikey.Key
		role string
	)
	err := row.Scan(&k.ID, &k.TenantID, &k.Name, &role, &k.SecretHash, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt, &k.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return k, apikey.ErrNotFound
	}
	if err != nil {
		return k, err
	}
	k.Role, err = access.ParseRole(role)
	return k, err
}

// Insert implements ports.APIKeyRepository.
func (APIKeys) Insert(ctx context.Context, k apikey.Key) error {
	tx, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO api_keys (tenant_id, id, name, role, secret_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, tenant.UUID(), k.ID, k.Name, k.Role.String(), k.SecretHash, k.CreatedAt, k.ExpiresAt)
	return err
}

// Get implements ports.APIKeyRepository.
func (APIKeys) Get(ctx context.Context, id uuid.UUID) (apikey.Key, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return apikey.Key{}, err
	}
	return scanAPIKey(tx.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = $1`, id))
}

// List implements ports.APIKeyRepository.
func (APIKeys) List(ctx context.Context, page ports.Page) ([]apikey.Key, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var w postgres.Where
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		w.And("(created_at, id) < (SELECT created_at, id FROM api_keys WHERE id = $1)", after)
	}
	rows, err := tx.Query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE `+w.String()+
		` ORDER BY created_at DESC, id DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []apikey.Key
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// Update implements ports.APIKeyRepository.
func (APIKeys) Update(ctx context.Context, id uuid.UUID, change func(*apikey.Key) error) (apikey.Key, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return apikey.Key{}, err
	}
	k, err := scanAPIKey(tx.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = $1 FOR UPDATE`, id))
	if err != nil {
		return k, err
	}
	if err := change(&k); err != nil {
		return k, err
	}
	return scanAPIKey(tx.QueryRow(ctx, `UPDATE api_keys SET name = $2, role = $3, last_used_at = $4, revoked_at = $5, expires_at = $6
		WHERE id = $1 RETURNING `+apiKeyColumns, id, k.Name, k.Role.String(), k.LastUsedAt, k.RevokedAt, k.ExpiresAt))
}

// Touch implements ports.APIKeyRepository: last use is recorded at most once a minute.
func (APIKeys) Touch(ctx context.Context, id uuid.UUID, at time.Time) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE api_keys SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`, id, at)
	return err
}
