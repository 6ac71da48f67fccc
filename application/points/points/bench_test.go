package points_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/demodata"
	"github.com/engagehq/engage/application/customers/demodata/cdnow"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/domain/points/rules"
)

// importCustomers stores n customers of the bundle's brand, a thousand per transaction.
func (b *testBundle) importCustomers(tb testing.TB, n int) []uuid.UUID {
	tb.Helper()
	var out []uuid.UUID
	for start := 0; start < n; start += 1000 {
		batch := make([]customer.Customer, 0, 1000)
		for i := start; i < min(start+1000, n); i++ {
			c := customer.Customer{ID: uuid.New(), ExternalID: fmt.Sprintf("bench-%d", i), Name: fmt.Sprintf("会员%d", i)}
			require.NoError(tb, c.Normalise(time.Now()))
			batch = append(batch, c)
		}
		require.NoError(tb, b.app.DB.InTenant(ctx, b.tn.ID, func(ctx context.Context) error {
			ids, _, err := customersdb.CustomerImport{}.ImportNew(ctx, batch)
			for _, id := range ids {
				out = append(out, id)
			}
			return err
		}))
	}
	return out
}

var benchPurchase atomic.Int64

// dbCPU returns the processor time the server processes of this test's database used so far
// (read from /proc: the cluster runs on this machine). On a machine shared with other work it
// says what a run cost where its wall time cannot.
func (b *testBundle) dbCPU(tb testing.TB) time.Duration {
	tb.Helper()
	rows, err := b.super.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	require.NoError(tb, err)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	require.NoError(tb, err)
	var ticks int64
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // ended since
		}
		fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		ticks += utime + stime
	}
	return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// BenchmarkEarning credits purchases of 10,000 customers under a program with pending days
