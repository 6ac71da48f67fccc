package eventbus_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	db     *postgres.DB
	bus    *eventbus.Bus
	tenant tenants.Tenant
	// seen records what each subscriber handled, in order.
	mu   sync.Mutex
	seen map[string][]string
}

const (
	typeOrdered = "order.placed"
	typeShipped = "order.shipped"
)

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	b := &testBundle{db: db, bus: jobstest.Bus(db, jobstest.InsertOnly(t, db), dir, typeOrdered, typeShipped),
		tenant: pgtest.NewTenant(t, dir), seen: map[string][]string{}}
	return b
}

// recorder is a subscriber that records the types it handles.
func (b *testBundle) recorder(name, after string, takes ...string) eventbus.Subscriber {
	return eventbus.Subscriber{Name: name, Queue: "test", After: after, Takes: eventbus.Types(takes...),
		Handle: func(_ context.Context, evs []ports.DomainEvent) error {
			b.mu.Lock()
			defer b.mu.Unlock()
			for _, e := range evs {
				b.seen[name] = append(b.seen[name], e.Type)
			}
			return nil
		}}
}

func (b *testBundle) publish(t *testing.T, fn func(ctx context.Context) error, types ...string) error {
	t.Helper()
	return b.db.InTenant(context.Background(), b.tenant.ID, func(ctx context.Context) error {
		for _, typ := range types {
			if err := b.bus.Publish(ctx, typ, map[string]string{"order": "A-1"}); err != nil {
				return err
			}
		}
		return fn(ctx)
	})
}

func (b *testBundle) jobs(t *testing.T, subscriber string) []eventbus.JobArgs {
	t.Helper()
	rows, err := b.db.Pool().Query(context.Background(), `SELECT args FROM river_job WHERE kind = $1 AND state = 'available' ORDER BY id`,
		eventbus.KindOf(subscriber))
	require.NoError(t, err)
	defer rows.Close()
	var out []eventbus.JobArgs
	for rows.Next() {
		var raw []byte
		require.NoError(t, rows.Scan(&raw))
		var a eventbus.JobArgs
		require.NoError(t, json.Unmarshal(raw, &a))
		out = append(out, a)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestARolledBackChangePublishesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.bus.Subscribe(b.recorder("billing", "", typeOrdered)))
	boom := errors.New("a later step failed")
	err := b.publish(t, func(context.Context) error { return boom }, typeOrdered)
	require.ErrorIs(t, err, boom)
	require.Empty(t, b.jobs(t, "billing"))
	var stored int
	require.NoError(t, b.db.ReadInTenant(context.Background(), b.tenant.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		return q.QueryRow(ctx, `SELECT count(*) FROM domain_events`).Scan(&stored)
	}))
	require.Zero(t, stored)
}

func TestEachSubscriberGetsOneJobPerTransactionWithTheEventsItTakes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.bus.Subscribe(b.recorder("billing", "", typeOrdered), b.recorder("shipping", "", typeOrdered, typeShipped),
		b.recorder("idle", "", "order.cancelled")))
	require.NoError(t, b.publish(t, func(context.Context) error { return nil }, typeOrdered, typeShipped, typeOrdered))

	billing, shipping := b.jobs(t, "billing"), b.jobs(t, "shipping")
	require.Len(t, billing, 1, "three events, one transaction: one job")
	require.Len(t, billing[0].EventIDs, 2)
	require.Len(t, shipping, 1)
	require.Len(t, shipping[0].EventIDs, 3)
	require.Empty(t, b.jobs(t, "idle"), "no job for a subscriber that takes none of them")

	require.Equal(t, 2, jobstest.WorkSubscribers(t, b.db.Pool(), b.bus))
	require.Equal(t, []string{typeOrdered, typeOrdered}, b.seen["billing"])
	require.Equal(t, []string{typeOrdered, typeShipped, typeOrdered}, b.seen["shipping"], "in the order published")
}

func TestASubscriberRunsAfterTheOneItReadsAndAFailureRetriesAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	fail := true
	ledger := b.recorder("ledger", "", typeOrdered)
	record := ledger.Handle
	ledger.Handle = func(ctx context.Context, evs []ports.DomainEvent) error {
		if fail {
			return errors.New("ledger unavailable")
		}
		return record(ctx, evs)
	}
	// The report reads what the ledger wrote; the mailer depends on neither.
	require.NoError(t, b.bus.Subscribe(ledger, b.recorder("report", "ledger", typeOrdered), b.recorder("mailer", "", typeOrdered)))
	require.ErrorIs(t, b.bus.Subscribe(b.recorder("late", "nobody", typeOrdered)), eventbus.ErrWiring)
	require.NoError(t, b.publish(t, func(context.Context) error { return nil }, typeOrdered))
	require.Empty(t, b.jobs(t, "report"), "enqueued only once the ledger's work commits")

	ctx := context.Background()
	jobs := b.jobs(t, "ledger")
	require.Len(t, jobs, 1)
	require.Error(t, b.bus.Work(ctx, jobs[0]))
	require.Empty(t, b.jobs(t, "report"), "the ledger failed: the report waits")
	require.Len(t, b.jobs(t, "mailer"), 1)
	require.NoError(t, b.bus.Work(ctx, b.jobs(t, "mailer")[0]))
	require.Equal(t, []string{typeOrdered}, b.seen["mailer"], "the mailer's work does not wait on the ledger's failure")

	fail = false
	require.NoError(t, b.bus.Work(ctx, jobs[0]), "the ledger's retry")
	report := b.jobs(t, "report")
	require.Len(t, report, 1)
	require.Equal(t, jobs[0].EventIDs, report[0].EventIDs)
	require.NoError(t, b.bus.Work(ctx, report[0]))
	require.Equal(t, []string{typeOrdered}, b.seen["report"])
}

