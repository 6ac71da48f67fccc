package riverjobs_test

import (
	"context"
	"slices"
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
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/customers/tags"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// segmentJobs returns a jobs client that works segment refreshes, and the segments service.
func segmentJobs(t *testing.T, db *postgres.DB, dir *tenants.Directory) (*riverjobs.Jobs, *segments.Service) {
	t.Helper()
	jobs, err := riverjobs.New(db, riverjobs.Config{MaxWorkers: 2, NoPeriodic: true, Queues: wire.Queues()})
	require.NoError(t, err)
	eval := customersdb.NewSegmentEvaluator(customersdb.SegmentFields())
	segs := segments.NewService(segments.Deps{Tx: db, Segments: customersdb.Segments{}, Rules: customersdb.TagRules{},
		Eval: eval, Membership: eval, Defs: customersdb.AttributeDefs{}, Jobs: jobs.Scheduler(), Audit: platformdb.AuditLog{},
		Tenants: dir, Clock: ports.SystemClock{}, Fields: segment.CustomerFields()})
	riverjobs.Handle(jobs, segs.Refresh, riverjobs.WorkerOptions{})
	riverjobs.Handle(jobs, riverjobs.Sweeping[segments.SweepArgs](segs.Sweep), riverjobs.WorkerOptions{})
	return jobs, segs
}

// TestSegmentsAreKeptCurrentByTheirJobs works, on River, the refresh a saved segment
// enqueues, the reaction to a batch of events, and the periodic sweep's fan-out per tenant.
func TestSegmentsAreKeptCurrentByTheirJobs(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	jobs, segs := segmentJobs(t, db, dir)
	client := jobs.Client()
	bus := jobstest.Bus(db, jobs.Scheduler(), dir)
	evs := events.NewService(events.Deps{Tx: db, Events: customersdb.Events{}, Activity: customersdb.Activity{}, Publisher: bus,
		Tenants: dir})
	require.NoError(t, bus.Subscribe(evs.CustomersSubscriber(events.NewActivityUpdater(customersdb.Activity{}), ""),
		evs.CustomersSubscriber(segs.Reactor(), "activity")))
	for _, s := range bus.Subscribers() {
		riverjobs.HandleKind(jobs, eventbus.JobArgs{Subscriber: s.Name}, bus.Work, riverjobs.WorkerOptions{})
	}

	ctx := context.Background()
	tn := pgtest.NewTenant(t, dir)
	alice := customer.Customer{ID: uuid.New(), Name: "Alice", City: "上海"}
	bob := customer.Customer{ID: uuid.New(), Name: "Bob", City: "上海"}
	require.NoError(t, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		for _, c := range []customer.Customer{alice, bob} {
			require.NoError(t, c.Normalise(time.Now()))
			if err := (customersdb.Customers{}).Insert(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}))
	buyers := map[string]any{"and": []any{map[string]any{"field": "city", "op": "=", "value": "上海"},
		map[string]any{"field": "purchase_count", "op": ">=", "value": 1}}}
	seg, err := segs.Create(ctx, tn.ID, segments.Draft{Name: "Shanghai buyers", Tree: buyers})
	require.NoError(t, err)
	_, err = segs.CreateRule(ctx, tn.ID, segments.RuleDraft{Tag: "buyer", Tree: buyers, Enabled: true})
	require.NoError(t, err)

	completed, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	require.NoError(t, client.Start(runCtx))
	t.Cleanup(func() {
		stop()
		<-client.Stopped()
	})
	refresh := segments.RefreshArgs{}.Kind()
	waitForJobs(t, completed, refresh, 2)
	members := func() []uuid.UUID {
		cs, err := segs.Members(ctx, tn.ID, seg.ID, ports.Page{Limit: 10})
		require.NoError(t, err)
		var out []uuid.UUID
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	require.Empty(t, members())

	amount := int64(100)
	_, err = evs.IngestBatch(ctx, tn.ID, []event.Draft{{ID: "p1", CustomerID: alice.ID.String(), Type: event.TypePurchase,
		Channel: "pos", OccurredAt: time.Now(), AmountFen: &amount, Items: []event.Item{{SKU: "tea", Quantity: 1}}}})
	require.NoError(t, err)
	waitForJobs(t, completed, eventbus.KindOf("segments"), 1)
	require.Equal(t, []uuid.UUID{alice.ID}, members(), "the reaction to the batch re-evaluated its customer")
	var tagged int
	require.NoError(t, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, _, _ := postgres.TenantTx(ctx)
		return q.QueryRow(ctx, `SELECT count(*) FROM customer_tags WHERE tag = 'buyer' AND source = 'rule' AND customer_id = $1`, alice.ID).Scan(&tagged)
	}))
	require.Equal(t, 1, tagged)

	// Bob's activity changes behind the reactions' back; the sweep's fan-out catches it up.
	require.NoError(t, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, _, _ := postgres.TenantTx(ctx)
		_, err := q.Exec(ctx, `INSERT INTO customer_activity (tenant_id, customer_id, purchase_count) VALUES ($1, $2, 3)`, tn.ID.UUID(), bob.ID)
		return err
	}))
	_, err = client.Insert(ctx, segments.SweepArgs{}, nil)
	require.NoError(t, err)
	waitForJobs(t, completed, segments.SweepArgs{}.Kind(), 1)
	waitForJobs(t, completed, refresh, 1)
	require.ElementsMatch(t, []uuid.UUID{alice.ID, bob.ID}, members())
}

