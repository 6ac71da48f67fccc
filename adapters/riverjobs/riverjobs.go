// Package riverjobs is the jobs kit: Engage's background jobs on River. It builds the client
// with the queues modules declare (each with its concurrency and retry policy), registers the
// workers and periodic jobs they give it, and implements the scheduler port that enqueues in
// the caller's tenant transaction. It knows no module.
package riverjobs

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// Client is River's client over the application pool.
type Client = river.Client[pgx.Tx]

// Defaults of the jobs kit.
const (
	// DefaultJobTimeout is how long a job may run unless its worker says otherwise.
	DefaultJobTimeout = 30 * time.Second
	// DefaultRescueAfter is how long a job may stay running past its timeout before River's
	// rescuer (every 30 s) takes it for crashed and schedules it again: a worker process
	// killed mid-job has its jobs redone within about a minute.
	DefaultRescueAfter = 15 * time.Second
	// FetchCooldown is the least time between two fetches of one queue. River's default of
	// 100 ms caps a queue at ten fetches a second, each taking at most its free workers; a
	// chain of subscribers (activity, then lifecycle, then segments) whose jobs each take
	// tens of milliseconds would spend most of a burst waiting for the next fetch.
	FetchCooldown = 10 * time.Millisecond
)

// Config is the client's set-up.
type Config struct {
	// Queues are the queues worked besides River's default one (MaxWorkers below).
	Queues []Queue
	// MaxWorkers is the number of jobs worked at once on the default queue (default 10).
	MaxWorkers int
	// Default is the retry policy of the default queue and of queues without their own.
	Default RetryPolicy
	// JobTimeout and RescueAfter override DefaultJobTimeout and DefaultRescueAfter.
	JobTimeout, RescueAfter time.Duration
	// Logger receives River's logs and a line for every failed attempt.
	Logger *slog.Logger
	// NoPeriodic leaves out the periodic jobs, for tests that count the jobs they make.
	NoPeriodic bool
}

// Jobs is the River client with its workers, queues and periodic jobs.
type Jobs struct {
	client   *Client
	workers  *river.Workers
	queues   map[string]Queue
	def      RetryPolicy
	periodic bool
}

// New builds the client. Workers and periodic jobs are added with Handle and Every before the
// client starts; it inserts jobs of registered kinds only.
func New(db *postgres.DB, cfg Config) (*Jobs, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	j := &Jobs{workers: river.NewWorkers(), queues: map[string]Queue{}, def: cfg.Default.orDefault(), periodic: !cfg.NoPeriodic}
	queues := map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmp.Or(cfg.MaxWorkers, 10)}}
	for _, q := range cfg.Queues {
		if _, dup := queues[q.Name]; dup {
			return nil, fmt.Errorf("riverjobs: queue %q declared twice", q.Name)
		}
		q.Retry = q.Retry.or(j.def)
		j.queues[q.Name] = q
		queues[q.Name] = river.QueueConfig{MaxWorkers: cmp.Or(q.MaxWorkers, 1)}
	}
	timeout := cmp.Or(cfg.JobTimeout, DefaultJobTimeout)
	client, err := river.NewClient(riverpgxv5.New(db.Pool()), &river.Config{
		Logger:               cfg.Logger,
		Queues:               queues,
		Workers:              j.workers,
		JobTimeout:           timeout,
		FetchCooldown:        FetchCooldown,
		RescueStuckJobsAfter: timeout + cmp.Or(cfg.RescueAfter, DefaultRescueAfter),
		RetryPolicy:          retryPolicy{jobs: j},
		ErrorHandler:         errorLog{logger: cfg.Logger},
	})
	if err != nil {
		return nil, err
	}
	j.client = client
	return j, nil
}

// Client returns River's client, to start, stop and watch it.
func (j *Jobs) Client() *Client { return j.client }

// Scheduler returns the scheduler port over the client.
func (j *Jobs) Scheduler() *Scheduler { return &Scheduler{jobs: j} }

// WorkerOptions adjust one kind of job.
type WorkerOptions struct {
	// Timeout is how long one attempt may run; zero uses the client's JobTimeout.
	Timeout time.Duration
}

// Handle registers work as the worker of the jobs whose args are A. Args whose Kind depends
// on their value (one kind per subscriber) use HandleKind.
func Handle[A ports.JobArgs](j *Jobs, work func(ctx context.Context, args A) error, opts WorkerOptions) {
	var zero A
	HandleKind(j, zero, work, opts)
}

// HandleKind registers work as the worker of jobs of kind args.Kind(), whose args decode as A.
func HandleKind[A ports.JobArgs](j *Jobs, args A, work func(ctx context.Context, args A) error, opts WorkerOptions) {
	river.AddWorkerArgs(j.workers, args, &worker[A]{work: work, timeout: opts.Timeout})
}

// worker adapts a function to River's worker interface.
type worker[A ports.JobArgs] struct {
	river.WorkerDefaults[A]
	work    func(ctx context.Context, args A) error
	timeout time.Duration
}

// Work implements river.Worker. The job acts as the system, named by its kind, so that what
// it changes is audited as the job's doing (ports.JobActor).
func (w *worker[A]) Work(ctx context.Context, job *river.Job[A]) error {
	return w.work(ports.WithActor(ctx, ports.JobActor(job.Kind)), job.Args)
}

// Timeout implements river.Worker.
func (w *worker[A]) Timeout(*river.Job[A]) time.Duration { return w.timeout }

