package riverjobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	db     *postgres.DB
	dir    *tenants.Directory
	client *riverjobs.Client
	sched  *riverjobs.Scheduler
	idem   *idempotency.Service
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	jobs, err := riverjobs.New(db, riverjobs.Config{MaxWorkers: 2, NoPeriodic: true})
	require.NoError(t, err)
	sched := jobs.Scheduler()
	idem := idempotency.NewService(idempotency.Deps{Tx: db, Store: platformdb.IdempotencyKeys{}, Jobs: sched, Tenants: dir})
	addIdempotencyWorkers(jobs, idem)
	return &testBundle{db: db, dir: dir, client: jobs.Client(), sched: sched, idem: idem}
}

func addIdempotencyWorkers(jobs *riverjobs.Jobs, idem *idempotency.Service) {
	riverjobs.Handle(jobs, riverjobs.Counting(idem.Purge), riverjobs.WorkerOptions{})
	riverjobs.Handle(jobs, riverjobs.Sweeping[idempotency.SweepArgs](idem.Sweep), riverjobs.WorkerOptions{})
}

func (b *testBundle) jobCount(t *testing.T, kind string) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n))
	return n
}

// staleKey leaves an idempotency key older than the retention period for tenant.
func (b *testBundle) staleKey(t *testing.T, tn tenants.Tenant, key string) {
	t.Helper()
	_, err := b.idem.Claim(context.Background(), tn.ID, key, []byte("x"))
	require.NoError(t, err)
	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		_, err = q.Exec(ctx, `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, key)
		return err
	}))
}

func (b *testBundle) keyExists(t *testing.T, tn tenants.Tenant, key string) bool {
	t.Helper()
	rec, err := b.idem.Claim(context.Background(), tn.ID, key, []byte("x"))
	require.NoError(t, err)
	return rec.State != ports.IdempotencyNew
}

func TestJobEnqueuedInARolledBackTransactionDoesNotExist(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	boom := errors.New("business rule failed")
	err := b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		if err := b.sched.Enqueue(ctx, idempotency.PurgeArgs{TenantID: tn.ID.UUID()}, ports.JobOptions{}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Zero(t, b.jobCount(t, idempotency.PurgeArgs{}.Kind()))
}

func TestJobEnqueuedInACommittedTransactionIsWorkedInItsTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	b.staleKey(t, tn, "old")
	b.staleKey(t, other, "old-elsewhere")

	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return b.sched.Enqueue(ctx, idempotency.PurgeArgs{TenantID: tn.ID.UUID()}, ports.JobOptions{})
	}))
	require.Equal(t, 1, b.jobCount(t, idempotency.PurgeArgs{}.Kind()))

	events, cancel := b.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, b.client.Start(ctx))
	t.Cleanup(func() {
		stop()
		<-b.client.Stopped()
	})
	for {
		select {
		case ev := <-events:
			if ev.Job.Kind != (idempotency.PurgeArgs{}).Kind() {
				continue
			}
			require.Equal(t, river.EventKindJobCompleted, ev.Kind, "job errors: %v", ev.Job.Errors)
			require.False(t, b.keyExists(t, tn, "old"), "the worker purged the tenant's expired key")
			require.True(t, b.keyExists(t, other, "old-elsewhere"), "and nothing of another tenant")
			return
		case <-time.After(30 * time.Second):
			t.Fatal("the committed job was not worked")
		}
	}
}

func TestPeriodicSweepRunsOnStart(t *testing.T) {
	t.Parallel()
	// The wired service's periodic jobs, as engage serve runs them.
	pg := pgtest.New(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("riverjobs test"), Workers: 1}, pg.OpenApp(t))
	require.NoError(t, err)
	client := a.River
	events, cancel := client.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() {
		stop()
		<-client.Stopped()
	})
	for {
		select {
		case ev := <-events:
			if ev.Job.Kind == (idempotency.SweepArgs{}).Kind() {
				return
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the periodic sweep did not run on start")
		}
	}
}

func TestSweepEnqueuesAPurgeForEveryTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for range 3 {
		pgtest.NewTenant(t, b.dir)
	}
	n, err := b.idem.Sweep(context.Background())
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, 3, b.jobCount(t, idempotency.PurgeArgs{}.Kind()))
}

func TestSchedulerRefusesToEnqueueOutsideATenantTransaction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	err := b.sched.Enqueue(context.Background(), idempotency.SweepArgs{}, ports.JobOptions{})
	require.ErrorIs(t, err, ports.ErrNoTenantTx)
}
