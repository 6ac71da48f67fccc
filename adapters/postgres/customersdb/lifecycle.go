package customersdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
)

// Lifecycle implements ports.LifecycleRepository on lifecycle_settings and the customers'
// lifecycle columns.
type Lifecycle struct{}

var _ ports.LifecycleRepository = Lifecycle{}

// Settings implements ports.LifecycleRepository.
func (Lifecycle) Settings(ctx context.Context) (lifecycle.Settings, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return lifecycle.Settings{}, err
	}
	var s lifecycle.Settings
	err = q.QueryRow(ctx, `SELECT new_days, at_risk_days, lapsed_days, won_back_days FROM lifecycle_settings`).
		Scan(&s.NewDays, &s.AtRiskDays, &s.LapsedDays, &s.WonBackDays)
	if errors.Is(err, pgx.ErrNoRows) {
		return lifecycle.Defaults, nil
	}
	return s, err
}

// PutSettings implements ports.LifecycleRepository.
func (Lifecycle) PutSettings(ctx context.Context, s lifecycle.Settings) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO lifecycle_settings (tenant_id, new_days, at_risk_days, lapsed_days, won_back_days)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (tenant_id) DO UPDATE SET new_days = $2, at_risk_days = $3, lapsed_days = $4, won_back_days = $5,
			updated_at = now()`, tenant.UUID(), s.NewDays, s.AtRiskDays, s.LapsedDays, s.WonBackDays)
	return err
}

// changesSQL is lifecycle.Settings.Evaluate, set-based: it ends in the CTE s of the customers
// whose stage changes (id, prev, stage, since), among those its %s selects. $1 is now, $2-$5
// the settings in days; a day is 24 hours of interval, as in the domain.
//
// The rule thus exists twice, in Go (domain/lifecycle) and here: change both together.
// TestLifecycleRecomputeInSQLAgreesWithTheDomain (lifecycle_test.go) checks that they agree over
// a table of customers at every boundary and hundreds drawn around them.
const changesSQL = `WITH f AS (
	SELECT c.id, c.lifecycle_stage AS prev, c.lifecycle_since AS prev_since,
		least(c.created_at, a.first_seen_at) AS joined, a.last_purchase_at AS lp
	FROM customers c LEFT JOIN customer_activity a ON a.customer_id = c.id
	WHERE %s
), d AS (
	SELECT f.*, coalesce(lp, joined) AS ref, joined + $2::int * interval '24 hours' AS new_end,
		$5::int * interval '24 hours' AS won_back
	FROM f
), r AS (
	SELECT d.*, CASE
		WHEN prev = 'won_back' AND $1::timestamptz - prev_since <= won_back THEN 'won_back'
		WHEN prev = 'lapsed' AND lp > prev_since AND $1::timestamptz - lp <= won_back THEN 'won_back'
		WHEN $1::timestamptz - joined <= $2::int * interval '24 hours' THEN 'new'
		WHEN $1::timestamptz - ref <= $3::int * interval '24 hours' THEN 'active'
		WHEN $1::timestamptz - ref <= $4::int * interval '24 hours' THEN 'at_risk'
		ELSE 'lapsed' END AS stage
	FROM d
), s AS (
	SELECT id, prev, stage, least($1::timestamptz, CASE WHEN prev = 'won_back' THEN greatest(b, prev_since + won_back) ELSE b END) AS since
	FROM (SELECT r.*, CASE stage
			WHEN 'new' THEN joined
			WHEN 'won_back' THEN lp
			WHEN 'active' THEN greatest(ref, new_end)
			WHEN 'at_risk' THEN greatest(ref + $3::int * interval '24 hours', new_end)
			ELSE greatest(ref + $4::int * interval '24 hours', new_end) END AS b
		FROM r WHERE stage <> prev) x
)`

func settingsArgs(s lifecycle.Settings, now time.Time) []any {
	return []any{now, s.NewDays, s.AtRiskDays, s.LapsedDays, s.WonBackDays}
}

// Recompute implements ports.LifecycleRepository in one statement. The changed rows are locked
// in ID order, waiting for other transactions, and written only if their stage is still the
// one it was computed from. The lock is FOR NO KEY UPDATE, as the UPDATE's own: no key
// changes, so the foreign key checks of concurrent ingests (FOR KEY SHARE) neither wait on it
// nor make it wait, and the two cannot deadlock.
func (Lifecycle) Recompute(ctx context.Context, s lifecycle.Settings, now time.Time, ids []uuid.UUID) ([]lifecycle.Change, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(changesSQL, "c.id = ANY($6::uuid[])")+`,
		l AS (SELECT id FROM customers WHERE id IN (SELECT id FROM s) ORDER BY id FOR NO KEY UPDATE)
		UPDATE customers c SET lifecycle_stage = s.stage, lifecycle_since = s.since
		FROM s JOIN l ON l.id = s.id
		WHERE c.id = s.id AND c.lifecycle_stage = s.prev
		RETURNING c.id, s.prev, s.stage, s.since`, append(settingsArgs(s, now), ids)...)
	if err != nil {
		return nil, err
	}
	return collectChanges(rows)
}

// collectChanges reads rows of (id, prev, stage, since) in ID order.
func collectChanges(rows pgx.Rows) ([]lifecycle.Change, error) {
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (lifecycle.Change, error) {
		var c lifecycle.Change
		err := r.Scan(&c.CustomerID, &c.From, &c.To, &c.Since)
		return c, err
	})
	slices.SortFunc(out, func(a, b lifecycle.Change) int { return slices.Compare(a.CustomerID[:], b.CustomerID[:]) })
	return out, err
}

// RecomputeAll implements ports.LifecycleRepository in two statements: one reads the changes
// over the whole brand, the other writes them by ID. Only the changed rows are locked (FOR NO
// KEY UPDATE, as Recompute), and those another transaction holds are skipped: the sweep never
// waits on an event reaction (which recomputes its customers itself), so the two cannot
// deadlock; an ingest's foreign key checks do not hold them, so none is skipped for those. A
// customer whose stage an event reaction changed between the two statements is not
// overwritten; one whose purchase kept the stage the read saw may be, until the next event or
// sweep.
func (Lifecycle) RecomputeAll(ctx context.Context, s lifecycle.Settings, now time.Time) ([]lifecycle.Change, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return nil, err
	}
	// Compiling the plan costs more than it saves on a scan this simple.
	if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(changesSQL, "TRUE")+` SELECT id, prev, stage, since FROM s`, settingsArgs(s, now)...)
	if err != nil {
		return nil, err
	}
	var (
		ids           []uuid.UUID
		prevs, stages []string
		sinces        []time.Time
		id            uuid.UUID
		prev, stage   string
		since         time.Time
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &prev, &stage, &since}, func() error {
		ids, prevs, stages, sinces = append(ids, id), append(prevs, prev), append(stages, stage), append(sinces, since)
		return nil
	}); err != nil || len(ids) == 0 {
		return nil, err
	}
	rows, err = tx.Query(ctx, `WITH u AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS u (id, prev, stage, since)),
		l AS (SELECT id FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED)
		UPDATE customers c SET lifecycle_stage = u.stage, lifecycle_since = u.since
		FROM u JOIN l ON l.id = u.id
		WHERE c.id = u.id AND c.lifecycle_stage = u.prev
		RETURNING c.id, u.prev, u.stage, u.since`, ids, prevs, stages, sinces)
	if err != nil {
		return nil, err
	}
	return collectChanges(rows)
}

// Counts implements ports.LifecycleRepository.
func (Lifecycle) Counts(ctx context.Context) ([]ports.StageCount, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT lifecycle_stage, count(*) FROM customers GROUP BY lifecycle_stage`)
	if err != nil {
		return nil, err
	}
	got := map[lifecycle.Stage]int64{}
	var (
		stage lifecycle.Stage
		n     int64
	)
	if _, err := pgx.ForEachRow(rows, []any{&stage, &n}, func() error { got[stage] = n; return nil }); err != nil {
		return nil, err
	}
	out := make([]ports.StageCount, len(lifecycle.Stages))
	for i, st := range lifecycle.Stages {
		out[i] = ports.StageCount{Stage: st, Customers: got[st]}
	}
	return out, nil
}
