// Package riverjobs runs Engage's background jobs on River: the scheduler port that enqueues in
// the caller's tenant transaction, the workers, and periodic jobs.
package riverjobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/events"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/application/lifecycle"
	"github.com/engagehq/engage/application/privacy"
	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/application/webhooks"
	"github.com/engagehq/engage/application/wechataccounts"
	"github.com/engagehq/engage/ports"
)

// Client is River's client over the application pool.
type Client = river.Client[pgx.Tx]

// Services are the application services workers call. NewClient takes a pointer so the
// services, which enqueue through the client, can be filled in after it is built.
type Services struct {
	Idempotency *idempotency.Service
	// Events hands ingested batches of customer events to the modules that react to them.
	Events *events.Service
	// WeChatAccounts imports brands' WeChat fan tags.
	WeChatAccounts *wechataccounts.Service
	// Lifecycle keeps customers' lifecycle stages current as time passes.
	Lifecycle *lifecycle.Service
	// Privacy carries out customers' erasure requests when they fall due.
	Privacy *privacy.Service
	// Webhooks delivers webhook events and purges their old logs.
	Webhooks *webhooks.Service
	// Segments refreshes segment members and auto-tag rules.
	Segments *segments.Service
}

// Config sizes the workers.
type Config struct {
	// MaxWorkers is the number of jobs worked at once on the default queue.
	MaxWorkers int
	// EventWorkers is the number of reaction jobs to customer events worked at once, on their
	// own queue (default 2): each holds a pooled connection and the row locks of up to a
	// thousand customers, so more of them only wait on each other and starve ingestion of
	// connections.
	EventWorkers int
	// WebhookWorkers is the number of webhook deliveries attempted at once, on their own queue
	// (default 20), so slow receivers hold up no other jobs. A delivery holds a connection
	// only for its two short transactions, not while it waits on the receiver, so many can
	// wait at once; River fetches at most this many every 100 ms, which bounds the rate.
	WebhookWorkers int
	// Logger receives River's own logs.
	Logger *slog.Logger
	// NoPeriodic leaves out the periodic jobs, for tests that count the jobs they make.
	NoPeriodic bool
}

// NewClient builds a River client whose workers call svc. It only inserts until started.
func NewClient(db *postgres.DB, svc *Services, cfg Config) (*Client, error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[idempotency.PurgeArgs]) error {
		_, err := svc.Idempotency.Purge(ctx, job.Args)
		return err
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[idempotency.SweepArgs]) error {
		_, err := svc.Idempotency.Sweep(ctx)
		return err
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[events.ReactArgs]) error {
		return svc.Events.React(ctx, job.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[lifecycle.RecomputeArgs]) error {
		_, err := svc.Lifecycle.Recompute(ctx, job.Args)
		return err
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[lifecycle.SweepArgs]) error {
		_, err := svc.Lifecycle.Sweep(ctx)
		return err
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[wechataccounts.ImportFanTagsArgs]) error {
		return svc.WeChatAccounts.RunFanTagImport(ctx, job.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[privacy.EraseArgs]) error {
		return svc.Privacy.Erase(ctx, job.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[webhooks.DeliverArgs]) error {
		return svc.Webhooks.Deliver(ctx, job.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[webhooks.AlertArgs]) error {
		return svc.Webhooks.Alert(ctx, job.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[webhooks.PurgeArgs]) error {
		_, err := svc.Webhooks.Purge(ctx, job.Args)
		return err
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[webhooks.SweepArgs]) error {
		_, err := svc.Webhooks.Sweep(ctx)
		return err
	}))
	if cfg.WebhookWorkers <= 0 {
		cfg.WebhookWorkers = 20
	}
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[segments.RefreshArgs]) error {
		return svc.Segments.Refresh(ctx, job.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[segments.SweepArgs]) error {
		_, err := svc.Segments.Sweep(ctx)
		return err
	}))
	if cfg.MaxWorkers <= 0 {
		cfg.MaxWorkers = 10
	}
	if cfg.EventWorkers <= 0 {
		cfg.EventWorkers = 2
	}
	var periodic []*river.PeriodicJob
	if !cfg.NoPeriodic {
		periodic = append(periodic,
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
				return idempotency.SweepArgs{}, nil
			}, &river.PeriodicJobOpts{ID: "idempotency_sweep", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
				return lifecycle.SweepArgs{}, nil
			}, &river.PeriodicJobOpts{ID: "lifecycle_sweep", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(6*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
				return webhooks.SweepArgs{}, nil
			}, &river.PeriodicJobOpts{ID: "webhook_sweep"}),
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
				return segments.SweepArgs{}, nil
			}, &river.PeriodicJobOpts{ID: "segments_sweep"}))
	}
	return river.NewClient(riverpgxv5.New(db.Pool()), &river.Config{
		Logger: cfg.Logger,
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cfg.MaxWorkers},
			events.Queue:       {MaxWorkers: cfg.EventWorkers},
			webhooks.Queue:     {MaxWorkers: cfg.WebhookWorkers},
		},
		Workers:      workers,
		PeriodicJobs: periodic,
	})
}

// Scheduler implements ports.JobScheduler with River's InsertTx in the tenant transaction.
type Scheduler struct {
	client *Client
}

var _ ports.JobScheduler = (*Scheduler)(nil)

// NewScheduler returns a scheduler inserting through client.
func NewScheduler(client *Client) *Scheduler { return &Scheduler{client: client} }

// Enqueue implements ports.JobScheduler.
func (s *Scheduler) Enqueue(ctx context.Context, args ports.JobArgs, opts ports.JobOptions) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	insert := &river.InsertOpts{Queue: opts.Queue}
	if !opts.RunAt.IsZero() {
		insert.ScheduledAt = opts.RunAt
	}
	if _, err := s.client.InsertTx(ctx, tx, args, insert); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}
