package riverjobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// waitForJobs waits until n jobs of kind completed, failing on any failure.
func waitForJobs(t *testing.T, completed <-chan *river.Event, kind string, n int) {
	t.Helper()
	for n > 0 {
		select {
		case ev := <-completed:
			if ev.Job.Kind != kind {
				continue
			}
			require.Equal(t, river.EventKindJobCompleted, ev.Kind, "job errors: %v", ev.Job.Errors)
			n--
		case <-time.After(30 * time.Second):
			t.Fatalf("%d %s jobs were not worked", n, kind)
		}
	}
}

func TestIngestedEventsAreReactedToOnceWhateverTheDeliveries(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	jobs, err := riverjobs.New(db, riverjobs.Config{MaxWorkers: 2, NoPeriodic: true, Queues: wire.Queues()})
	require.NoError(t, err)
	client, sched := jobs.Client(), jobs.Scheduler()
	bus := jobstest.Bus(db, sched, dir)
	evs := events.NewService(events.Deps{Tx: db, Events: customersdb.Events{}, Activity: customersdb.Activity{}, Publisher: bus,
		Tenants: dir, Clock: ports.SystemClock{}})
	require.NoError(t, bus.Subscribe(evs.CustomersSubscriber(events.NewActivityUpdater(customersdb.Activity{}), "")))
	riverjobs.HandleKind(jobs, eventbus.JobArgs{Subscriber: "activity"}, bus.Work, riverjobs.WorkerOptions{})

	ctx := context.Background()
	tn := pgtest.NewTenant(t, dir)
	alice := customer.Customer{ID: uuid.New(), Name: "Alice"}
	require.NoError(t, alice.Normalise(time.Now()))
	require.NoError(t, db.InTenant(ctx, tn.ID, func(ctx context.Context) error { return customersdb.Customers{}.Insert(ctx, alice) }))

	fen := func(v int64) *int64 { return &v }
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	purchase := func(id string, at time.Time, amount int64) event.Draft {
		return event.Draft{ID: id, CustomerID: alice.ID.String(), Type: event.TypePurchase, Channel: "pos", OccurredAt: at,
			AmountFen: fen(amount), Items: []event.Item{{SKU: "tea", Quantity: 1}}}
	}
	res, err := evs.IngestBatch(ctx, tn.ID, []event.Draft{purchase("p1", base, 1500), purchase("p2", base.Add(time.Minute), 500),
		{ID: "v1", CustomerID: alice.ID.String(), Type: event.TypeVisit, Channel: "pos", OccurredAt: base.Add(-time.Hour)}})
	require.NoError(t, err)
	for _, r := range res {
		require.Equal(t, events.Accepted, r.Status)
	}

	completed, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	require.NoError(t, client.Start(runCtx))
	t.Cleanup(func() {
		stop()
		<-client.Stopped()
	})
	kind := eventbus.KindOf("activity")
	waitForJobs(t, completed, kind, 1)

	check := func() {
		t.Helper()
		a, err := evs.Activity(ctx, tn.ID, alice.ID)
		require.NoError(t, err)
		require.Equal(t, int64(2), a.PurchaseCount)
		require.Equal(t, int64(2000), a.SpendFen)
		require.Equal(t, int64(1), a.VisitCount)
		require.True(t, a.FirstSeenAt.Equal(base.Add(-time.Hour)))
		require.True(t, a.LastPurchaseAt.Equal(base.Add(time.Minute)))
	}
	check()

	// River delivers at least once: the same batch worked again counts nothing twice.
	var again eventbus.JobArgs
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT args FROM river_job WHERE kind = $1`, kind).Scan(&again))
	require.NoError(t, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		return sched.Enqueue(ctx, again, ports.JobOptions{Queue: events.Queue})
	}))
	waitForJobs(t, completed, kind, 1)
	check()

	// A batch recorded before batches named their customers is reacted to all the same: the
	// subscriber finds the customers from the events.
	var named int
	require.NoError(t, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		if err := q.QueryRow(ctx, `SELECT count(*) FROM domain_events WHERE json_array_length(data->'customer_ids') = 1`).Scan(&named); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE domain_events SET data = (data::jsonb - 'customer_ids')::json`); err != nil {
			return err
		}
		_, err = q.Exec(ctx, `UPDATE customer_activity SET purchase_count = 0, spend_fen = 0, visit_count = 0`)
		return err
	}))
	require.Equal(t, 1, named, "the batch's domain event names its one customer")
	require.NoError(t, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		return sched.Enqueue(ctx, again, ports.JobOptions{Queue: events.Queue})
	}))
	waitForJobs(t, completed, kind, 1)
	check()

	// A later batch adds to what is there.
	_, err = evs.IngestBatch(ctx, tn.ID, []event.Draft{purchase("p3", base.Add(2*time.Minute), 1), purchase("p1", base, 1500)})
	require.NoError(t, err)
	waitForJobs(t, completed, kind, 1)
	a, err := evs.Activity(ctx, tn.ID, alice.ID)
	require.NoError(t, err)
	require.Equal(t, int64(3), a.PurchaseCount)
	require.Equal(t, int64(2001), a.SpendFen)
}
