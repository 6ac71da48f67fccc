package pointsdb

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/report"
)

// Reports reads the ledger's entries for reports, in the tenant scope.
type Reports struct{}

var _ points.Reports = Reports{}

// Summary implements points.Reports in one statement: the period's entries grouped by period
// (in the brand's zone) and wallet over the created_at index, every period and wallet there even
// without entries, and a running sum over them from the balances before the period. Those are
// the balances now less every entry since the period began (a balance is the sum of its
// entries), so a recent period reads only the entries since it began, however long the history.
func (Reports) Summary(ctx context.Context, q report.Summary, loc *time.Location, wallets []ledger.Wallet) ([]report.SummaryRow, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	from, to := q.Bounds(loc)
	names := make([]string, len(wallets))
	for i, w := range wallets {
		names[i] = string(w)
	}
	rows, err := tx.Query(ctx, `WITH w AS (SELECT * FROM unnest($4::text[]) WITH ORDINALITY AS w (wallet, n)),
		periods AS (SELECT g::date AS start FROM generate_series(date_trunc($5, $1::timestamptz AT TIME ZONE $3),
			$2::timestamptz AT TIME ZONE $3 - interval '1 microsecond', ('1 ' || $5)::interval) AS g),
		buckets AS (
			SELECT date_trunc($5, e.created_at AT TIME ZONE $3)::date AS start, e.wallet,
				coalesce(sum(e.points) FILTER (WHERE e.kind IN ('earn', 'release')), 0) AS issued,
				coalesce(-sum(e.points) FILTER (WHERE e.kind = 'redeem'), 0) AS redeemed,
				coalesce(sum(e.points) FILTER (WHERE e.kind = 'reverse'), 0) AS returned,
				coalesce(-sum(e.points) FILTER (WHERE e.kind = 'refund'), 0) AS taken_back,
				coalesce(-sum(e.points) FILTER (WHERE e.kind = 'expire'), 0) AS expired,
				coalesce(sum(e.points) FILTER (WHERE e.kind = 'adjust'), 0) AS adjusted,
				sum(e.points) AS net
			FROM points_entries e
			WHERE e.created_at >= $1 AND e.created_at < $2 AND e.wallet = ANY($4::text[])
			GROUP BY 1, 2),
		opening AS (SELECT w.wallet,
			coalesce((SELECT sum(b.balance) FROM points_balances b WHERE b.wallet = w.wallet), 0) -
			coalesce((SELECT sum(e.points) FROM points_entries e WHERE e.wallet = w.wallet AND e.created_at >= $1), 0) AS points FROM w)
		SELECT p.start, w.wallet, coalesce(b.issued, 0), coalesce(b.redeemed, 0), coalesce(b.returned, 0),
			coalesce(b.taken_back, 0), coalesce(b.expired, 0), coalesce(b.adjusted, 0), coalesce(b.net, 0),
			(coalesce(o.points, 0) + sum(coalesce(b.net, 0)) OVER (PARTITION BY w.wallet ORDER BY p.start))::bigint
		FROM periods p CROSS JOIN w
		LEFT JOIN buckets b ON b.start = p.start AND b.wallet = w.wallet
		LEFT JOIN opening o ON o.wallet = w.wallet
		ORDER BY p.start, w.n`, from, to, loc.String(), names, string(q.Granularity))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (report.SummaryRow, error) {
		var s report.SummaryRow
		err := r.Scan(&s.Start, &s.Wallet, &s.Issued, &s.Redeemed, &s.Returned, &s.TakenBack, &s.Expired, &s.Adjusted, &s.Net,
			&s.Outstanding)
		s.Start = time.Date(s.Start.Year(), s.Start.Month(), s.Start.Day(), 0, 0, 0, 0, time.UTC)
		return s, err
	})
}

// dimensionSQL is each dimension's expression ($3 the zone, $4 the granularity).
var dimensionSQL = map[report.Dimension]string{
	report.ByPeriod: `to_char(date_trunc($4, e.created_at AT TIME ZONE $3), 'YYYY-MM-DD')`,
	report.ByWallet: `e.wallet`,
	report.ByKind:   `e.kind`,
	report.ByReason: `e.reason`,
	report.ByStore:  `coalesce(o.details ->> 'store', '')`,
}

var measureSQL = map[report.Measure]string{
	report.Points:    `sum(e.points)::bigint`,
	report.Pending:   `sum(e.pending)::bigint`,
	report.Entries:   `count(*)`,
	report.Customers: `count(DISTINCT e.customer_id)`,
}

// Custom implements points.Reports in one statement; the operations are joined only for the
// store.
func (Reports) Custom(ctx context.Context, q report.Custom, loc *time.Location) ([]report.CustomRow, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	from, to := q.Bounds(loc)
	granularity := string(q.Granularity)
	if granularity == "" {
		granularity = string(report.Day)
	}
	var w postgres.Where
	w.And("e.created_at >= $1 AND e.created_at < $2", from, to)
	w.And("$1::text <> '' AND $2::text <> ''", loc.String(), granularity) // $3 and $4 of the dimensions
	if q.Wallet != "" {
		w.And("e.wallet = $1", string(q.Wallet))
	}
	if len(q.Kinds) > 0 {
		kinds := make([]string, len(q.Kinds))
		for i, k := range q.Kinds {
			kinds[i] = string(k)
		}
		w.And("e.kind = ANY($1::text[])", kinds)
	}
	var keys, values []string
	join := ""
	for _, d := range q.Dimensions {
		keys = append(keys, dimensionSQL[d])
		if d == report.ByStore {
			join = ` JOIN points_operations o ON o.id = e.operation_id`
		}
	}
	for _, m := range q.Measures {
		values = append(values, measureSQL[m])
	}
	keyList := "ARRAY[]::text[]"
	if len(keys) > 0 {
		keyList = "ARRAY[" + strings.Join(keys, ", ") + "]"
	}
	stmt := `SELECT ` + keyList + `, ARRAY[` + strings.Join(values, ", ") + `]::bigint[] FROM points_entries e` + join +
		` WHERE ` + w.String()
	if len(keys) > 0 {
		stmt += ` GROUP BY ` + strings.Join(keys, ", ") + ` ORDER BY 1`
	}
	stmt += ` LIMIT ` + w.Arg(report.MaxRows)
	rows, err := tx.Query(ctx, stmt, w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (report.CustomRow, error) {
		var c report.CustomRow
		err := r.Scan(&c.Keys, &c.Values)
		return c, err
	})
}
