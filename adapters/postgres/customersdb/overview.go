package customersdb

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
)

// Overview implements ports.CustomerOverviewRepository over customers, customer_activity and
// customer_events. Periods are cut with width_bucket over the caller's bounds, so days and
// months begin where the caller's zone says, whatever zones PostgreSQL knows.
type Overview struct{}

var _ ports.CustomerOverviewRepository = Overview{}

// perPeriod reads rows of (bucket, value) into one value a period of bounds; buckets outside
// 1..len(bounds)-1 are before the first or after the last period.
func perPeriod(rows pgx.Rows, periods int) ([]int64, []int64, error) {
	a, b := make([]int64, periods), make([]int64, periods)
	var (
		bucket int
		x, y   int64
	)
	_, err := pgx.ForEachRow(rows, []any{&bucket, &x, &y}, func() error {
		if bucket >= 1 && bucket <= periods {
			a[bucket-1], b[bucket-1] = x, y
		}
		return nil
	})
	return a, b, err
}

func periods(bounds []time.Time) int { return max(len(bounds)-1, 0) }

// Joined implements ports.CustomerOverviewRepository.
func (Overview) Joined(ctx context.Context, bounds []time.Time) (int64, []int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, nil, err
	}
	rows, err := q.Query(ctx, `SELECT b, count(*), (sum(count(*)) OVER ())::bigint
		FROM (SELECT width_bucket(least(c.created_at, a.first_seen_at), $1::timestamptz[]) AS b
			FROM customers c LEFT JOIN customer_activity a ON a.customer_id = c.id) j
		GROUP BY b`, bounds)
	if err != nil {
		return 0, nil, err
	}
	joined := make([]int64, periods(bounds))
	var (
		total     int64
		bucket    int
		n, totals int64
	)
	_, err = pgx.ForEachRow(rows, []any{&bucket, &n, &totals}, func() error {
		total = totals
		if bucket >= 1 && bucket <= len(joined) {
			joined[bucket-1] = n
		}
		return nil
	})
	return total, joined, err
}

// stagesSQL derives every customer's stage over time from their purchases, as
// lifecycle.Settings.Evaluate decides it when applied at every moment.
//
// A customer's time from joining is cut by their purchases into segments [start, stop), each
// with a reference: joining before the first purchase, then the latest purchase. Within a
// segment the stage at t is the first that holds of won back (t ≤ won_until, the end of the
// latest won-back period), new (t ≤ joined + new_days), active (t ≤ ref + at_risk_days),
// at risk (t ≤ ref + lapsed_days) and lapsed; each holds up to its own limit and after the
// limits before it. A purchase wins the customer back when they were lapsed before it: no
// longer new, and more than lapsed_days after the previous reference. (A purchase inside a
// won-back period does not start another; that needs won_back_days ≥ lapsed_days, which this
// reads as one longer period.)
//
// Each stage's piece of a segment is turned into the range of instants of $1 it covers, and
// counted with +1 where the range begins and -1 after it ends: the cost is the number of
// segments, not segments times instants. le(x) is the number of instants at or before x,
// lt(x) those before it. $2-$5 are the settings in days; a day is 24 hours, as in the domain.
const stagesSQL = `WITH p AS (
	SELECT customer_id, occurred_at AS at,
		lag(occurred_at) OVER w AS before, lead(occurred_at) OVER w AS next
	FROM customer_events WHERE type = 'purchase'
	WINDOW w AS (PARTITION BY customer_id ORDER BY occurred_at, id)
), m AS (
	SELECT c.id, least(c.created_at, a.first_seen_at) AS joined
	FROM customers c LEFT JOIN customer_activity a ON a.customer_id = c.id
), seg AS (
	SELECT m.id, m.joined, m.joined AS ref, m.joined AS start, p.at AS stop, false AS won
	FROM m LEFT JOIN p ON p.customer_id = m.id AND p.before IS NULL
	WHERE p.at IS NULL OR p.at > m.joined
	UNION ALL
	SELECT p.customer_id, m.joined, p.at, p.at, p.next,
		p.at - m.joined > $2::int * interval '24 hours'
			AND p.at - coalesce(p.before, m.joined) > $4::int * interval '24 hours'
	FROM p JOIN m ON m.id = p.customer_id
), w AS (
	SELECT seg.*, max(CASE WHEN won THEN start END) OVER (PARTITION BY id ORDER BY start, won ROWS UNBOUNDED PRECEDING)
		+ $5::int * interval '24 hours' AS won_until
	FROM seg
), r AS (
	SELECT * FROM w WHERE stop IS NULL OR stop > ($1::timestamptz[])[1]
), piece AS (
	SELECT x.stage,
		greatest(CASE WHEN x.lo IS NULL THEN 1 ELSE width_bucket(x.lo, $1::timestamptz[]) + 1 END, width_bucket(r.start - interval '1 microsecond', $1::timestamptz[]) + 1) AS f,
		least(CASE WHEN x.hi IS NULL THEN cardinality($1::timestamptz[]) ELSE width_bucket(x.hi, $1::timestamptz[]) END,
			CASE WHEN r.stop IS NULL THEN cardinality($1::timestamptz[]) ELSE width_bucket(r.stop - interval '1 microsecond', $1::timestamptz[]) END) AS l
	FROM r, LATERAL (VALUES
		('won_back', NULL::timestamptz, r.won_until),
		('new', r.won_until, r.joined + $2::int * interval '24 hours'),
		('active', greatest(r.won_until, r.joined + $2::int * interval '24 hours'), r.ref + $3::int * interval '24 hours'),
		('at_risk', greatest(r.won_until, r.joined + $2::int * interval '24 hours', r.ref + $3::int * interval '24 hours'), r.ref + $4::int * interval '24 hours'),
		('lapsed', greatest(r.won_until, r.joined + $2::int * interval '24 hours', r.ref + $4::int * interval '24 hours'), NULL)
	) AS x (stage, lo, hi)
	WHERE x.stage <> 'won_back' OR r.won_until IS NOT NULL
)
SELECT stage, i, sum(d)::bigint FROM (
	SELECT stage, f AS i, 1 AS d FROM piece WHERE f <= l
	UNION ALL
	SELECT stage, l + 1, -1 FROM piece WHERE f <= l
) deltas GROUP BY stage, i`