// A transaction that did a subscriber's work says so: that subscriber gets no job, the one that
// runs after it gets its job at once, and the others are as before.
func TestASubscriberWhoseWorkIsDoneGetsNoJobAndTheNextOneGetsItsOwn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.bus.Subscribe(b.recorder("ledger", "", typeOrdered), b.recorder("report", "ledger", typeOrdered),
		b.recorder("mailer", "", typeOrdered)))
	require.NoError(t, b.publish(t, func(ctx context.Context) error { return b.bus.Handled(ctx, "ledger") }, typeOrdered))
	require.Empty(t, b.jobs(t, "ledger"), "the transaction did the ledger's work")
	require.Len(t, b.jobs(t, "report"), 1, "the report does not wait for a ledger job that will not come")
	require.Len(t, b.jobs(t, "mailer"), 1)
	require.Equal(t, 2, jobstest.WorkSubscribers(t, b.db.Pool(), b.bus))
	require.Empty(t, b.seen["ledger"])
	require.Equal(t, []string{typeOrdered}, b.seen["report"])

	err := b.publish(t, func(ctx context.Context) error { return b.bus.Handled(ctx, "nobody") }, typeOrdered)
	require.ErrorIs(t, err, eventbus.ErrUnknownSubscriber)
}

func TestPublishingNeedsATenantTransactionAndADeclaredType(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	require.ErrorIs(t, b.bus.Publish(ctx, typeOrdered, nil), ports.ErrNoTenantTx)
	require.ErrorIs(t, b.db.ReadInTenant(ctx, b.tenant.ID, func(ctx context.Context) error {
		return b.bus.Publish(ctx, typeOrdered, nil)
	}), eventbus.ErrNoTenant, "a read scope publishes nothing")
	require.ErrorIs(t, b.publish(t, func(context.Context) error { return nil }, "order.exploded"), eventbus.ErrUnknownEventType)
}

func TestAJobForEventsPurgedOrErasedSinceDoesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.bus.Subscribe(b.recorder("billing", "", typeOrdered)))
	require.NoError(t, b.bus.Work(context.Background(), eventbus.JobArgs{TenantID: b.tenant.ID.UUID(), Subscriber: "billing",
		EventIDs: []uuid.UUID{uuid.New()}}))
	require.Empty(t, b.seen["billing"])
	require.ErrorIs(t, b.bus.Work(context.Background(), eventbus.JobArgs{TenantID: b.tenant.ID.UUID(), Subscriber: "gone"}),
		eventbus.ErrUnknownSubscriber)
}

func TestAnEventNoSubscriberWantsIsNotStored(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var asked []string
	shipping := b.recorder("shipping", "", typeOrdered, typeShipped)
	shipping.Wants = func(ctx context.Context, eventType string) (bool, error) {
		_, tenant, err := postgres.TenantTx(ctx)
		require.NoError(t, err, "asked in the publishing transaction")
		require.Equal(t, b.tenant.ID, tenant)
		asked = append(asked, eventType)
		return eventType == typeShipped, nil
	}
	require.NoError(t, b.bus.Subscribe(shipping))
	require.NoError(t, b.publish(t, func(context.Context) error { return nil }, typeOrdered, typeShipped, typeOrdered, typeShipped))
	require.Equal(t, []string{typeOrdered, typeShipped}, asked, "once per type and transaction")
	jobs := b.jobs(t, "shipping")
	require.Len(t, jobs, 1)
	require.Len(t, jobs[0].EventIDs, 2, "the shipped events only")

	var stored []string
	require.NoError(t, b.db.ReadInTenant(context.Background(), b.tenant.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT type FROM domain_events ORDER BY id`)
		if err != nil {
			return err
		}
		stored, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	}))
	require.Equal(t, []string{typeShipped, typeShipped}, stored, "nobody wants the orders: they are not stored")

	// A subscriber that asks nothing wants everything it takes.
	require.NoError(t, b.bus.Subscribe(b.recorder("billing", "", typeOrdered)))
	require.NoError(t, b.publish(t, func(context.Context) error { return nil }, typeOrdered))
	require.Len(t, b.jobs(t, "billing"), 1)
}