// TestProfileAndTagChangesReachSegmentsWithoutWaitingForTheSweep changes a profile and a tag
// through their services and sees segment membership and auto-tags follow by the refresh each
// change enqueues.
func TestProfileAndTagChangesReachSegmentsWithoutWaitingForTheSweep(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	jobs, segs := segmentJobs(t, db, dir)
	client := jobs.Client()
	people := customers.NewService(customers.Deps{Tx: db, Repo: customersdb.Customers{}, Defs: customersdb.AttributeDefs{},
		Audit: platformdb.AuditLog{}, Watchers: segs})
	tagger := tags.NewService(tags.Deps{Tx: db, Tags: customersdb.Tags{}, Customers: customersdb.Customers{}, Audit: platformdb.AuditLog{},
		Watchers: segs})

	ctx := context.Background()
	tn := pgtest.NewTenant(t, dir)
	vips, err := segs.Create(ctx, tn.ID, segments.Draft{Name: "VIPs", Tree: map[string]any{"field": "tag", "op": "has", "value": "VIP"}})
	require.NoError(t, err)
	_, err = segs.CreateRule(ctx, tn.ID, segments.RuleDraft{Tag: "杭州会员", Enabled: true,
		Tree: map[string]any{"field": "city", "op": "=", "value": "杭州"}})
	require.NoError(t, err)
	name, city := "王小明", "上海"
	alice, err := people.Create(ctx, tn.ID, customers.Patch{Name: &name, City: &city})
	require.NoError(t, err)

	completed, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	require.NoError(t, client.Start(runCtx))
	t.Cleanup(func() {
		stop()
		<-client.Stopped()
	})
	refresh := segments.RefreshArgs{}.Kind()
	waitForJobs(t, completed, refresh, 3) // the segment's, the rule's and alice's creation
	isVIP := func() bool {
		ms, err := segs.Members(ctx, tn.ID, vips.ID, ports.Page{Limit: 10})
		require.NoError(t, err)
		return len(ms) == 1 && ms[0].ID == alice.ID
	}
	ruleTagged := func() bool {
		ts, err := tagger.Of(ctx, tn.ID, alice.ID)
		require.NoError(t, err)
		return slices.ContainsFunc(ts, func(t ports.CustomerTag) bool { return t.Tag == "杭州会员" && t.Source == ports.TagRule })
	}
	require.False(t, isVIP())
	require.False(t, ruleTagged())

	_, err = tagger.Add(ctx, tn.ID, alice.ID, []string{"VIP"})
	require.NoError(t, err)
	waitForJobs(t, completed, refresh, 1)
	require.True(t, isVIP(), "a tag given by hand re-evaluates the customer")

	city = "杭州"
	_, err = people.Update(ctx, tn.ID, alice.ID, customers.Patch{City: &city})
	require.NoError(t, err)
	waitForJobs(t, completed, refresh, 1)
	require.True(t, ruleTagged(), "a profile change re-evaluates the auto-tags")

	_, err = tagger.Apply(ctx, tn.ID, tags.Bulk{Tags: []string{"VIP"}, Remove: true, Customers: []uuid.UUID{alice.ID}})
	require.NoError(t, err)
	waitForJobs(t, completed, refresh, 1)
	require.False(t, isVIP(), "a bulk change re-evaluates its customers")
}
