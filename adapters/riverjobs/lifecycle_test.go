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
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/events"
	lifecycleapp "github.com/engagehq/engage/application/customers/lifecycle"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// lifecycleBundle is the events and lifecycle services over a real database and River client.
type lifecycleBundle struct {
	db        *postgres.DB
	dir       *tenants.Directory
	client    *riverjobs.Client
	events    *events.Service
	lifecycle *lifecycleapp.Service
	completed <-chan *river.Event
}

func setupLifecycle(t *testing.T) *lifecycleBundle {
	t.Helper()
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("riverjobs test"), Workers: 2, NoPeriodicJobs: true}, db)
	require.NoError(t, err)
	client := a.River
	b := &lifecycleBundle{db: db, dir: a.Tenants, client: client, events: a.Events, lifecycle: a.Lifecycle}
	completed, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	t.Cleanup(cancel)
	b.completed = completed
	runCtx, stop := context.WithCancel(context.Background())
	require.NoError(t, client.Start(runCtx))
	t.Cleanup(func() {
		stop()
		<-client.Stopped()
	})
	return b
}

// customerAt stores a customer who joined days ago, with the stage and since given, and
// optionally a purchase lastPurchase days ago.
func (b *lifecycleBundle) customerAt(t *testing.T, tn tenants.Tenant, joined int, lastPurchase int, stage lifecycle.Stage, since int) uuid.UUID {
	t.Helper()
	ago := func(days int) time.Time { return time.Now().Add(-time.Duration(days) * lifecycle.Day) }
	c := customer.Customer{ID: uuid.New(), Name: "会员"}
	require.NoError(t, c.Normalise(time.Now()))
	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		if err := (customersdb.Customers{}).Insert(ctx, c); err != nil {
			return err
		}
		q, _, _ := postgres.TenantTx(ctx)
		if _, err := q.Exec(ctx, `UPDATE customers SET created_at = $2, lifecycle_stage = $3, lifecycle_since = $4 WHERE id = $1`,
			c.ID, ago(joined), string(stage), ago(since)); err != nil {
			return err
		}
		if lastPurchase < 0 {
			return nil
		}
		amount := int64(100)
		_, err := customersdb.Events{}.InsertNew(ctx, []event.Event{{ID: "old-" + c.ID.String(), CustomerID: c.ID, Type: event.TypePurchase,
			Channel: "pos", OccurredAt: ago(lastPurchase), AmountFen: &amount, Items: []event.Item{{SKU: "tea", Quantity: 1}}}})
		if err != nil {
			return err
		}
		return customersdb.Activity{}.Recompute(ctx, []uuid.UUID{c.ID})
	}))
	return c.ID
}

func (b *lifecycleBundle) stage(t *testing.T, tn tenants.Tenant, id uuid.UUID) lifecycle.Stage {
	t.Helper()
	var out lifecycle.Stage
	require.NoError(t, b.db.ReadInTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		c, err := customersdb.Customers{}.Get(ctx, id)
		out = c.LifecycleStage
		return err
	}))
	return out
}

func TestALapsedCustomerWhoBuysIsWonBackWhenTheBatchIsReactedTo(t *testing.T) {
	t.Parallel()
	b := setupLifecycle(t)
	tn := pgtest.NewTenant(t, b.dir)
	alice := b.customerAt(t, tn, 400, 200, lifecycle.Lapsed, 20)
	bob := b.customerAt(t, tn, 400, 200, lifecycle.AtRisk, 110)

	amount := int64(3800)
	res, err := b.events.IngestBatch(context.Background(), tn.ID, []event.Draft{
		{ID: "p1", CustomerID: alice.String(), Type: event.TypePurchase, Channel: "pos", OccurredAt: time.Now().Add(-time.Minute),
			AmountFen: &amount, Items: []event.Item{{SKU: "tea", Quantity: 1}}},
		{ID: "v1", CustomerID: bob.String(), Type: event.TypeVisit, Channel: "pos", OccurredAt: time.Now().Add(-time.Minute)},
	})
	require.NoError(t, err)
	require.Equal(t, events.Accepted, res[0].Status)
	waitForJobs(t, b.completed, eventbus.KindOf("lifecycle"), 1)
	require.Equal(t, lifecycle.WonBack, b.stage(t, tn, alice))
	require.Equal(t, lifecycle.Lapsed, b.stage(t, tn, bob), "a visit is not a purchase: bob's stage follows the time since his last one")
}

func TestChangedSettingsRecomputeTheBrandAndTheDailySweepCoversEveryActiveBrand(t *testing.T) {
	t.Parallel()
	b := setupLifecycle(t)
	ctx := context.Background()
	tn, other, suspended := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	carol := b.customerAt(t, tn, 400, 60, lifecycle.Active, 60)
	dave := b.customerAt(t, other, 400, -1, lifecycle.New, 400)
	erin := b.customerAt(t, suspended, 400, -1, lifecycle.New, 400)
	_, err := b.dir.Suspend(ctx, suspended.Slug)
	require.NoError(t, err)

	shorter := lifecycle.Settings{NewDays: 14, AtRiskDays: 30, LapsedDays: 90, WonBackDays: 14}
	require.NoError(t, b.lifecycle.SetSettings(ctx, tn.ID, shorter))
	waitForJobs(t, b.completed, lifecycleapp.RecomputeArgs{}.Kind(), 1)
	require.Equal(t, lifecycle.AtRisk, b.stage(t, tn, carol), "60 days without buying is at risk under the brand's new rules")
	got, err := b.lifecycle.Settings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, shorter, got)
	require.Equal(t, lifecycle.New, b.stage(t, other, dave), "another brand is unchanged until swept")

	n, err := b.lifecycle.Sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n, "one recompute per active brand")
	waitForJobs(t, b.completed, lifecycleapp.RecomputeArgs{}.Kind(), 2)
	require.Equal(t, lifecycle.Lapsed, b.stage(t, other, dave))
	_, err = b.dir.Reinstate(ctx, suspended.Slug)
	require.NoError(t, err)
	require.Equal(t, lifecycle.New, b.stage(t, suspended, erin), "suspended brands are not swept")
	stages, err := b.lifecycle.Stages(ctx, other.ID)
	require.NoError(t, err)
	require.Equal(t, ports.StageCount{Stage: lifecycle.Lapsed, Customers: 1}, stages[3])

	var bad interface{ Unwrap() []error }
	require.ErrorAs(t, b.lifecycle.SetSettings(ctx, tn.ID, lifecycle.Settings{NewDays: 14, AtRiskDays: 90, LapsedDays: 90, WonBackDays: 14}), &bad)
	got, err = b.lifecycle.Settings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, shorter, got, "refused settings change nothing")
}
