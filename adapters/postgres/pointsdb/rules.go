package pointsdb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// Rules keeps each brand's earning rule versions in the tenant transaction.
type Rules struct{}

var _ points.RuleStore = Rules{}

// Versions implements points.RuleStore.
func (Rules) Versions(ctx context.Context) ([]rules.Version, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT version, effective_at, rules, coalesce(note, ''), created_by, created_at
		FROM points_rule_versions WHERE withdrawn_at IS NULL ORDER BY effective_at`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (rules.Version, error) {
		var v rules.Version
		var raw []byte
		if err := row.Scan(&v.Number, &v.EffectiveAt, &raw, &v.Note, &v.CreatedBy, &v.CreatedAt); err != nil {
			return v, err
		}
		return v, json.Unmarshal(raw, &v.Set)
	})
}

// Add implements points.RuleStore: versions of a brand are numbered one after the other under
// a transaction lock of the brand's; a withdrawn version keeps its number.
func (Rules) Add(ctx context.Context, v rules.Version) (rules.Version, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return v, err
	}
	raw, err := json.Marshal(v.Set)
	if err != nil {
		return v, err
	}
	var note *string
	if v.Note != "" {
		note = &v.Note
	}
	// The lock first, in a statement of its own: the next one's snapshot then sees the version a
	// concurrent transaction added while this one waited.
	if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('points_rule_versions:' || $1::text, 0))`, tenant.UUID()); err != nil {
		return v, err
	}
	err = q.QueryRow(ctx, `INSERT INTO points_rule_versions (tenant_id, version, effective_at, rules, note, created_by)
		SELECT $1, coalesce((SELECT max(version) FROM points_rule_versions), 0) + 1, $2, $3, $4, $5
		RETURNING version, created_at`, tenant.UUID(), v.EffectiveAt, raw, note, v.CreatedBy).Scan(&v.Number, &v.CreatedAt)
	if postgres.IsUniqueViolation(err, "points_rule_versions_effective") {
		return v, points.ErrEffectiveTaken
	}
	return v, err
}

// Withdraw implements points.RuleStore.
func (Rules) Withdraw(ctx context.Context, number int, now time.Time) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE points_rule_versions SET withdrawn_at = $2
		WHERE version = $1 AND withdrawn_at IS NULL AND effective_at > $2`, number, now)
	if err != nil || tag.RowsAffected() == 1 {
		return err
	}
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT FROM points_rule_versions WHERE version = $1 AND withdrawn_at IS NULL)`,
		number).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return points.ErrVersionInEffect
	}
	return points.ErrVersionNotFound
}

// EarnedOn implements points.RuleStore, in one statement: the lots credited by purchase
// operations, earned in each span.
func (Rules) EarnedOn(ctx context.Context, spans []points.DaySpan) ([]map[ledger.Wallet]int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	n := len(spans)
	customers, from, to := make([]uuid.UUID, n), make([]time.Time, n), make([]time.Time, n)
	for i, s := range spans {
		customers[i], from[i], to[i] = s.Customer, s.From, s.To
	}
	rows, err := q.Query(ctx, `SELECT k.i, l.wallet, sum(l.amount)
		FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS k (customer_id, since, until, i)
		JOIN points_lots l ON l.customer_id = k.customer_id AND l.earned_at >= k.since AND l.earned_at < k.until
		JOIN points_operations o ON o.tenant_id = l.tenant_id AND o.id = l.operation_id AND o.kind = 'purchase'
		GROUP BY k.i, l.wallet`, customers, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]map[ledger.Wallet]int64, n)
	var i int
	var w ledger.Wallet
	var sum int64
	_, err = pgx.ForEachRow(rows, []any{&i, &w, &sum}, func() error {
		if out[i-1] == nil {
			out[i-1] = map[ledger.Wallet]int64{}
		}
		out[i-1][w] = sum
		return nil
	})
	return out, err
}
