package platformdb

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// Secrets implements ports.SecretRepository on tenant_secrets. It stores what it is given,
// sealed by the caller; it never sees a plaintext.
type Secrets struct{}

var _ ports.SecretRepository = Secrets{}

const secretColumns = "name, key_id, sealed, updated_at"

func scanSecret(row pgx.Row) (ports.StoredSecret, error) {
	var s ports.StoredSecret
	err := row.Scan(&s.Name, &s.KeyID, &s.Sealed, &s.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, ports.ErrSecretNotFound
	}
	return s, err
}

// Put implements ports.SecretRepository. A zero UpdatedAt stores the transaction's time.
func (Secrets) Put(ctx context.Context, s ports.StoredSecret) error {
	tx, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	var at *time.Time
	if !s.UpdatedAt.IsZero() {
		at = &s.UpdatedAt
	}
	_, err = tx.Exec(ctx, `INSERT INTO tenant_secrets (tenant_id, name, key_id, sealed, updated_at)
		VALUES ($1, $2, $3, $4, coalesce($5, now()))
		ON CONFLICT (tenant_id, name) DO UPDATE
		SET key_id = excluded.key_id, sealed = excluded.sealed, updated_at = excluded.updated_at`,
		tenant.UUID(), s.Name, s.KeyID, s.Sealed, at)
	return err
}

// Get implements ports.SecretRepository; in an InTenant transaction it locks the row.
func (Secrets) Get(ctx context.Context, name string) (ports.StoredSecret, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.StoredSecret{}, err
	}
	query := `SELECT ` + secretColumns + ` FROM tenant_secrets WHERE name = $1`
	if _, werr := postgres.WriteTx(ctx); werr == nil {
		query += ` FOR UPDATE`
	}
	return scanSecret(tx.QueryRow(ctx, query, name))
}

// List implements ports.SecretRepository.
func (Secrets) List(ctx context.Context) ([]ports.StoredSecret, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT `+secretColumns+` FROM tenant_secrets ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ports.StoredSecret
	for rows.Next() {
		s, err := scanSecret(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Delete implements ports.SecretRepository.
func (Secrets) Delete(ctx context.Context, name string) error {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM tenant_secrets WHERE name = $1`, name)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return ports.ErrSecretNotFound
	}
	return nil
}
