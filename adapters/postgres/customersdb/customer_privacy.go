package customersdb

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// CustomerMerges implements ports.CustomerMergeRepository.
type CustomerMerges struct{}

var _ ports.CustomerMergeRepository = CustomerMerges{}

// customerStates selects the state of customers c; callers add the WHERE clause.
const customerStates = `SELECT c.id, c.erased_at IS NOT NULL,
		EXISTS (SELECT 1 FROM customer_erasures e WHERE e.customer_id = c.id AND e.status = 'pending')
	FROM customers c `

// Lock implements ports.CustomerMergeRepository. The rows are locked FOR NO KEY UPDATE, in ID
// order as every locker of customers, so events keep being stored for both while they merge;
// the duplicate's key lock comes with its delete, last.
func (CustomerMerges) Lock(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]ports.CustomerState, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, customerStates+`WHERE c.id = ANY($1::uuid[]) ORDER BY c.id FOR NO KEY UPDATE OF c`, ids)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]ports.CustomerState{}
	var s ports.CustomerState
	_, err = pgx.ForEachRow(rows, []any{&s.ID, &s.Erased, &s.ErasurePending}, func() error {
		out[s.ID] = s
		return nil
	})
	return out, err
}

// ReleaseKeys implements ports.CustomerMergeRepository.
func (CustomerMerges) ReleaseKeys(ctx context.Context, id uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE customers SET phone = NULL, external_id = NULL WHERE id = $1`, id)
	return err
}

// Remove implements ports.CustomerMergeRepository.
func (CustomerMerges) Remove(ctx context.Context, from, into uuid.UUID) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `UPDATE customer_merges SET survivor_id = $2 WHERE survivor_id = $1`, from, into); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `INSERT INTO customer_merges (tenant_id, merged_id, survivor_id) VALUES ($1, $2, $3)`,
		tenant.UUID(), from, into); err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM customers WHERE id = $1`, from)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrCustomerNotFound
	}
	return err
}

// Survivor implements ports.CustomerMergeRepository.
func (CustomerMerges) Survivor(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return uuid.Nil, err
	}
	var survivor uuid.UUID
	err = q.QueryRow(ctx, `SELECT survivor_id FROM customer_merges WHERE merged_id = $1`, id).Scan(&survivor)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, ports.ErrNotMerged
	}
	return survivor, err
}

// LookAlikes implements ports.CustomerMergeRepository.
func (CustomerMerges) LookAlikes(ctx context.Context, c customer.Customer, limit int) ([]customer.Customer, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+customerColumns+` FROM customers
		WHERE id <> $1 AND erased_at IS NULL AND ((lower(email) = lower($2) AND $2 <> '') OR (name = $3 AND city = $4 AND $3 <> ''))
		ORDER BY created_at, id LIMIT $5`, c.ID, c.Email, c.Name, c.City, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (customer.Customer, error) { return scanCustomer(r) })
}

// isCheckViolation reports whether err is a violation of check constraint.
func isCheckViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23514" && pgErr.ConstraintName == constraint
}

// Erasures implements ports.ErasureRepository.
type Erasures struct{}

var _ ports.ErasureRepository = Erasures{}

const erasureColumns = `id, customer_id, requested_by, status, requested_at, due_at, closed_at`

func scanErasure(row pgx.Row) (ports.Erasure, error) {
	var e ports.Erasure
	err := row.Scan(&e.ID, &e.CustomerID, &e.RequestedBy, &e.Status, &e.RequestedAt, &e.DueAt, &e.ClosedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, ports.ErrErasureNotFound
	}
	return e, err
}

// State implements ports.ErasureRepository.
func (Erasures) State(ctx context.Context, customer uuid.UUID) (ports.CustomerState, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.CustomerState{}, err
	}
	var s ports.CustomerState
	err = q.QueryRow(ctx, customerStates+`WHERE c.id = $1`, customer).Scan(&s.ID, &s.Erased, &s.ErasurePending)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, ports.ErrCustomerNotFound
	}
	return s, err
}

// Insert implements ports.ErasureRepository.
func (Erasures) Insert(ctx context.Context, e ports.Erasure) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO customer_erasures (tenant_id, id, customer_id, requested_by, status, requested_at, due_at)
		VALUES ($1, $2, $3, $4, 'pending', $5, $6)`, tenant.UUID(), e.ID, e.CustomerID, e.RequestedBy, e.RequestedAt, e.DueAt)
	var pgErr *pgconn.PgError
	switch {
	case postgres.IsUniqueViolation(err, "customer_erasures_pending"):
		return ports.ErrErasurePending
	case errors.As(err, &pgErr) && pgErr.Code == "23503":
		return ports.ErrCustomerNotFound
	}
	return err
}

// Lock implements ports.ErasureRepository.
func (Erasures) Lock(ctx context.Context, id uuid.UUID) (ports.Erasure, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.Erasure{}, err
	}
	return scanErasure(q.QueryRow(ctx, `SELECT `+erasureColumns+` FROM customer_erasures WHERE id = $1 FOR UPDATE`, id))
}

// Pending implements ports.ErasureRepository.
func (Erasures) Pending(ctx context.Context, customer uuid.UUID) (ports.Erasure, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.Erasure{}, err
	}
	return scanErasure(q.QueryRow(ctx, `SELECT `+erasureColumns+` FROM customer_erasures
		WHERE customer_id = $1 AND status = 'pending'`, customer))
}

// Close implements ports.ErasureRepository.
func (Erasures) Close(ctx context.Context, id uuid.UUID, status ports.ErasureStatus, at time.Time) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE customer_erasures SET status = $2, closed_at = $3 WHERE id = $1 AND status = 'pending'`,
		id, string(status), at)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrErasureNotFound
	}
	return err
}

// List implements ports.ErasureRepository.
func (Erasures) List(ctx context.Context, page ports.Page) ([]ports.Erasure, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var w postgres.Where
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		w.And("(requested_at, id) < (SELECT requested_at, id FROM customer_erasures WHERE id = $1)", after)
	}
	rows, err := q.Query(ctx, `SELECT `+erasureColumns+` FROM customer_erasures WHERE `+w.String()+
		` ORDER BY requested_at DESC, id DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ports.Erasure, error) { return scanErasure(r) })
}

// EraseProfile implements ports.ErasureRepository. Gender, language, city, region and the
// preferred store stay: alone they identify nobody, and segments and reports count by them.
func (Erasures) EraseProfile(ctx context.Context, customer uuid.UUID, at time.Time) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE customers SET external_id = NULL, name = '', birth_date = NULL, phone = NULL, email = NULL,
		avatar_url = NULL, address = '{}', consents = '{}', attributes = '{}', erased_at = coalesce(erased_at, $2), updated_at = now()
		WHERE id = $1`, customer, at)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrCustomerNotFound
	}
	return err
}
