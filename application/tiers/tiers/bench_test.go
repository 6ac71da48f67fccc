package tiers_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// benchLadder is four tiers on spend and visits.
func benchLadder() tier.Ladder {
	l := ladder()
	l[2].Criteria = []tier.Criterion{{Kind: tier.Spend, Min: 500_000}, {Kind: tier.Visits, Min: 3}}
	return append(l, tier.Tier{Code: "platinum", Name: tier.Text{ZH: "白金卡", EN: "Platinum"}, Match: tier.All,
		Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 2_000_000}, {Kind: tier.Visits, Min: 4}}})
}

// BenchmarkEvaluation evaluates a brand of ENGAGE_BENCH_MEMBERS members (1,000,000 unless
// set) at 00:30 on 1 January 2027, every member above the lowest tier due: four days of
// purchases each in 2026 qualifying a quarter of them for each tier, a tenth holding the tier
// above theirs (downgraded), the rest renewed. The figures are made in SQL outside the timer.
// With ENGAGE_BENCH_WEBHOOKS set the brand has a webhook for the tier events, so that every
// change's event is stored too.
func BenchmarkEvaluation(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("ENGAGE_BENCH_MEMBERS"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	bn := setupQuiet(b)
	if os.Getenv("ENGAGE_BENCH_WEBHOOKS") != "" {
		bn = setup(b)
	}
	bn.programOf(b, benchLadder(), func(s *tier.Settings) { s.Validity = tier.EndOfPeriod })
	now := time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC)
	bn.clock.set(now)
	codes := []string{"orange", "silver", "gold", "platinum"}
	start := time.Now()
	require.NoError(b, bn.app.DB.InTenant(ctx, bn.tn.ID, func(ctx context.Context) error {
		q, tenant, _ := postgres.TenantTx(ctx)
		// Member i qualifies for tier i % 4 by its 2026 spend; every tenth holds the one above.
		_, err := q.Exec(ctx, `WITH c AS (
				INSERT INTO customers (tenant_id, id) SELECT $1, gen_random_uuid() FROM generate_series(1, $2) RETURNING id
			), m AS (
				INSERT INTO tier_members (tenant_id, customer_id, tier, since, valid_until, joined, updated_at)
				SELECT $1, id, ($3::text[])[1 + least(3, (n % 4) + CASE WHEN n % 10 = 0 THEN 1 ELSE 0 END)], $4::timestamptz,
					CASE WHEN n % 4 = 0 AND n % 10 <> 0 THEN NULL ELSE $4::timestamptz END, '2025-01-01', $4::timestamptz
				FROM (SELECT id, row_number() OVER () AS n FROM c) c
				RETURNING customer_id, tier
			)
			INSERT INTO tier_facts (tenant_id, customer_id, day, spend_fen, visited, status_points)
			SELECT $1, m.customer_id, date '2026-02-01' + d * 60, s.spend / 4, true, s.spend / 400
			FROM (SELECT customer_id, row_number() OVER () AS n FROM m) m
			CROSS JOIN LATERAL (SELECT (ARRAY[0, 150000, 600000, 2500000])[1 + m.n % 4] AS spend) s, generate_series(0, 3) d`,
			tenant.UUID(), n, codes, now.AddDate(-1, 0, 0))
		return err
	}))
	_, err := bn.super.Exec(ctx, `VACUUM ANALYZE tier_members, tier_facts, customers`)
	require.NoError(b, err)
	b.Logf("%d members and %d days of figures made in %s", n, 4*n, time.Since(start).Round(time.Second))
	b.ResetTimer()
	changed := 0
	for b.Loop() {
		changed += bn.evaluate(b)
	}
	b.ReportMetric(float64(changed)/float64(b.N), "changes/op")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()*float64(b.N), "members/s")
}

// BenchmarkProgress reads one member's tier, progress (both sentences) and history, with a year
// of daily figures and a renewal behind them.
func BenchmarkProgress(b *testing.B) {
	bn := setup(b)
	bn.program(b, func(s *tier.Settings) { s.Validity = tier.EndOfPeriod })
	c := bn.customer(b)
	bn.buy(b, c, 600_000)
	require.NoError(b, bn.app.DB.InTenant(ctx, bn.tn.ID, func(ctx context.Context) error {
		q, tenant, _ := postgres.TenantTx(ctx)
		_, err := q.Exec(ctx, `INSERT INTO tier_facts (tenant_id, customer_id, day, spend_fen, visited, status_points)
			SELECT $1, $2, d, 1000, true, 10 FROM generate_series(date '2025-03-01', date '2026-03-09', interval '1 day') d
			ON CONFLICT DO NOTHING`, tenant.UUID(), c)
		return err
	}))
	var v any
	for b.Loop() {
		view, err := bn.svc.MemberTier(ctx, bn.tn.ID, c, "zh-CN")
		require.NoError(b, err)
		v = view
	}
	require.NotNil(b, v)
}

// BenchmarkGifts gives a day's birthday gifts in a brand of ENGAGE_BENCH_GIFT_MEMBERS members
// (200,000 unless set), birth dates spread over the year, a birthday gift on every tier: the
// first run gives the gifts whose day fell in the last week (about one in 52) and publishes
// each; the ones after find them given.
func BenchmarkGifts(b *testing.B) {
	n := 200_000
	if s := os.Getenv("ENGAGE_BENCH_GIFT_MEMBERS"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	bn := setupQuiet(b)
	bn.programOf(b, benchLadder(), nil)
	r := bn.reward(b)
	for _, code := range []tier.Code{"orange", "silver", "gold", "platinum"} {
		bn.benefit(b, tier.Benefit{Tier: code, Kind: tier.BirthdayGift, RewardID: &r, Existing: true})
	}
	bn.clock.set(time.Date(2026, 7, 1, 1, 0, 0, 0, shanghai))
	require.NoError(b, bn.app.DB.InTenant(ctx, bn.tn.ID, func(ctx context.Context) error {
		q, tenant, _ := postgres.TenantTx(ctx)
		_, err := q.Exec(ctx, `WITH c AS (
				INSERT INTO customers (tenant_id, id, birth_date)
				SELECT $1, gen_random_uuid(), date '1990-01-01' + (i % 365) FROM generate_series(1, $2) i RETURNING id
			)
			INSERT INTO tier_members (tenant_id, customer_id, tier, since, joined, updated_at)
			SELECT $1, id, ($3::text[])[1 + (row_number() OVER ()) % 4], now(), '2025-01-01', now() FROM c`,
			tenant.UUID(), n, []string{"orange", "silver", "gold", "platinum"})
		return err
	}))
	_, err := bn.super.Exec(ctx, `VACUUM ANALYZE tier_members, customers`)
	require.NoError(b, err)
	b.ResetTimer()
	given := 0
	for b.Loop() {
		g, err := bn.svc.Gifts(ctx, tiers.GiftsArgs{TenantID: bn.tn.ID.UUID()})
		require.NoError(b, err)
		given += g
	}
	b.ReportMetric(float64(given), "given")
}