// StagesAt implements ports.CustomerOverviewRepository.
func (Overview) StagesAt(ctx context.Context, s lifecycle.Settings, at []time.Time) ([][]ports.StageCount, error) {
	if len(at) == 0 {
		return nil, nil
	}
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, stagesSQL, at, s.NewDays, s.AtRiskDays, s.LapsedDays, s.WonBackDays)
	if err != nil {
		return nil, err
	}
	// delta[stage][i] is the change of the stage's count at instant i (1-based).
	delta := map[lifecycle.Stage][]int64{}
	for _, st := range lifecycle.Stages {
		delta[st] = make([]int64, len(at)+2)
	}
	var (
		stage lifecycle.Stage
		i     int
		d     int64
	)
	if _, err := pgx.ForEachRow(rows, []any{&stage, &i, &d}, func() error {
		if i >= 1 && i <= len(at)+1 {
			delta[stage][i] += d
		}
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([][]ports.StageCount, len(at))
	running := make([]int64, len(lifecycle.Stages))
	for i := range at {
		out[i] = make([]ports.StageCount, len(lifecycle.Stages))
		for k, st := range lifecycle.Stages {
			running[k] += delta[st][i+1]
			out[i][k] = ports.StageCount{Stage: st, Customers: running[k]}
		}
	}
	return out, nil
}

// Sales implements ports.CustomerOverviewRepository.
func (Overview) Sales(ctx context.Context, bounds []time.Time) ([]ports.PeriodSales, error) {
	out := make([]ports.PeriodSales, periods(bounds))
	if len(out) == 0 {
		return out, nil
	}
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT width_bucket(occurred_at, $1::timestamptz[]), coalesce(sum(amount_fen), 0)::bigint, count(*)
		FROM customer_events WHERE type = 'purchase' AND occurred_at >= $2 AND occurred_at < $3
		GROUP BY 1`, bounds, bounds[0], bounds[len(bounds)-1])
	if err != nil {
		return nil, err
	}
	fen, n, err := perPeriod(rows, len(out))
	for i := range out {
		out[i] = ports.PeriodSales{SpendFen: fen[i], Purchases: n[i]}
	}
	return out, err
}

// Buyers implements ports.CustomerOverviewRepository.
func (Overview) Buyers(ctx context.Context, from, to time.Time) (int64, int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, 0, err
	}
	var buyers, repeat int64
	err = q.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE n > 1) FROM (
		SELECT customer_id, count(*) AS n FROM customer_events
		WHERE type = 'purchase' AND occurred_at >= $1 AND occurred_at < $2 GROUP BY customer_id) b`, from, to).
		Scan(&buyers, &repeat)
	return buyers, repeat, err
}

// TopCities implements ports.CustomerOverviewRepository.
func (Overview) TopCities(ctx context.Context, limit int) ([]ports.CityCount, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT city, count(*) FROM customers WHERE city <> ''
		GROUP BY city ORDER BY count(*) DESC, city LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ports.CityCount])
}

// TopStores implements ports.CustomerOverviewRepository.
func (Overview) TopStores(ctx context.Context, from, to time.Time, limit int) ([]ports.StoreSales, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT store, coalesce(sum(amount_fen), 0)::bigint, count(*), count(DISTINCT customer_id)
		FROM customer_events
		WHERE type = 'purchase' AND occurred_at >= $1 AND occurred_at < $2 AND coalesce(store, '') <> ''
		GROUP BY store ORDER BY 2 DESC, store LIMIT $3`, from, to, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[ports.StoreSales])
}
