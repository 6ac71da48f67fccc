package customersdb

import (
	"context"
	"slices"
	"sort"
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
// Only the customers who bought since won_back_days before the first instant ($1[1]) need
// their purchases: one window over them gives their segments. Every other customer is in one
// segment over all the instants, from their last purchase (customer_activity), or joining
// without one, and no won-back period of theirs reaches the instants.
//
// The query returns the segments that reach the first instant; StagesAt counts them (stages).
// $2-$4 are new_days, lapsed_days and won_back_days; a day is 24 hours, as in the domain.
const stagesSQL = `WITH j AS (
	SELECT c.id, least(c.created_at, a.first_seen_at) AS joined, a.last_purchase_at AS lp,
		a.last_purchase_at >= ($1::timestamptz[])[1] - $4::int * interval '24 hours' AS recent
	FROM customers c LEFT JOIN customer_activity a ON a.customer_id = c.id
), o AS (
	SELECT j.id, j.joined, e.occurred_at AS t,
		lag(e.occurred_at) OVER w AS before, lead(e.occurred_at) OVER w AS next
	FROM j JOIN customer_events e ON e.customer_id = j.id AND e.type = 'purchase'
	WHERE j.recent
	WINDOW w AS (PARTITION BY j.id ORDER BY e.occurred_at, e.id)
), seg AS (
	SELECT id, joined, t AS start, next AS stop,
		t - joined > $2::int * interval '24 hours' AND t - coalesce(before, joined) > $3::int * interval '24 hours' AS won
	FROM o
), w AS (
	SELECT id, joined, start AS ref, start, stop,
		max(CASE WHEN won THEN start END) OVER (PARTITION BY id ORDER BY start ROWS UNBOUNDED PRECEDING)
			+ $4::int * interval '24 hours' AS won_until
	FROM seg
	UNION ALL
	SELECT id, joined, joined, joined, t, NULL::timestamptz FROM o WHERE before IS NULL
	UNION ALL
	SELECT id, joined, coalesce(lp, joined), coalesce(lp, joined), NULL::timestamptz, NULL::timestamptz FROM j WHERE recent IS NOT TRUE
), r AS (
	SELECT * FROM w WHERE stop IS NULL OR stop > ($1::timestamptz[])[1]
)
SELECT joined, ref, start, stop, won_until FROM w WHERE stop IS NULL OR stop > ($1::timestamptz[])[1]`

// StagesAt implements ports.CustomerOverviewRepository.
func (Overview) StagesAt(ctx context.Context, s lifecycle.Settings, at []time.Time) ([][]ports.StageCount, error) {
	if len(at) == 0 {
		return nil, nil
	}
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, stagesSQL, at, s.NewDays, s.LapsedDays, s.WonBackDays)
	if err != nil {
		return nil, err
	}
	c := newStageCounter(s, at)
	var g span
	if _, err := pgx.ForEachRow(rows, []any{&g.joined, &g.ref, &g.start, &g.stop, &g.wonUntil}, func() error {
		c.add(g)
		return nil
	}); err != nil {
		return nil, err
	}
	return c.counts(), nil
}

// span is a stretch [start, stop) of a customer's time with one reference (stagesSQL); a nil
// stop is open, a nil wonUntil no won-back period.
type span struct {
	joined, ref, start time.Time
	stop, wonUntil     *time.Time
}

// stageCounter counts segments' stages at instants: each stage's piece of a segment is the
// range of instants it covers, counted +1 where the range begins and -1 after it ends, so the
// cost is the number of segments, not segments times instants.
type stageCounter struct {
	s     lifecycle.Settings
	at    []time.Time
	delta [][]int64 // per stage (lifecycle.Stages order), per instant and one past the last
}

func newStageCounter(s lifecycle.Settings, at []time.Time) *stageCounter {
	c := &stageCounter{s: s, at: at, delta: make([][]int64, len(lifecycle.Stages))}
	for k := range c.delta {
		c.delta[k] = make([]int64, len(at)+1)
	}
	return c
}

// atOrBefore is the number of instants at or before t; before the number before it.
func (c *stageCounter) atOrBefore(t time.Time) int {
	return sort.Search(len(c.at), func(i int) bool { return c.at[i].After(t) })
}

func (c *stageCounter) before(t time.Time) int {
	return sort.Search(len(c.at), func(i int) bool { return !c.at[i].Before(t) })
}

// decided are the stages in the order add decides them.
var decided = [...]lifecycle.Stage{lifecycle.WonBack, lifecycle.New, lifecycle.Active, lifecycle.AtRisk, lifecycle.Lapsed}

// add counts g: at an instant t in [start, stop) its stage is the first that holds of won
// back (t ≤ wonUntil), new (t ≤ joined + new_days), active (t ≤ ref + at_risk_days), at risk
// (t ≤ ref + lapsed_days), and lapsed.
func (c *stageCounter) add(g span) {
	days := func(t time.Time, n int) *time.Time { u := t.Add(time.Duration(n) * lifecycle.Day); return &u }
	// The limits of decided's stages; the last, lapsed, has none.
	limits := [...]*time.Time{g.wonUntil, days(g.joined, c.s.NewDays), days(g.ref, c.s.AtRiskDays), days(g.ref, c.s.LapsedDays), nil}
	from, to := c.before(g.start), len(c.at) // the segment's instants are from..to-1
	if g.stop != nil {
		to = c.before(*g.stop)
	}
	for k, limit := range limits {
		if from >= to {
			return
		}
		if k == 0 && limit == nil {
			continue // no won-back period
		}
		end := to
		if limit != nil {
			end = min(to, c.atOrBefore(*limit))
		}
		if end > from {
			st := slices.Index(lifecycle.Stages, decided[k])
			c.delta[st][from]++
			c.delta[st][end]--
			from = end
		}
	}
}

// counts returns the customers at each stage at each instant.
func (c *stageCounter) counts() [][]ports.StageCount {
	out := make([][]ports.StageCount, len(c.at))
	running := make([]int64, len(lifecycle.Stages))
	for i := range c.at {
		out[i] = make([]ports.StageCount, len(lifecycle.Stages))
		for k, st := range lifecycle.Stages {
			running[k] += c.delta[k][i]
			out[i][k] = ports.StageCount{Stage: st, Customers: running[k]}
		}
	}
	return out
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
