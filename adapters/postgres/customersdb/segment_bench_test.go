package customersdb_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/tenants"
)

// The segment benchmark's brand: 1,000,000 customers and 10,000,000 events over the two years
// before benchNow. Bump the version when the data change.
const (
	benchVersion   = "v2"
	benchSlug      = "segment-bench"
	benchCustomers = 1_000_000
	benchEvents    = 10_000_000
)

// benchNow is when the benchmark evaluates its segments, fixed so that the cached data's
// windows hold the same events however long after they were built.
var benchNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// buildSegmentBench fills the benchmark's brand as the superuser (which row-level security does
// not limit), skipping foreign-key triggers, then vacuums and analyses: a few minutes, once.
func buildSegmentBench(d *pgtest.Database) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, d.SuperuserURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// The events' secondary indexes are built after the load rather than row by row: minutes
	// faster. Their definitions come from the catalog, so they are the migrations' own.
	var indexes []string
	rows, err := conn.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'customer_events' AND indexname <> 'customer_events_pkey'`)
	if err != nil {
		return err
	}
	var drops []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return err
		}
		drops, indexes = append(drops, `DROP INDEX `+name), append(indexes, def)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	steps := append(drops,
		`SET maintenance_work_mem = '512MB'`,
		`SET session_replication_role = replica`,
		`SELECT setseed(0.5)`,
		`INSERT INTO tenants (id, slug, name) VALUES ('00000000-0000-4000-8000-00000000be9c', '`+benchSlug+`', '分群基准')`,
		// Twenty cities, one in twenty customers in each; the five lifecycle stages in turn.
		`INSERT INTO customers (tenant_id, id, name, gender, birth_date, city, region, lifecycle_stage, consents, created_at)
		SELECT '00000000-0000-4000-8000-00000000be9c', md5('c' || g)::uuid, '会员' || g,
			(ARRAY['female', 'male', 'unknown', 'other'])[1 + g % 4],
			date '1960-01-01' + (g % 15000),
			(ARRAY['上海', '北京', '广州', '深圳', '杭州', '成都', '重庆', '武汉', '南京', '天津',
			       '苏州', '西安', '长沙', '沈阳', '青岛', '郑州', '大连', '东莞', '宁波', '厦门'])[1 + abs(hashint4(g)::bigint) % 20],
			'华东', (ARRAY['new', 'active', 'at_risk', 'lapsed', 'won_back'])[1 + abs(hashint4(g + 1)::bigint) % 5],
			jsonb_build_object('marketing_sms', g % 3 = 0),
			$1::timestamptz - (g % 1095) * interval '1 day'
		FROM generate_series(1, `+itoa(benchCustomers)+`) g`,
	)
	// Events in ten statements of a million: 40% purchases (with an item of one of ten
	// categories), 30% visits, 20% page views, 10% clicks; 1% carry a campaign.
	for chunk := range 10 {
		from, to := chunk*benchEvents/10+1, (chunk+1)*benchEvents/10
		steps = append(steps, `INSERT INTO customer_events (tenant_id, id, customer_id, type, channel, occurred_at, amount_fen, store, payload)
		SELECT '00000000-0000-4000-8000-00000000be9c', 'e' || g, md5('c' || k)::uuid, type, 'pos', $1::timestamptz - r2 * interval '730 days',
			CASE WHEN type = 'purchase' THEN amount END,
			CASE WHEN type IN ('purchase', 'visit') THEN 'store-' || (k % 50) END,
			CASE WHEN type = 'purchase' THEN jsonb_build_object('items', jsonb_build_array(jsonb_build_object('sku', 'sku-' || (g % 200),
					'category', (ARRAY['tea', 'ware', 'snacks', 'gifts', 'coffee', 'books', 'music', 'toys', 'home', 'beauty'])[1 + g % 10],
					'quantity', 1, 'price_fen', amount)))
				WHEN r3 < 0.01 THEN '{"campaign": "spring"}'::jsonb ELSE '{}'::jsonb END
		FROM (SELECT g, 1 + floor(random() * `+itoa(benchCustomers)+`)::int AS k, random() AS r2, random() AS r3,
				(1000 + random() * 50000)::bigint AS amount,
				CASE WHEN r1 < 0.4 THEN 'purchase' WHEN r1 < 0.7 THEN 'visit' WHEN r1 < 0.9 THEN 'page_view' ELSE 'click' END AS type
			FROM (SELECT g, random() AS r1 FROM generate_series(`+itoa(from)+`, `+itoa(to)+`) g) s) e`)
	}
	steps = append(append(steps, indexes...),
		`INSERT INTO customer_activity (tenant_id, customer_id, first_seen_at, last_seen_at, last_purchase_at, purchase_count, spend_fen, visit_count)
		SELECT tenant_id, customer_id, min(occurred_at), max(occurred_at), max(occurred_at) FILTER (WHERE type = 'purchase'),
			count(*) FILTER (WHERE type = 'purchase'), coalesce(sum(amount_fen), 0), count(*) FILTER (WHERE type = 'visit')
		FROM customer_events GROUP BY tenant_id, customer_id`,
		// One customer in ten is a VIP, one in five a tea lover, independently of city and stage.
		`INSERT INTO customer_tags (tenant_id, customer_id, tag, source)
		SELECT '00000000-0000-4000-8000-00000000be9c'::uuid, md5('c' || g)::uuid, 'vip', 'manual'
		FROM generate_series(1, `+itoa(benchCustomers)+`) g WHERE abs(hashint4(g + 2)::bigint) % 10 = 0
		UNION ALL
		SELECT '00000000-0000-4000-8000-00000000be9c'::uuid, md5('c' || g)::uuid, 'tea-lover', 'rule'
		FROM generate_series(1, `+itoa(benchCustomers)+`) g WHERE abs(hashint4(g + 3)::bigint) % 5 = 0`,
		`VACUUM ANALYZE`,
	)
	for _, s := range steps {
		var args []any
		if strings.Contains(s, "$1") {
			args = []any{benchNow}
		}
		if _, err := conn.Exec(ctx, s, args...); err != nil {
			return err
		}
	}
	return nil
}

var itoa = strconv.Itoa

// BenchmarkSegmentCount measures the live count of segments over the cached brand of a
// million customers and ten million events (built on first run, in minutes; reused after).
// Run it with: go test -run '^$' -bench SegmentCount ./adapters/postgres/customersdb/
func BenchmarkSegmentCount(b *testing.B) {
	start := time.Now()
	d := pgtest.Cached(b, "segbench_"+benchVersion, buildSegmentBench)
	b.Logf("cached brand ready in %s", time.Since(start).Round(time.Second))
	db := d.OpenApp(b)
	tn, err := tenants.NewDirectory(platformdb.NewTenantStore(db)).Lookup(context.Background(), benchSlug)
	require.NoError(b, err)
	for _, bc := range []struct{ name, tree string }{
		{"city+purchases90d+tag", `{"and":[{"field":"city","op":"=","value":"上海"},
			{"field":"purchases","window_days":90,"op":">=","value":2},{"field":"tag","op":"has","value":"vip"}]}`},
		{"city+purchases90d+lifecycle", `{"and":[{"field":"city","op":"=","value":"上海"},
			{"field":"purchases","window_days":90,"op":">=","value":2},{"field":"lifecycle_stage","op":"=","value":"active"}]}`},
		{"purchases90d", `{"field":"purchases","window_days":90,"op":">=","value":2}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			tree := mustTree(b, bc.tree)
			var n int64
			count := func() {
				require.NoError(b, db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
					var err error
					n, err = evaluator.Count(ctx, tree, benchNow)
					return err
				}))
			}
			count() // warm the cache
			b.ResetTimer()
			for b.Loop() {
				count()
			}
			b.ReportMetric(float64(n), "customers")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/count")
		})
	}
}