// and an expiry, both ways in: "stream" is the points subscriber's job for a stored batch of
// 1,000 purchases (the ingest untimed), one op per batch; "till" is the synchronous call,
// recording the purchase in the activity stream and crediting it, one op per purchase, from
// one and from four callers, with its latencies. ENGAGE_BENCH_RULES=1 earns under a rule
// version reading customers' facts and the day's earnings instead of the base rates;
// ENGAGE_BENCH_FRAUD=1 judges every earning by fraud rules (limits per customer and per store a
// day, velocity), which count it and read the totals of its windows.
func BenchmarkEarning(b *testing.B) {
	bn := setup(b)
	bn.clock.set(time.Now())
	bn.program(b, func(s *program.Settings) {
		s.PendingDays = 7
		s.Wallets[0].Expiry = program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 12, Period: program.Month}
	})
	customers := bn.importCustomers(b, 10_000)
	if os.Getenv("ENGAGE_BENCH_RULES") != "" {
		// Earning under a rule version: a multiplier on a time window, a birthday bonus (the
		// customers' facts are read), a cap per day (the day's earnings are read).
		set := weekendSet()
		set.Rules[2].When.Weekdays = []int{0, 1, 2, 3, 4, 5, 6}
		set.Rules = append(set.Rules, rules.Rule{Key: "birthday", Title: title("birthday"), Wallet: "points", Kind: rules.KindBonus,
			Points: 100, When: rules.Conditions{Birthday: rules.BirthdayMonth}})
		bn.version(b, bn.clock.Now(), set)
	}
	if os.Getenv("ENGAGE_BENCH_FRAUD") != "" {
		_, err := bn.svc.PutFraudSettings(ctx, bn.tn.ID, fraud.Settings{Velocity: fraud.Window{Count: 5, Minutes: 10},
			Limits: []fraud.Limit{{Subject: fraud.Customer, Period: fraud.Day, Measure: fraud.Points, Max: 2000},
				{Subject: fraud.Store, Period: fraud.Day, Measure: fraud.Earnings, Max: 100_000}}})
		require.NoError(b, err)
	}
	purchase := func() points.Purchase {
		amount := int64(100 + rand.IntN(50_000))
		return points.Purchase{ID: fmt.Sprintf("bench-%d", benchPurchase.Add(1)), Customer: customers[rand.IntN(len(customers))],
			AmountFen: amount, OccurredAt: time.Now().Add(-time.Minute), Store: fmt.Sprintf("S%02d", rand.IntN(40)),
			Items: []event.Item{{SKU: "tea-oolong", Quantity: 1}}}
	}

	b.Run("stream", func(b *testing.B) {
		kind := eventbus.KindOf("points")
		n := 0
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			drafts := make([]event.Draft, 1000)
			for i := range drafts {
				p := purchase()
				drafts[i] = event.Draft{ID: p.ID, CustomerID: p.Customer.String(), Type: event.TypePurchase, Channel: "pos",
					OccurredAt: p.OccurredAt, AmountFen: &p.AmountFen, Items: p.Items}
			}
			_, err := bn.app.Events.IngestBatch(ctx, bn.tn.ID, drafts)
			require.NoError(b, err)
			before := bn.dbCPU(b)
			b.StartTimer()
			n += jobstest.Work(b, bn.app.DB.Pool(), kind, func(raw []byte) error {
				return bn.app.Bus.Work(ctx, decodeJob(b, raw))
			})
			b.StopTimer()
			cpu += bn.dbCPU(b) - before
			b.StartTimer()
		}
		b.ReportMetric(float64(n*1000)/b.Elapsed().Seconds(), "purchases/s")
		b.ReportMetric(float64(cpu.Microseconds())/float64(n*1000), "db-cpu-µs/purchase")
	})
	for _, callers := range []int{1, 4} {
		b.Run(fmt.Sprintf("till/callers=%d", callers), func(b *testing.B) {
			var mu sync.Mutex
			var took []time.Duration
			b.SetParallelism(max(1, callers/2))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					start := time.Now()
					if _, err := bn.svc.EarnPurchase(ctx, bn.tn.ID, purchase()); err != nil {
						b.Error(err)
						return
					}
					mu.Lock()
					took = append(took, time.Since(start))
					mu.Unlock()
				}
			})
			slices.Sort(took)
			b.ReportMetric(float64(len(took))/b.Elapsed().Seconds(), "earns/s")
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkExpirySweep expires a brand's lots: customers with five lots each, all past their
// expiry, built in SQL before each (untimed) op; an op is the brand's whole maintenance job,
// 1,000 accounts per transaction. ENGAGE_BENCH_LOTS sets how many lots (100,000 unless set).
func BenchmarkExpirySweep(b *testing.B) {
	const perCustomer = 5
	customers := 100_000 / perCustomer
	if n, err := strconv.Atoi(os.Getenv("ENGAGE_BENCH_LOTS")); err == nil && n >= perCustomer {
		customers = n / perCustomer
	}
	bn := setup(b)
	now := time.Now()
	bn.clock.set(now)
	var swept points.Swept
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		require.NoError(b, bn.app.DB.InTenant(ctx, bn.tn.ID, func(ctx context.Context) error {
			q, tenant, _ := postgres.TenantTx(ctx)
			_, err := q.Exec(ctx, `WITH c AS (INSERT INTO customers (tenant_id, id) SELECT $1, gen_random_uuid() FROM generate_series(1, $2) RETURNING id),
				a AS (INSERT INTO points_balances (tenant_id, customer_id, wallet, balance, pending)
					SELECT $1, id, 'points', $3 * 100, 0 FROM c RETURNING customer_id)
				INSERT INTO points_lots (tenant_id, id, customer_id, wallet, operation_id, amount, remaining, pending, earned_at, available_at, expires_at)
				SELECT $1, gen_random_uuid(), customer_id, 'points', gen_random_uuid(), 100, 100, false, $4::timestamptz, $4::timestamptz, $5::timestamptz + g * interval '1 minute'
				FROM a, generate_series(1, $3) g`, tenant.UUID(), customers, perCustomer, now.AddDate(-1, 0, 0), now.Add(-time.Hour))
			return err
		}))
		_, err := bn.super.Exec(ctx, `VACUUM ANALYZE points_lots, points_balances`)
		require.NoError(b, err)
		before := bn.dbCPU(b)
		b.StartTimer()
		s, err := bn.svc.Maintain(ctx, points.MaintainArgs{TenantID: bn.tn.ID.UUID()})
		require.NoError(b, err)
		b.StopTimer()
		cpu += bn.dbCPU(b) - before
		require.Equal(b, customers, s.Accounts)
		swept.Accounts += s.Accounts
		b.StartTimer()
	}
	b.ReportMetric(float64(swept.Accounts*perCustomer)/b.Elapsed().Seconds(), "lots/s")
	b.ReportMetric(cpu.Seconds(), "db-cpu-s/op")
}

