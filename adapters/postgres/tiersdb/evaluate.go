package tiersdb

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// windowsSQL is what the evaluation and the warnings share, for the members filter keeps: each
// member's windows from a day (day: an expression of the member m; the evaluation's is now's
// day in zone $5), the figures of the evaluation window summed, and the highest tier they
// qualify for (ladder arrays $6..$10, 1-based, NULL for a criterion a tier lacks), in q.
func windowsSQL(day, filter string) string {
	return fmt.Sprintf(`
WITH m AS (
	SELECT m.customer_id, m.tier, coalesce(array_position($6::text[], m.tier), 1) AS cur,
		coalesce(m.manual AND m.manual_until <= $4, false) AS lapsed,
		coalesce(m.manual AND m.manual_until <= $4 OR m.valid_until <= $4, false) AS due, w.eval_from, w.eval_to, w.base
	FROM tier_members m CROSS JOIN LATERAL (SELECT %[1]s AS d) AS p
	CROSS JOIN LATERAL (SELECT extract(year FROM p.d)::int AS y,
		extract(year FROM p.d)::int - extract(year FROM m.joined)::int
			- CASE WHEN (m.joined + make_interval(years => extract(year FROM p.d)::int - extract(year FROM m.joined)::int))::date > p.d
				THEN 1 ELSE 0 END AS k) AS a
	CROSS JOIN LATERAL (SELECT
		CASE $1::text WHEN 'calendar_year' THEN make_date(a.y - 1, 1, 1) WHEN 'rolling_12_months' THEN (p.d - interval '12 months')::date
			ELSE (m.joined + make_interval(years => a.k - 1))::date END AS eval_from,
		CASE $1::text WHEN 'calendar_year' THEN make_date(a.y, 1, 1) WHEN 'rolling_12_months' THEN p.d
			ELSE (m.joined + make_interval(years => a.k))::date END AS eval_to,
		CASE $1::text WHEN 'calendar_year' THEN make_date(a.y + 1, 1, 1) WHEN 'rolling_12_months' THEN (p.d + interval '12 months')::date
			ELSE (m.joined + make_interval(years => a.k + 1))::date END AS base) AS w
	WHERE %[2]s
), f AS (
	SELECT f.customer_id, sum(f.spend_fen - CASE WHEN $2::boolean THEN f.refund_fen ELSE 0 END)::bigint AS spend,
		sum(f.status_points - CASE WHEN $2::boolean THEN f.status_refunded ELSE 0 END)::bigint AS status,
		count(*) FILTER (WHERE f.visited) AS visits
	FROM tier_facts f JOIN m ON m.customer_id = f.customer_id AND f.day >= m.eval_from AND f.day < m.eval_to
	GROUP BY f.customer_id
), ladder AS MATERIALIZED (
	SELECT * FROM unnest($6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::boolean[]) WITH ORDINALITY
		AS t(code, spend, status, visits, anyof, n)
), q AS MATERIALIZED (
	SELECT m.*, coalesce(f.spend, 0) AS spend, coalesce(f.status, 0) AS status, coalesce(f.visits, 0) AS visits, l.qualified
	FROM m LEFT JOIN f USING (customer_id)
	CROSS JOIN LATERAL (SELECT max(t.n) AS qualified FROM ladder t
		WHERE t.n = 1 OR CASE WHEN t.anyof
			THEN coalesce(f.spend >= t.spend, false) OR coalesce(f.status >= t.status, false) OR coalesce(f.visits >= t.visits, false)
			ELSE coalesce(coalesce(f.spend, 0) >= t.spend, true) AND coalesce(coalesce(f.status, 0) >= t.status, true)
				AND coalesce(coalesce(f.visits, 0) >= t.visits, true) END) AS l
`, day, filter)
}

// evaluateSQL decides every member of the brand in one statement, as tier.Settings does in Go,
// on the windows of now's day ($4): upgrades always, downgrades when due (validity ended, or a
// manual tier lapsed, which recalculates), each valid to the end of the period under way plus
// $11 months' grace (tier.Settings.EvaluatedValidUntil); then the members that change, or renew, are updated
// (only if their tier is still the one read: a subscriber's upgrade committed meanwhile wins)
// and their history appended. Manual tiers in force are left alone.
var evaluateSQL = windowsSQL(`($4::timestamptz AT TIME ZONE $5::text)::date`,
	`NOT (m.manual AND (m.manual_until IS NULL OR m.manual_until > $4))`) + `
), decided AS (
	SELECT q.*, CASE WHEN lapsed OR qualified >= cur OR due AND NOT $3::boolean THEN qualified WHEN NOT due THEN cur ELSE cur - 1 END AS new
	FROM q
), ch AS (
	SELECT d.*, CASE WHEN lapsed THEN 'expiry' WHEN new > cur THEN 'upgrade' WHEN new < cur THEN 'downgrade' ELSE 'renewal' END AS kind,
		CASE WHEN new = 1 THEN NULL
			ELSE (d.base + make_interval(months => $11::int))::timestamp AT TIME ZONE $5::text END AS valid_new
	FROM decided d
	WHERE lapsed OR new <> cur OR due AND cur > 1
), up AS (
	UPDATE tier_members t SET tier = ($6::text[])[ch.new], since = CASE WHEN ch.new <> ch.cur THEN $4 ELSE t.since END,
		valid_until = ch.valid_new, manual = false, manual_until = NULL, reason = 'evaluation', updated_at = $4
	FROM ch WHERE t.customer_id = ch.customer_id AND t.tier = ch.tier
	RETURNING t.customer_id, ch.tier AS from_tier, t.tier AS to_tier, ch.kind, ch.valid_new,
		jsonb_build_object('spend_fen', ch.spend, 'status_points', ch.status, 'visits', ch.visits) AS figures
)
INSERT INTO tier_history (tenant_id, id, customer_id, from_tier, to_tier, kind, reason, figures, valid_until, actor, occurred_at)
SELECT $12::uuid, gen_random_uuid(), customer_id, from_tier, to_tier, kind, 'evaluation', figures, valid_new, 'evaluation', $4
FROM up ORDER BY customer_id
RETURNING id, customer_id, from_tier, to_tier, kind, figures, valid_until`

