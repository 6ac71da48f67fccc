package wire

import (
	"time"

	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/events"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/application/lifecycle"
	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/application/webhooks"
	"github.com/engagehq/engage/ports"
)

// Queues are the job queues besides the default one, each with its concurrency and retries.
func Queues() []riverjobs.Queue {
	return []riverjobs.Queue{
		// Reactions to customer events retry soon: a lock timeout or a deadlock victim
		// succeeds at once the next time.
		{Name: events.Queue, MaxWorkers: 2, Retry: riverjobs.RetryPolicy{MaxAttempts: 12,
			Backoff: riverjobs.Exponential(2*time.Second, 30*time.Minute)}},
		// Deliveries keep their own schedule (webhook.Schedule): River retries only a job that
		// failed before it could record its attempt.
		{Name: webhooks.Queue, MaxWorkers: 20, Retry: riverjobs.RetryPolicy{MaxAttempts: 8,
			Backoff: riverjobs.Exponential(5*time.Second, 10*time.Minute)}},
	}
}

// addWorkers registers the worker of every job and the periodic jobs.
func (a *App) addWorkers(j *riverjobs.Jobs) {
	for _, s := range a.Bus.Subscribers() {
		riverjobs.HandleKind(j, eventbus.JobArgs{Subscriber: s.Name}, a.Bus.Work, riverjobs.WorkerOptions{})
	}
	riverjobs.Handle(j, riverjobs.Sweeping[eventbus.SweepArgs](a.Bus.Sweep), none)
	riverjobs.Handle(j, riverjobs.Counting(a.Idempotency.Purge), none)
	riverjobs.Handle(j, riverjobs.Sweeping[idempotency.SweepArgs](a.Idempotency.Sweep), none)
	riverjobs.Handle(j, riverjobs.Counting(a.Lifecycle.Recompute), none)
	riverjobs.Handle(j, riverjobs.Sweeping[lifecycle.SweepArgs](a.Lifecycle.Sweep), long)
	// A fan tag import pages through the brand's whole following.
	riverjobs.Handle(j, a.WeChatAccounts.RunFanTagImport, long)
	riverjobs.Handle(j, a.Privacy.Erase, none)
	riverjobs.Handle(j, a.Webhooks.Deliver, none)
	riverjobs.Handle(j, a.Webhooks.Alert, none)
	riverjobs.Handle(j, riverjobs.Counting(a.Webhooks.Purge), none)
	riverjobs.Handle(j, riverjobs.Sweeping[webhooks.SweepArgs](a.Webhooks.Sweep), none)
	riverjobs.Handle(j, a.Segments.Refresh, long)
	riverjobs.Handle(j, riverjobs.Sweeping[segments.SweepArgs](a.Segments.Sweep), none)

	every := func(id string, interval time.Duration, args ports.JobArgs, runOnStart bool) {
		j.Every(id, interval, func() ports.JobArgs { return args }, runOnStart)
	}
	every("idempotency_sweep", time.Hour, idempotency.SweepArgs{}, true)
	every("lifecycle_sweep", 24*time.Hour, lifecycle.SweepArgs{}, true)
	every("webhook_sweep", 6*time.Hour, webhooks.SweepArgs{}, false)
	every("segments_sweep", time.Hour, segments.SweepArgs{}, false)
	every("domain_events_sweep", 6*time.Hour, eventbus.SweepArgs{}, false)
}

var (
	none = riverjobs.WorkerOptions{}
	// long is for jobs that go through a whole brand: a sweep, a segment refresh, an import.
	long = riverjobs.WorkerOptions{Timeout: 10 * time.Minute}
)
