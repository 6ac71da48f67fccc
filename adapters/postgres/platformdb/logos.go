package platformdb

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// Logos implements ports.LogoRepository.
type Logos struct{}

var _ ports.LogoRepository = Logos{}

// Get implements ports.LogoRepository.
func (Logos) Get(ctx context.Context) (ports.Logo, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.Logo{}, err
	}
	var l ports.Logo
	err = q.QueryRow(ctx, `SELECT content_type, data, updated_at FROM brand_logos`).Scan(&l.ContentType, &l.Data, &l.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, ports.ErrNoLogo
	}
	return l, err
}

// Put implements ports.LogoRepository.
func (Logos) Put(ctx context.Context, l ports.Logo) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO brand_logos (tenant_id, content_type, data) VALUES ($1, $2, $3)
		ON CONFLICT (tenant_id) DO UPDATE SET content_type = EXCLUDED.content_type, data = EXCLUDED.data, updated_at = now()`,
		tenant.UUID(), l.ContentType, l.Data)
	return err
}
