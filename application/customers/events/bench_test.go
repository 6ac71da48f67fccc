package events_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// bench is a tenant with customers and the events service over the real database, its River
// client inserting jobs but not working them (ingestion is what is measured).
type bench struct {
	svc       *events.Service
	tenant    tenants.ID
	customers []uuid.UUID
}

func newBench(b *testing.B, customers int) *bench {
	b.Helper()
	db := pgtest.New(b).OpenApp(b)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	// Each stored batch is published with the subscribers of a running service: its job for
	// the activity aggregates is enqueued (not worked) as in production.
	bus := jobstest.Bus(db, jobstest.InsertOnly(b, db), dir)
	svc := events.NewService(events.Deps{Tx: db, Events: customersdb.Events{}, Activity: customersdb.Activity{},
		Publisher: bus, Tenants: dir, Clock: ports.SystemClock{}})
	require.NoError(b, bus.Subscribe(svc.CustomersSubscriber(events.NewActivityUpdater(customersdb.Activity{}), "")))
	tn := pgtest.NewTenant(b, dir)
	return &bench{svc: svc, tenant: tn.ID, customers: importCustomers(b, db, tn.ID, customers)}
}

// importCustomers stores n new customers of tenant, a thousand per transaction, and returns
// their IDs.
func importCustomers(tb testing.TB, db *postgres.DB, tenant tenants.ID, n int) []uuid.UUID {
	tb.Helper()
	var out []uuid.UUID
	for start := 0; start < n; start += 1000 {
		batch := make([]customer.Customer, 0, 1000)
		for i := start; i < min(start+1000, n); i++ {
			c := customer.Customer{ID: uuid.New(), ExternalID: fmt.Sprintf("bench-%d", i), Name: fmt.Sprintf("会员%d", i)}
			require.NoError(tb, c.Normalise(time.Now()))
			batch = append(batch, c)
		}
		require.NoError(tb, db.InTenant(context.Background(), tenant, func(ctx context.Context) error {
			ids, _, err := customersdb.CustomerImport{}.ImportNew(ctx, batch)
			for _, id := range ids {
				out = append(out, id)
			}
			return err
		}))
	}
	return out
}

var benchBatch atomic.Int64

// purchases returns a batch of n purchases by random customers, with new IDs.
func (bn *bench) purchases(n int) []event.Draft {
	batch := benchBatch.Add(1)
	at := time.Now().Add(-time.Hour)
	out := make([]event.Draft, n)
	for i := range out {
		amount := int64(100 + rand.IntN(50000))
		out[i] = event.Draft{ID: fmt.Sprintf("bench-%d-%d", batch, i), CustomerID: bn.customers[rand.IntN(len(bn.customers))].String(),
			Type: event.TypePurchase, Channel: "pos", OccurredAt: at, AmountFen: &amount, Store: "上海南京西路店",
			Items: []event.Item{{SKU: "tea-oolong", Category: "tea", Quantity: 1 + int64(rand.IntN(3)), PriceFen: &amount}}}
	}
	return out
}

// BenchmarkIngestPurchases stores batches of 1,000 purchases of 10,000 customers, each batch in
// one committed tenant transaction with its reaction job, from one and from four callers;
// ns/op is the time per batch.
func BenchmarkIngestPurchases(b *testing.B) {
	bn := newBench(b, 10_000)
	// ingest reports failures with Error: it also runs on RunParallel's goroutines.
	ingest := func(b *testing.B) {
		results, err := bn.svc.IngestBatch(context.Background(), bn.tenant, bn.purchases(1000))
		if err != nil {
			b.Error(err)
			return
		}
		for _, r := range results {
			if r.Status != events.Accepted {
				b.Errorf("event %d: %s %v", r.Index, r.Status, r.Errors)
				return
			}
		}
	}
	report := func(b *testing.B, batches int) {
		b.ReportMetric(float64(batches*1000)/b.Elapsed().Seconds(), "events/s")
	}
	b.Run("callers=1", func(b *testing.B) {
		n := 0
		for b.Loop() {
			ingest(b)
			n++
		}
		report(b, n)
	})
	b.Run("callers=4", func(b *testing.B) {
		b.SetParallelism(max(1, 4/runtime.GOMAXPROCS(0)))
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ingest(b)
				n.Add(1)
			}
		})
		report(b, int(n.Load()))
	})
}
