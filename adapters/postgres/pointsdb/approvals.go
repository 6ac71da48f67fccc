package pointsdb

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/ports"
)

// Approvals keeps adjustment requests in the tenant transaction.
type Approvals struct{}

var _ points.Approvals = Approvals{}

const requestColumns = `r.id, r.customer_id, r.wallet, r.points, r.reason_code, coalesce(r.note, ''), coalesce(r.reference, ''),
	r.fingerprint, r.status, r.requested_by_kind, r.requested_by, r.requested_by_label, r.requested_at,
	coalesce(r.decided_by_kind, ''), coalesce(r.decided_by, ''), coalesce(r.decided_by_label, ''), r.decided_at,
	coalesce(r.decision_note, ''), r.operation_id`

func scanRequest(row pgx.CollectableRow) (points.AdjustmentRequest, error) {
	var r points.AdjustmentRequest
	var decided *time.Time
	var op *uuid.UUID
	if err := row.Scan(&r.ID, &r.Customer, &r.Wallet, &r.Points, &r.ReasonCode, &r.Note, &r.Reference, &r.Fingerprint, &r.Status,
		&r.RequestedBy.Kind, &r.RequestedBy.ID, &r.RequestedBy.Label, &r.RequestedAt, &r.DecidedBy.Kind, &r.DecidedBy.ID,
		&r.DecidedBy.Label, &decided, &r.DecisionNote, &op); err != nil {
		return r, err
	}
	if decided != nil {
		r.DecidedAt = *decided
	}
	if op != nil {
		r.OperationID = *op
	}
	return r, nil
}

func (Approvals) one(ctx context.Context, where string, args ...any) (points.AdjustmentRequest, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return points.AdjustmentRequest{}, err
	}
	rows, err := q.Query(ctx, `SELECT `+requestColumns+` FROM points_adjustment_requests r WHERE `+where, args...)
	if err != nil {
		return points.AdjustmentRequest{}, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanRequest)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, points.ErrRequestNotFound
	}
	return r, err
}

// Insert implements points.Approvals.
func (a Approvals) Insert(ctx context.Context, r points.AdjustmentRequest) (points.AdjustmentRequest, bool, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return r, false, err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	tag, err := tx.Exec(ctx, `INSERT INTO points_adjustment_requests (tenant_id, id, customer_id, wallet, points, reason_code, note,
			reference, fingerprint, status, requested_by_kind, requested_by, requested_by_label, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (tenant_id, reference) WHERE reference IS NOT NULL DO NOTHING`,
		tenant.UUID(), r.ID, r.Customer, string(r.Wallet), r.Points, r.ReasonCode, nullable(r.Note), nullable(r.Reference),
		r.Fingerprint, string(r.Status), string(r.RequestedBy.Kind), r.RequestedBy.ID, r.RequestedBy.Label, r.RequestedAt)
	if err != nil {
		return r, false, customerMissing(err)
	}
	if tag.RowsAffected() == 1 {
		return r, true, nil
	}
	stored, err := a.one(ctx, "r.reference = $1", r.Reference)
	return stored, false, err
}

// ByReference implements points.Approvals.
func (a Approvals) ByReference(ctx context.Context, reference string) (points.AdjustmentRequest, bool, error) {
	r, err := a.one(ctx, "r.reference = $1", reference)
	if errors.Is(err, points.ErrRequestNotFound) {
		return r, false, nil
	}
	return r, err == nil, err
}

// Lock implements points.Approvals.
func (a Approvals) Lock(ctx context.Context, id uuid.UUID) (points.AdjustmentRequest, error) {
	if _, err := postgres.WriteTx(ctx); err != nil {
		return points.AdjustmentRequest{}, err
	}
	return a.one(ctx, "r.id = $1 FOR UPDATE", id)
}

// Get implements points.Approvals.
func (a Approvals) Get(ctx context.Context, id uuid.UUID) (points.AdjustmentRequest, error) {
	return a.one(ctx, "r.id = $1", id)
}

// Decide implements points.Approvals.
func (Approvals) Decide(ctx context.Context, r points.AdjustmentRequest) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE points_adjustment_requests SET status = $2, decided_by_kind = $3, decided_by = $4,
		decided_by_label = $5, decided_at = $6, decision_note = $7, operation_id = $8 WHERE id = $1 AND status = 'pending'`,
		r.ID, string(r.Status), string(r.DecidedBy.Kind), r.DecidedBy.ID, r.DecidedBy.Label, r.DecidedAt, nullable(r.DecisionNote),
		nullable(r.OperationID))
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return points.ErrRequestDecided
	}
	return nil
}

// queueWhere filters a review queue (the table aliased alias, newest ID first) by status and
// customer when given, after the page's cursor; ErrBadCursor for a cursor that is no ID.
func queueWhere(alias, status string, customer uuid.UUID, page ports.Page) (*postgres.Where, error) {
	w := &postgres.Where{}
	w.And("true")
	if status != "" {
		w.And(alias+".status = $1", status)
	}
	if customer != uuid.Nil {
		w.And(alias+".customer_id = $1", customer)
	}
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		w.And(alias+".id < $1", after)
	}
	return w, nil
}

// List implements points.Approvals.
func (Approvals) List(ctx context.Context, rq points.RequestQuery, page ports.Page) ([]points.AdjustmentRequest, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	w, err := queueWhere("r", string(rq.Status), rq.Customer, page)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+requestColumns+` FROM points_adjustment_requests r WHERE `+w.String()+
		` ORDER BY r.id DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanRequest)
}