// Every adds a periodic job: args is enqueued every interval (and at start when runOnStart),
// once across all processes. Without periodic jobs (Config.NoPeriodic) it does nothing.
func (j *Jobs) Every(id string, interval time.Duration, args func() ports.JobArgs, runOnStart bool) {
	if !j.periodic {
		return
	}
	j.client.PeriodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(interval), func() (river.JobArgs, *river.InsertOpts) {
		return args(), nil
	}, &river.PeriodicJobOpts{ID: id, RunOnStart: runOnStart}))
}

// Scheduler implements ports.JobScheduler with River in the tenant transaction: the jobs a
// tenant write transaction enqueues are inserted together, in one statement, just before it
// commits.
type Scheduler struct {
	jobs *Jobs
}

var _ ports.JobScheduler = (*Scheduler)(nil)

// pendingJobs are the jobs a transaction enqueued, inserted when it is about to commit; one
// enqueued after that (by work that runs later at the commit) is inserted at once.
type pendingJobs struct {
	params  []river.InsertManyParams
	flushed bool
}

type pendingJobsKey struct{}

// Enqueue implements ports.JobScheduler. A job on a declared queue gets that queue's number
// of attempts.
func (s *Scheduler) Enqueue(ctx context.Context, args ports.JobArgs, opts ports.JobOptions) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	insert := &river.InsertOpts{Queue: opts.Queue, MaxAttempts: s.jobs.policy(opts.Queue).MaxAttempts}
	if !opts.RunAt.IsZero() {
		insert.ScheduledAt = opts.RunAt
	}
	v, err := postgres.Local(ctx, pendingJobsKey{}, func() (any, func(context.Context) error) {
		p := &pendingJobs{}
		return p, func(ctx context.Context) error {
			p.flushed = true
			if len(p.params) == 0 {
				return nil
			}
			if _, err := s.jobs.client.InsertManyTx(ctx, tx, p.params); err != nil {
				return fmt.Errorf("enqueue %d jobs: %w", len(p.params), err)
			}
			return nil
		}
	})
	if p, ok := v.(*pendingJobs); err == nil && ok && !p.flushed {
		p.params = append(p.params, river.InsertManyParams{Args: args, InsertOpts: insert})
		return nil
	}
	// Not a tenant's write transaction (an admin's own), or its jobs already went in.
	if _, err := s.jobs.client.InsertTx(ctx, tx, args, insert); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

func (j *Jobs) policy(queue string) RetryPolicy {
	if q, ok := j.queues[queue]; ok {
		return q.Retry
	}
	return j.def
}

// retryPolicy waits as the failed job's queue says.
type retryPolicy struct {
	jobs *Jobs
}

// NextRetry implements river.ClientRetryPolicy.
func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(p.jobs.policy(job.Queue).Backoff(max(job.Attempt, 1)))
}

// errorLog logs every failed attempt with the job's tenant; the last attempt is an error,
// since nothing retries it after that: River keeps the job discarded, where metrics and the
// platform's job UI show it.
type errorLog struct {
	logger *slog.Logger
}

func (l errorLog) log(ctx context.Context, job *rivertype.JobRow, msg string, attrs ...any) {
	var args struct {
		TenantID   uuid.UUID `json:"tenant_id"`
		Subscriber string    `json:"subscriber"`
	}
	_ = json.Unmarshal(job.EncodedArgs, &args)
	level, final := slog.LevelWarn, job.Attempt >= job.MaxAttempts
	if final {
		level, msg = slog.LevelError, msg+"; no attempt is left, the job is discarded"
	}
	attrs = append(attrs, "job_id", job.ID, "kind", job.Kind, "queue", job.Queue, "attempt", job.Attempt,
		"max_attempts", job.MaxAttempts, "final", final)
	if args.TenantID != uuid.Nil {
		attrs = append(attrs, "tenant", args.TenantID.String())
	}
	if args.Subscriber != "" {
		attrs = append(attrs, "subscriber", args.Subscriber)
	}
	l.logger.Log(ctx, level, msg, attrs...)
}

// HandleError implements river.ErrorHandler.
func (l errorLog) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	l.log(ctx, job, "job attempt failed", "error", err.Error())
	return nil
}

// HandlePanic implements river.ErrorHandler.
func (l errorLog) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	l.log(ctx, job, "job attempt panicked", "panic", fmt.Sprint(panicVal), "trace", trace)
	return nil
}

// InsertOnly returns a client that only inserts jobs, of any kind, for tests and tools that
// enqueue without working.
func InsertOnly(db *postgres.DB) (*Jobs, error) {
	client, err := river.NewClient(riverpgxv5.New(db.Pool()), &river.Config{})
	if err != nil {
		return nil, err
	}
	return &Jobs{client: client, queues: map[string]Queue{}, def: DefaultRetry}, nil
}

// Counting adapts a job method that also says how much it did (a purge) to a worker's work.
func Counting[A ports.JobArgs, N any](fn func(ctx context.Context, args A) (N, error)) func(context.Context, A) error {
	return func(ctx context.Context, args A) error {
		_, err := fn(ctx, args)
		return err
	}
}

// Sweeping adapts a periodic sweep, which takes no arguments and says how much it did, to the
// work of the jobs whose args are A.
func Sweeping[A ports.JobArgs, N any](fn func(ctx context.Context) (N, error)) func(context.Context, A) error {
	return func(ctx context.Context, _ A) error {
		_, err := fn(ctx)
		return err
	}
}
