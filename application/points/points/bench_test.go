package points_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/program"
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

// BenchmarkEarning credits purchases of 10,000 customers under a program with pending days
// and an expiry, both ways in: "stream" is the points subscriber's job for a stored batch of
// 1,000 purchases (the ingest untimed), one op per batch; "till" is the synchronous call,
// recording the purchase in the activity stream and crediting it, one op per purchase, from
// one and from four callers, with its latencies.
func BenchmarkEarning(b *testing.B) {
	bn := setup(b)
	bn.clock.set(time.Now())
	bn.program(b, func(s *program.Settings) {
		s.PendingDays = 7
		s.Wallets[0].Expiry = program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 12, Period: program.Month}
	})
	customers := bn.importCustomers(b, 10_000)
	purchase := func() points.Purchase {
		amount := int64(100 + rand.IntN(50_000))
		return points.Purchase{ID: fmt.Sprintf("bench-%d", benchPurchase.Add(1)), Customer: customers[rand.IntN(len(customers))],
			AmountFen: amount, OccurredAt: time.Now().Add(-time.Minute), Items: []event.Item{{SKU: "tea-oolong", Quantity: 1}}}
	}

	b.Run("stream", func(b *testing.B) {
		kind := eventbus.KindOf("points")
		n := 0
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
			b.StartTimer()
			n += jobstest.Work(b, bn.app.DB.Pool(), kind, func(raw []byte) error {
				return bn.app.Bus.Work(ctx, decodeJob(b, raw))
			})
		}
		b.ReportMetric(float64(n*1000)/b.Elapsed().Seconds(), "purchases/s")
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

// BenchmarkExpirySweep expires a brand's lots: 200,000 customers with five lots each, all past
// their expiry, built in SQL before each (untimed) op; an op is the brand's whole maintenance
// job, 1,000 accounts per transaction.
func BenchmarkExpirySweep(b *testing.B) {
	const customers, perCustomer = 200_000, 5
	bn := setup(b)
	now := time.Now()
	bn.clock.set(now)
	var swept points.Swept
	for b.Loop() {
		b.StopTimer()
		require.NoError(b, bn.app.DB.InTenant(ctx, bn.tn.ID, func(ctx context.Context) error {
			q, tenant, _ := postgres.TenantTx(ctx)
			_, err := q.Exec(ctx, `WITH c AS (INSERT INTO customers (tenant_id, id) SELECT $1, gen_random_uuid() FROM generate_series(1, $2) RETURNING id),
				a AS (INSERT INTO points_balances (tenant_id, customer_id, wallet, balance, pending)
					SELECT $1, id, 'points', $3 * 100, 0 FROM c RETURNING customer_id)
				INSERT INTO points_lots (tenant_id, id, customer_id, wallet, operation_id, amount, remaining, pending, earned_at, available_at, expires_at)
				SELECT $1, gen_random_uuid(), customer_id, 'points', gen_random_uuid(), 100, 100, false, $4, $4, $5 + g * interval '1 minute'
				FROM a, generate_series(1, $3) g`, tenant.UUID(), customers, perCustomer, now.AddDate(-1, 0, 0), now.Add(-time.Hour))
			return err
		}))
		_, err := bn.super.Exec(ctx, `VACUUM ANALYZE points_lots, points_balances`)
		require.NoError(b, err)
		b.StartTimer()
		s, err := bn.svc.Maintain(ctx, points.MaintainArgs{TenantID: bn.tn.ID.UUID()})
		require.NoError(b, err)
		require.Equal(b, customers, s.Accounts)
		swept.Accounts += s.Accounts
	}
	b.ReportMetric(float64(swept.Accounts*perCustomer)/b.Elapsed().Seconds(), "lots/s")
}
