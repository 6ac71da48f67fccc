package pointsdb

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/ports"
)

// Fraud keeps the brands' fraud rules, what they count, the review queue and the customers'
// risk ranks in the tenant transaction.
type Fraud struct{}

var _ points.FraudStore = Fraud{}

// Settings implements points.FraudStore.
func (Fraud) Settings(ctx context.Context) (fraud.Settings, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return fraud.Settings{}, err
	}
	var raw []byte
	err = q.QueryRow(ctx, `SELECT rules FROM points_fraud_settings`).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return fraud.Settings{Limits: []fraud.Limit{}}, nil
	}
	var s fraud.Settings
	if err == nil {
		err = json.Unmarshal(raw, &s)
	}
	return s, err
}

// PutSettings implements points.FraudStore.
func (Fraud) PutSettings(ctx context.Context, s fraud.Settings) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO points_fraud_settings (tenant_id, rules) VALUES ($1, $2)
		ON CONFLICT (tenant_id) DO UPDATE SET rules = EXCLUDED.rules, updated_at = now()`, tenant.UUID(), raw)
	return err
}

// Totals implements points.FraudStore: every window in one statement over the index.
func (Fraud) Totals(ctx context.Context, qs []fraud.Query) ([]fraud.Total, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	n := len(qs)
	kinds, subjects, values, since, until := make([]string, n), make([]string, n), make([]string, n), make([]time.Time, n), make([]time.Time, n)
	for i, x := range qs {
		kinds[i], subjects[i], values[i], since[i], until[i] = string(x.Kind), string(x.Key.Subject), x.Key.Value, x.Since, x.Until
	}
	rows, err := q.Query(ctx, `SELECT s.i, count(a.points), coalesce(sum(a.points), 0)::bigint
		FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) WITH ORDINALITY
			AS s (kind, subject, value, since, until, i)
		LEFT JOIN points_fraud_activity a ON a.kind = s.kind AND a.subject = s.subject AND a.value = s.value
			AND a.at >= s.since AND a.at < s.until
		GROUP BY s.i`, kinds, subjects, values, since, until)
	if err != nil {
		return nil, err
	}
	out := make([]fraud.Total, n)
	var i int
	var t fraud.Total
	_, err = pgx.ForEachRow(rows, []any{&i, &t.Count, &t.Points}, func() error {
		out[i-1] = t
		return nil
	})
	return out, err
}

// Count implements points.FraudStore.
func (Fraud) Count(ctx context.Context, rs []points.FraudRow) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	n := len(rs)
	ids, kinds, subjects, values := make([]uuid.UUID, n), make([]string, n), make([]string, n), make([]string, n)
	customers, pts, ops, at := make([]uuid.UUID, n), make([]int64, n), make([]*uuid.UUID, n), make([]time.Time, n)
	for i, r := range rs {
		ids[i], kinds[i], subjects[i], values[i] = uuid.Must(uuid.NewV7()), string(r.Kind), string(r.Key.Subject), r.Key.Value
		customers[i], pts[i], ops[i], at[i] = r.Customer, r.Points, nullable(r.OperationID), r.At
	}
	_, err = tx.Exec(ctx, `INSERT INTO points_fraud_activity (tenant_id, id, kind, subject, value, customer_id, points, operation_id, at)
		SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::bigint[], $8::uuid[], $9::timestamptz[])`,
		tenant.UUID(), ids, kinds, subjects, values, customers, pts, ops, at)
	return err
}

// Recent implements points.FraudStore.
func (Fraud) Recent(ctx context.Context, customer uuid.UUID, since time.Time) ([]points.RecentEarning, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT a.operation_id, a.points, a.at, coalesce(f.status = 'approved', false)
		FROM points_fraud_activity a LEFT JOIN points_fraud_flags f ON f.key = 'redeem:' || a.operation_id::text
		WHERE a.kind = 'earn' AND a.subject = 'customer' AND a.value = $1 AND a.at >= $2 AND a.operation_id IS NOT NULL
		ORDER BY a.at`, customer.String(), since)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (points.RecentEarning, error) {
		var e points.RecentEarning
		return e, r.Scan(&e.OperationID, &e.Points, &e.At, &e.Approved)
	})
}

