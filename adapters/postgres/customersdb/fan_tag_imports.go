package customersdb

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// FanTagImports implements ports.FanTagImportRepository on wechat_fan_tag_imports.
type FanTagImports struct{}

var _ ports.FanTagImportRepository = FanTagImports{}

const fanTagImportColumns = `id, status, requested_at, finished_at, tags, fans, matched, error_code`

func scanFanTagImport(row pgx.CollectableRow) (ports.FanTagImport, error) {
	var i ports.FanTagImport
	err := row.Scan(&i.ID, &i.Status, &i.RequestedAt, &i.FinishedAt, &i.Tags, &i.Fans, &i.Matched, &i.ErrorCode)
	return i, err
}

// Insert implements ports.FanTagImportRepository.
func (FanTagImports) Insert(ctx context.Context, imp ports.FanTagImport) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO wechat_fan_tag_imports (tenant_id, id, status, requested_at) VALUES ($1, $2, $3, $4)`,
		tenant.UUID(), imp.ID, imp.Status, imp.RequestedAt)
	return err
}

// Get implements ports.FanTagImportRepository.
func (FanTagImports) Get(ctx context.Context, id uuid.UUID) (ports.FanTagImport, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.FanTagImport{}, err
	}
	rows, err := q.Query(ctx, `SELECT `+fanTagImportColumns+` FROM wechat_fan_tag_imports WHERE id = $1`, id)
	if err != nil {
		return ports.FanTagImport{}, err
	}
	imp, err := pgx.CollectExactlyOneRow(rows, scanFanTagImport)
	if errors.Is(err, pgx.ErrNoRows) {
		return imp, ports.ErrFanTagImportNotFound
	}
	return imp, err
}

// Latest implements ports.FanTagImportRepository.
func (FanTagImports) Latest(ctx context.Context, limit int) ([]ports.FanTagImport, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+fanTagImportColumns+` FROM wechat_fan_tag_imports ORDER BY requested_at DESC, id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanFanTagImport)
}

// Save implements ports.FanTagImportRepository.
func (FanTagImports) Save(ctx context.Context, imp ports.FanTagImport) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE wechat_fan_tag_imports SET status = $2, finished_at = $3, tags = $4, fans = $5, matched = $6,
		error_code = $7 WHERE id = $1`, imp.ID, imp.Status, imp.FinishedAt, imp.Tags, imp.Fans, imp.Matched, imp.ErrorCode)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrFanTagImportNotFound
	}
	return err
}
