package customersdb

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// RefreshFamilies implements ports.CustomerRefreshFamilies on customer_refresh_families.
type RefreshFamilies struct{}

var _ ports.CustomerRefreshFamilies = RefreshFamilies{}

// Insert implements ports.CustomerRefreshFamilies.
func (RefreshFamilies) Insert(ctx context.Context, f ports.RefreshFamily) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO customer_refresh_families (tenant_id, id, customer_id, generation, authenticated_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, tenant.UUID(), f.ID, f.CustomerID, f.Generation, f.AuthenticatedAt, f.ExpiresAt)
	return err
}

// Lock implements ports.CustomerRefreshFamilies.
func (RefreshFamilies) Lock(ctx context.Context, id uuid.UUID) (ports.RefreshFamily, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return ports.RefreshFamily{}, err
	}
	var f ports.RefreshFamily
	err = tx.QueryRow(ctx, `SELECT id, customer_id, generation, authenticated_at, refreshed_at, expires_at, revoked_at, revoked_reason
		FROM customer_refresh_families WHERE id = $1 FOR NO KEY UPDATE`, id).
		Scan(&f.ID, &f.CustomerID, &f.Generation, &f.AuthenticatedAt, &f.RefreshedAt, &f.ExpiresAt, &f.RevokedAt, &f.RevokedReason)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, ports.ErrRefreshFamilyNotFound
	}
	return f, err
}

// Update implements ports.CustomerRefreshFamilies.
func (RefreshFamilies) Update(ctx context.Context, f ports.RefreshFamily) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE customer_refresh_families SET generation = $2, refreshed_at = $3, expires_at = $4, revoked_at = $5,
		revoked_reason = $6 WHERE id = $1`, f.ID, f.Generation, f.RefreshedAt, f.ExpiresAt, f.RevokedAt, f.RevokedReason)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrRefreshFamilyNotFound
	}
	return err
}

// Purge implements ports.CustomerRefreshFamilies.
func (RefreshFamilies) Purge(ctx context.Context, customer uuid.UUID, at time.Time) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM customer_refresh_families WHERE customer_id = $1 AND (expires_at < $2 OR revoked_at < $2)`,
		customer, at)
	return err
}
