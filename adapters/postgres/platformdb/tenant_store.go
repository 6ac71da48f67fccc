package platformdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/tenants"
)

// TenantStore keeps the tenants table. Platform-level by design: it reads and writes the
// tenants themselves and is used only by the tenant directory (authentication and platform
// operators). Called inside a tenant transaction it joins it, so a change to a tenant commits
// together with its audit record.
type TenantStore struct {
	pool *pgxpool.Pool
}

// db is the tenant transaction of ctx when there is one, else the pool.
func (s *TenantStore) db(ctx context.Context) interface {
	postgres.Querier
	Begin(ctx context.Context) (pgx.Tx, error)
} {
	if tx, err := postgres.WriteTx(ctx); err == nil {
		return tx
	}
	return s.pool
}

// NewTenantStore returns a TenantStore on db.
func NewTenantStore(db *postgres.DB) *TenantStore { return &TenantStore{pool: db.Pool()} }

const tenantColumns = "id, slug, name, status, timezone, locale, plan, created_at, updated_at"

func scanTenant(row pgx.Row) (tenants.Record, error) {
	var r tenants.Record
	err := row.Scan(&r.ID, &r.Slug, &r.Name, &r.Status, &r.Timezone, &r.Locale, &r.Plan, &r.CreatedAt, &r.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, tenants.ErrNotFound
	}
	return r, err
}

// Insert implements tenants.Store.
func (s *TenantStore) Insert(ctx context.Context, r tenants.Record) (tenants.Record, error) {
	out, err := scanTenant(s.db(ctx).QueryRow(ctx,
		`INSERT INTO tenants (id, slug, name, status, timezone, locale, plan) VALUES ($1, $2, $3, $4, $5, $6, $7)
		 RETURNING `+tenantColumns, r.ID, r.Slug, r.Name, r.Status, r.Timezone, r.Locale, r.Plan))
	if postgres.IsUniqueViolation(err, "tenants_slug_key") {
		return out, tenants.ErrSlugTaken
	}
	return out, err
}

// Get implements tenants.Store.
func (s *TenantStore) Get(ctx context.Context, id uuid.UUID) (tenants.Record, error) {
	return scanTenant(s.db(ctx).QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, id))
}

// GetBySlug implements tenants.Store.
func (s *TenantStore) GetBySlug(ctx context.Context, slug string) (tenants.Record, error) {
	return scanTenant(s.db(ctx).QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE slug = $1`, slug))
}

// List implements tenants.Store.
func (s *TenantStore) List(ctx context.Context, afterSlug string, limit int) ([]tenants.Record, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE slug > $1 ORDER BY slug LIMIT $2`, afterSlug, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tenants.Record
	for rows.Next() {
		r, err := scanTenant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Update implements tenants.Store: the row is locked while change runs.
func (s *TenantStore) Update(ctx context.Context, id uuid.UUID, change func(*tenants.Record) error) (tenants.Record, error) {
	var out tenants.Record
	err := pgx.BeginFunc(ctx, s.db(ctx), func(tx pgx.Tx) error {
		r, err := scanTenant(tx.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if err := change(&r); err != nil {
			return err
		}
		out, err = scanTenant(tx.QueryRow(ctx,
			`UPDATE tenants SET name = $2, status = $3, timezone = $4, locale = $5, plan = $6, updated_at = now()
			 WHERE id = $1 RETURNING `+tenantColumns, id, r.Name, r.Status, r.Timezone, r.Locale, r.Plan))
		if err != nil {
			return fmt.Errorf("update tenant: %w", err)
		}
		return nil
	})
	return out, err
}