// RiskRanks implements points.FraudStore.
func (Fraud) RiskRanks(ctx context.Context, customers []uuid.UUID) (map[uuid.UUID]int, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT customer_id, rank FROM points_risk_ranks WHERE customer_id = ANY($1)`, customers)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]int{}
	var id uuid.UUID
	var rank int
	_, err = pgx.ForEachRow(rows, []any{&id, &rank}, func() error {
		out[id] = rank
		return nil
	})
	return out, err
}

// PutRiskRank implements points.FraudStore.
func (Fraud) PutRiskRank(ctx context.Context, customer uuid.UUID, rank int, at time.Time) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	_, err = tx.Exec(ctx, `INSERT INTO points_risk_ranks (tenant_id, customer_id, rank, checked_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (tenant_id, customer_id) DO UPDATE SET rank = EXCLUDED.rank, checked_at = EXCLUDED.checked_at`,
		tenant.UUID(), customer, rank, at)
	return err
}

const flagColumns = `f.id, f.key, f.kind, f.customer_id, f.operation_id, coalesce(f.purchase_id, ''), f.held, f.release_at, f.reasons,
	f.status, f.created_at, coalesce(f.decided_by_kind, ''), coalesce(f.decided_by, ''), coalesce(f.decided_by_label, ''),
	f.decided_at, coalesce(f.decision_reason, ''), coalesce(f.decision_note, ''), f.decision_operation`

func scanFlag(row pgx.CollectableRow) (points.Flag, error) {
	var f points.Flag
	var op, decisionOp *uuid.UUID
	var release, decided *time.Time
	var held, reasons []byte
	if err := row.Scan(&f.ID, &f.Key, &f.Kind, &f.Customer, &op, &f.PurchaseID, &held, &release, &reasons, &f.Status, &f.CreatedAt,
		&f.DecidedBy.Kind, &f.DecidedBy.ID, &f.DecidedBy.Label, &decided, &f.DecisionReason, &f.DecisionNote, &decisionOp); err != nil {
		return f, err
	}
	if op != nil {
		f.OperationID = *op
	}
	if decisionOp != nil {
		f.DecisionOperation = *decisionOp
	}
	if release != nil {
		f.ReleaseAt = *release
	}
	if decided != nil {
		f.DecidedAt = *decided
	}
	if err := json.Unmarshal(held, &f.Held); err != nil {
		return f, err
	}
	return f, json.Unmarshal(reasons, &f.Reasons)
}

func (Fraud) one(ctx context.Context, where string, args ...any) (points.Flag, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return points.Flag{}, err
	}
	rows, err := q.Query(ctx, `SELECT `+flagColumns+` FROM points_fraud_flags f WHERE `+where, args...)
	if err != nil {
		return points.Flag{}, err
	}
	f, err := pgx.CollectExactlyOneRow(rows, scanFlag)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, points.ErrFlagNotFound
	}
	return f, err
}

// InsertFlag implements points.FraudStore.
func (s Fraud) InsertFlag(ctx context.Context, f points.Flag) (points.Flag, bool, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return f, false, err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	if f.Held == nil {
		f.Held = []points.HeldPoints{}
	}
	held, _ := json.Marshal(f.Held)
	reasons, _ := json.Marshal(f.Reasons)
	tag, err := tx.Exec(ctx, `INSERT INTO points_fraud_flags (tenant_id, id, key, kind, customer_id, operation_id, purchase_id, held,
			release_at, reasons, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (tenant_id, key) DO NOTHING`,
		tenant.UUID(), f.ID, f.Key, string(f.Kind), f.Customer, nullable(f.OperationID), nullable(f.PurchaseID), held,
		nullTime(f.ReleaseAt), reasons, string(f.Status), f.CreatedAt)
	if err != nil {
		return f, false, err
	}
	if tag.RowsAffected() == 1 {
		return f, true, nil
	}
	stored, err := s.one(ctx, "f.key = $1", f.Key)
	return stored, false, err
}

// LockFlag implements points.FraudStore.
func (s Fraud) LockFlag(ctx context.Context, id uuid.UUID) (points.Flag, error) {
	if _, err := postgres.WriteTx(ctx); err != nil {
		return points.Flag{}, err
	}
	return s.one(ctx, "f.id = $1 FOR UPDATE", id)
}

// Flag implements points.FraudStore.
func (s Fraud) Flag(ctx context.Context, id uuid.UUID) (points.Flag, error) {
	return s.one(ctx, "f.id = $1", id)
}

// DecideFlag implements points.FraudStore.
func (Fraud) DecideFlag(ctx context.Context, f points.Flag) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE points_fraud_flags SET status = $2, decided_by_kind = $3, decided_by = $4, decided_by_label = $5,
		decided_at = $6, decision_reason = $7, decision_note = $8, decision_operation = $9 WHERE id = $1 AND status = 'pending'`,
		f.ID, string(f.Status), string(f.DecidedBy.Kind), f.DecidedBy.ID, f.DecidedBy.Label, f.DecidedAt, f.DecisionReason,
		nullable(f.DecisionNote), nullable(f.DecisionOperation))
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return points.ErrFlagDecided
	}
	return nil
}

// Flags implements points.FraudStore.
func (Fraud) Flags(ctx context.Context, fq points.FlagQuery, page ports.Page) ([]points.Flag, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	w, err := queueWhere("f", string(fq.Status), fq.Customer, page)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+flagColumns+` FROM points_fraud_flags f WHERE `+w.String()+
		` ORDER BY f.id DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanFlag)
}

// moveFraud makes a merged duplicate's flags, counted activity and risk rank the survivor's
// (the survivor's own rank wins), so that a decision on a flag locks the survivor's points.
func moveFraud(ctx context.Context, q postgres.Querier, from, into uuid.UUID) error {
	_, err := q.Exec(ctx, `WITH flags AS (UPDATE points_fraud_flags SET customer_id = $2 WHERE customer_id = $1),
		activity AS (UPDATE points_fraud_activity SET customer_id = $2,
			value = CASE WHEN subject = 'customer' THEN $2::text ELSE value END WHERE customer_id = $1),
		kept AS (INSERT INTO points_risk_ranks (tenant_id, customer_id, rank, checked_at)
			SELECT tenant_id, $2, rank, checked_at FROM points_risk_ranks WHERE customer_id = $1
			ON CONFLICT (tenant_id, customer_id) DO NOTHING)
		DELETE FROM points_risk_ranks WHERE customer_id = $1`, from, into)
	return err
}

// eraseFraud removes what the fraud rules keep that says something about the person: the
// devices, IP addresses and phone prefixes counted, the risk rank and the decisions' notes.
// Amounts and the flags' outcomes stay.
func eraseFraud(ctx context.Context, q postgres.Querier, customer uuid.UUID) error {
	_, err := q.Exec(ctx, `WITH activity AS (DELETE FROM points_fraud_activity
			WHERE customer_id = $1 AND subject IN ('device', 'ip', 'phone')),
		ranks AS (DELETE FROM points_risk_ranks WHERE customer_id = $1)
		UPDATE points_fraud_flags SET decision_note = NULL WHERE customer_id = $1 AND decision_note IS NOT NULL`, customer)
	return err
}