// Evaluate implements tiers.Store.
func (Store) Evaluate(ctx context.Context, e tiers.Evaluation) ([]tiers.Change, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	l := ladderArgs(e.Ladder)
	// The planner's guess of the lateral ladder's rows is far off, and compiling the statement
	// (JIT) took longer than running it for a million members.
	if _, err := q.Exec(ctx, `SET LOCAL jit = off`); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, evaluateSQL, string(e.Settings.Window), e.Settings.RefundsDowngrade, e.Settings.Downgrade == tier.OneLevel,
		e.Now, e.Zone.String(), l.codes, l.spend, l.status, l.visits, l.anyOf, e.Settings.GraceMonths, tenant.UUID())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (tiers.Change, error) {
		c := tiers.Change{Reason: "evaluation", Actor: "evaluation", OccurredAt: e.Now}
		var from, to, kind string
		var figures tier.Figures
		err := row.Scan(&c.ID, &c.Customer, &from, &to, &kind, &figures, &c.ValidUntil)
		c.From, c.To, c.Kind, c.Figures = tier.Code(from), tier.Code(to), tier.ChangeKind(kind), figures
		return c, err
	})
}

// warningsSQL finds the members whose validity ends within $11 days, not warned for it yet,
// whose figures of the window that will decide (the windows of their validity's end day) would
// lower them, marks them warned for that validity and returns them with the tier they would go
// to ($3: one level at most). Manual tiers are not warned of.
var warningsSQL = windowsSQL(`(m.valid_until AT TIME ZONE $5::text)::date`,
	`NOT m.manual AND m.valid_until > $4 AND m.valid_until <= $4 + make_interval(days => $11::int)
		AND m.warned_for IS DISTINCT FROM m.valid_until`) + `
), warned AS (
	UPDATE tier_members t SET warned_for = t.valid_until FROM q
	WHERE t.customer_id = q.customer_id AND t.tier = q.tier AND q.qualified < q.cur
	RETURNING t.customer_id, t.tier, ($6::text[])[CASE WHEN $3::boolean THEN q.cur - 1 ELSE q.qualified END], t.valid_until,
		q.spend, q.status, q.visits
)
SELECT * FROM warned ORDER BY customer_id`

// Warnings implements tiers.Store.
func (Store) Warnings(ctx context.Context, e tiers.Evaluation) ([]tiers.Warning, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := q.Exec(ctx, `SET LOCAL jit = off`); err != nil {
		return nil, err
	}
	l := ladderArgs(e.Ladder)
	rows, err := q.Query(ctx, warningsSQL, string(e.Settings.Window), e.Settings.RefundsDowngrade, e.Settings.Downgrade == tier.OneLevel,
		e.Now, e.Zone.String(), l.codes, l.spend, l.status, l.visits, l.anyOf, e.Settings.WarningDays)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (tiers.Warning, error) {
		var w tiers.Warning
		var from, to string
		err := row.Scan(&w.Customer, &from, &to, &w.ValidUntil, &w.Figures.SpendFen, &w.Figures.StatusPoints, &w.Figures.Visits)
		w.From, w.To = tier.Code(from), tier.Code(to)
		return w, err
	})
}

// ladder is a ladder as the statements' arrays: codes, each criterion's minimum (nil for
// none), whether any criterion qualifies.
type ladder struct {
	codes                 []string
	spend, status, visits []*int64
	anyOf                 []bool
}

func ladderArgs(l tier.Ladder) ladder {
	n := len(l)
	out := ladder{codes: make([]string, n), spend: make([]*int64, n), status: make([]*int64, n), visits: make([]*int64, n),
		anyOf: make([]bool, n)}
	for i, t := range l {
		out.codes[i], out.anyOf[i] = string(t.Code), t.Match == tier.Any
		for _, c := range t.Criteria {
			min := c.Min
			switch c.Kind {
			case tier.Spend:
				out.spend[i] = &min
			case tier.StatusPoints:
				out.status[i] = &min
			case tier.Visits:
				out.visits[i] = &min
			}
		}
	}
	return out
}
