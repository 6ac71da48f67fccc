package points_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/report"
)

// BenchmarkReports times the summary and custom reports over a brand's ledger of
// ENGAGE_BENCH_ENTRIES entries (100,000 unless set) spread over the year before, in both
// wallets, of every kind, by 10,000 customers, each entry an operation of its own (a
// purchase's names a store).
func BenchmarkReports(b *testing.B) {
	entries := 100_000
	if n, err := strconv.Atoi(os.Getenv("ENGAGE_BENCH_ENTRIES")); err == nil && n > 0 {
		entries = n
	}
	bn := setup(b)
	now := time.Now()
	bn.clock.set(now)
	start := time.Now()
	for done := 0; done < entries; done += 250_000 {
		n := min(250_000, entries-done)
		require.NoError(b, bn.app.DB.InTenant(ctx, bn.tn.ID, func(ctx context.Context) error {
			q, tenant, _ := postgres.TenantTx(ctx)
			if done == 0 {
				if _, err := q.Exec(ctx, `INSERT INTO customers (tenant_id, id) SELECT $1, gen_random_uuid() FROM generate_series(1, 10000)`,
					tenant.UUID()); err != nil {
					return err
				}
			}
			_, err := q.Exec(ctx, `WITH c AS (SELECT id, row_number() OVER () - 1 AS n FROM customers),
				g AS (SELECT g, gen_random_uuid() AS op, (ARRAY['earn','earn','earn','release','redeem','expire','adjust','refund','reverse'])[1 + g % 9] AS kind,
					$3::timestamptz - (g % 525600) * interval '1 minute' - (g % 60) * interval '1 second' AS at FROM generate_series($4::int, $4::int + $2 - 1) g),
				o AS (INSERT INTO points_operations (tenant_id, id, customer_id, kind, source, reason, actor_kind, actor_id, details, result, occurred_at)
					SELECT $1, g.op, c.id, CASE g.kind WHEN 'earn' THEN 'purchase' WHEN 'release' THEN 'release' WHEN 'redeem' THEN 'redeem'
						WHEN 'expire' THEN 'expire' WHEN 'adjust' THEN 'adjust' ELSE 'refund' END, 'partner', g.kind, 'system', '',
						CASE WHEN g.kind = 'earn' THEN jsonb_build_object('store', '门店' || (g.g % 40)) ELSE '{}' END, '[]', g.at
					FROM g JOIN c ON c.n = g.g % 10000 RETURNING id, customer_id, reason, occurred_at)
				INSERT INTO points_entries (tenant_id, id, operation_id, customer_id, wallet, kind, reason, points, pending, created_at)
				SELECT $1, gen_random_uuid(), o.id, o.customer_id, CASE WHEN o.reason IN ('earn', 'release') AND random() < 0.3 THEN 'status' ELSE 'points' END,
					o.reason, o.reason, CASE WHEN o.reason IN ('earn', 'release', 'reverse') THEN 100 WHEN o.reason = 'adjust' THEN 20
						ELSE -40 END, 0, o.occurred_at
				FROM o`, tenant.UUID(), n, now, done)
			return err
		}))
	}
	_, err := bn.super.Exec(ctx, `VACUUM ANALYZE points_entries, points_operations`)
	require.NoError(b, err)
	var stored int
	require.NoError(b, bn.super.QueryRow(ctx, `SELECT count(*) FROM points_entries WHERE tenant_id = $1`, bn.tn.ID.UUID()).Scan(&stored))
	require.Equal(b, entries, stored)
	b.Logf("%d entries written in %s", stored, time.Since(start).Round(time.Millisecond))

	year := report.Period{From: now.AddDate(-1, 0, 0), To: now}
	for _, bc := range []struct {
		name string
		run  func() (int, error)
	}{
		{"summary/day/year", func() (int, error) {
			rows, err := bn.svc.Summary(ctx, bn.tn.ID, report.Summary{Period: year, Granularity: report.Day})
			return len(rows), err
		}},
		{"summary/week/year", func() (int, error) {
			rows, err := bn.svc.Summary(ctx, bn.tn.ID, report.Summary{Period: year, Granularity: report.Week})
			return len(rows), err
		}},
		{"summary/month/year", func() (int, error) {
			rows, err := bn.svc.Summary(ctx, bn.tn.ID, report.Summary{Period: year, Granularity: report.Month, Wallet: ledger.Points})
			return len(rows), err
		}},
		{"summary/day/last-30-days", func() (int, error) {
			rows, err := bn.svc.Summary(ctx, bn.tn.ID, report.Summary{Period: report.Period{From: now.AddDate(0, 0, -29), To: now},
				Granularity: report.Day})
			return len(rows), err
		}},
		{"custom/month-kind/points-customers", func() (int, error) {
			rows, err := bn.svc.Custom(ctx, bn.tn.ID, report.Custom{Period: year, Granularity: report.Month,
				Dimensions: []report.Dimension{report.ByPeriod, report.ByKind}, Measures: []report.Measure{report.Points, report.Customers}})
			return len(rows), err
		}},
		{"custom/store/points-entries", func() (int, error) {
			rows, err := bn.svc.Custom(ctx, bn.tn.ID, report.Custom{Period: year, Dimensions: []report.Dimension{report.ByStore},
				Measures: []report.Measure{report.Points, report.Entries}, Kinds: []ledger.Kind{ledger.KindEarn}})
			return len(rows), err
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				n, err := bc.run()
				require.NoError(b, err)
				rows = n
			}
			b.ReportMetric(float64(rows), "rows")
			b.ReportMetric(float64(entries)/(b.Elapsed().Seconds()/float64(b.N)), "entries/s")
		})
	}
}
