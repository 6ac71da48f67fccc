package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// setTenant sets the tenant for the rest of the (implicit) transaction and makes that
// transaction read-only, so PostgreSQL itself refuses any write or row lock the query attempts
// (SQLSTATE 25006). Turning read-only on is allowed at any point of a transaction.
const setTenant = "SELECT set_config('app.tenant_id', $1, true), set_config('transaction_read_only', 'on', true)"

// tenantReader runs each query as a two-statement batch, the tenant setting then the query.
// A batch ends with a single Sync, so both run in one implicit transaction: the setting holds
// for the query and is gone after it. Were they ever split, the query would see no tenant and
// so no rows: the failure is closed.
type tenantReader struct {
	pool   *pgxpool.Pool
	tenant string
}

func (r *tenantReader) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, ErrReadOnly
}

func (r *tenantReader) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	b := &pgx.Batch{}
	b.Queue(setTenant, r.tenant)
	b.Queue(sql, args...)
	br := r.pool.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, readOnly(err)
	}
	return &batchRows{Rows: rows, batch: br}, nil
}

// readOnly names a write PostgreSQL refused in the read-only scope as ErrReadOnly.
func readOnly(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "25006" {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}

func (r *tenantReader) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := r.Query(ctx, sql, args...)
	return &batchRow{rows: rows, err: err}
}

// batchRows releases the batch (and its connection) when the rows are closed.
type batchRows struct {
	pgx.Rows
	batch  pgx.BatchResults
	closed bool
}

func (r *batchRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.Rows.Close()
	_ = r.batch.Close()
}

// Err names a refused write, which PostgreSQL reports only once the statement runs.
func (r *batchRows) Err() error { return readOnly(r.Rows.Err()) }

func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

type batchRow struct {
	rows pgx.Rows
	err  error
}

func (r *batchRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}