// BenchmarkCDNOWReplay earns the whole CDNOW history (69,659 purchases of 23,570 customers, the
// demo brand's) through the points subscriber: an op stores the customers and the purchases of
// a new brand through the activity stream (untimed), then works the points module's jobs for
// them with two workers, as the points queue does, one batch of 1,000 purchases a job. The
// program holds points 7 days and expires them at the end of the month a year after earning.
func BenchmarkCDNOWReplay(b *testing.B) {
	bn := setup(b)
	now := time.Now()
	bn.clock.set(now)
	kind := eventbus.KindOf("points")
	var purchases int
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		tn := pgtest.NewTenant(b, bn.app.Tenants)
		s := program.Defaults()
		s.PendingDays = 7
		s.Wallets[0].Expiry = program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 12, Period: program.Month}
		require.NoError(b, bn.svc.SetSettings(ctx, tn.ID, s))
		if os.Getenv("ENGAGE_BENCH_CAMPAIGN") != "" {
			// A campaign covering the history's last year, its budget never spent: every earning
			// of it locks and counts it.
			bn.clock.set(now.AddDate(-3, 0, 0))
			_, err := bn.svc.CreateCampaign(ctx, tn.ID, campaigns.Campaign{Name: rules.Text{ZH: "一年加倍", EN: "A year of bonus points"},
				Wallet: ledger.Points, StartsAt: now.AddDate(-1, 0, 0), EndsAt: now, Kind: rules.KindMultiplier, Percent: 150,
				Budget: campaigns.MaxBudget})
			require.NoError(b, err)
			bn.clock.set(now)
		}
		sum, err := bn.app.Demo.LoadCDNOW(ctx, tn.ID, bytes.NewReader(cdnow.Master),
			demodata.Replay{Zone: shanghai, LastDay: now.In(shanghai).AddDate(0, 0, -1)})
		require.NoError(b, err)
		require.Equal(b, 69_659, sum.Accepted)
		// Only the points jobs are worked: the customers module's subscribers are not measured.
		rows, err := bn.app.DB.Pool().Query(ctx, `WITH claimed AS (UPDATE river_job SET state = 'completed', finalized_at = now()
			WHERE kind = $1 AND state = 'available' RETURNING id, args) SELECT args FROM claimed ORDER BY id`, kind)
		require.NoError(b, err)
		jobs, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		require.NoError(b, err)
		queue := make(chan []byte, len(jobs))
		for _, j := range jobs {
			queue <- j
		}
		close(queue)
		before := bn.dbCPU(b)
		b.StartTimer()
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for raw := range queue {
					if err := bn.app.Bus.Work(ctx, decodeJob(b, raw)); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		cpu += bn.dbCPU(b) - before
		var earned int
		require.NoError(b, bn.super.QueryRow(ctx, `SELECT count(*) FROM points_operations WHERE tenant_id = $1 AND kind = 'purchase'`,
			tn.ID.UUID()).Scan(&earned))
		require.Equal(b, sum.Accepted, earned)
		purchases += earned
		b.StartTimer()
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/replay")
	b.ReportMetric(float64(purchases)/b.Elapsed().Seconds(), "purchases/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(purchases), "db-cpu-µs/purchase")
}
