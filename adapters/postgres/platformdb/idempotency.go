package platformdb

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// IdempotencyKeys implements ports.IdempotencyStore.
type IdempotencyKeys struct{}

var _ ports.IdempotencyStore = IdempotencyKeys{}

// Claim implements ports.IdempotencyStore.
func (IdempotencyKeys) Claim(ctx context.Context, key string, fingerprint []byte, lockedUntil time.Time) (ports.IdempotencyRecord, error) {
	tx, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.IdempotencyRecord{}, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (tenant_id, key, request_hash, locked_until)
		VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, key) DO NOTHING`, tenant.UUID(), key, fingerprint, lockedUntil)
	if err != nil {
		return ports.IdempotencyRecord{}, err
	}
	if tag.RowsAffected() == 1 {
		return ports.IdempotencyRecord{State: ports.IdempotencyNew}, nil
	}
	var (
		stored []byte
		held   *time.Time
		status *int
		body   []byte
	)
	err = tx.QueryRow(ctx, `SELECT request_hash, locked_until, response_status, response_body
		FROM idempotency_keys WHERE key = $1 FOR UPDATE`, key).Scan(&stored, &held, &status, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		// Purged between the insert and the read: a retry will claim it.
		return ports.IdempotencyRecord{State: ports.IdempotencyInFlight}, nil
	}
	if err != nil {
		return ports.IdempotencyRecord{}, err
	}
	switch {
	case !bytes.Equal(stored, fingerprint):
		return ports.IdempotencyRecord{State: ports.IdempotencyMismatch}, nil
	case status != nil:
		return ports.IdempotencyRecord{State: ports.IdempotencyDone, Status: *status, Body: body}, nil
	case held != nil && held.After(time.Now()):
		return ports.IdempotencyRecord{State: ports.IdempotencyInFlight}, nil
	}
	_, err = tx.Exec(ctx, `UPDATE idempotency_keys SET locked_until = $2 WHERE key = $1`, key, lockedUntil)
	return ports.IdempotencyRecord{State: ports.IdempotencyNew}, err
}

// Complete implements ports.IdempotencyStore.
func (IdempotencyKeys) Complete(ctx context.Context, key string, status int, body []byte) error {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE idempotency_keys SET response_status = $2, response_body = $3, locked_until = NULL
		WHERE key = $1`, key, status, body)
	return err
}

// Release implements ports.IdempotencyStore.
func (IdempotencyKeys) Release(ctx context.Context, key string) error {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE key = $1 AND response_status IS NULL`, key)
	return err
}

// Purge implements ports.IdempotencyStore.
func (IdempotencyKeys) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, cutoff)
	return tag.RowsAffected(), err
}
