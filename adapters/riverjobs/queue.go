package riverjobs

import (
	"cmp"
	"time"
)

// Queue is a queue a module's jobs run on: how many at once per process, and how failed ones
// are retried.
type Queue struct {
	Name string
	// MaxWorkers is the number of the queue's jobs worked at once by one process (default 1).
	MaxWorkers int
	// Retry is the queue's retry policy; zero fields take the client's default.
	Retry RetryPolicy
}

// RetryPolicy says how often a failed job is attempted and how long it waits in between.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts before the job is discarded.
	MaxAttempts int
	// Backoff is the wait after the attempt-th failure (1 for the first).
	Backoff func(attempt int) time.Duration
}

// DefaultRetry is the policy of queues that set none: 20 attempts over about two days, for
// jobs that must happen in the end (an erasure, a purge) whatever the outage.
var DefaultRetry = RetryPolicy{MaxAttempts: 20, Backoff: Exponential(time.Second, 6*time.Hour)}

func (p RetryPolicy) orDefault() RetryPolicy { return p.or(DefaultRetry) }

func (p RetryPolicy) or(d RetryPolicy) RetryPolicy {
	p.MaxAttempts = cmp.Or(p.MaxAttempts, d.MaxAttempts)
	if p.Backoff == nil {
		p.Backoff = d.Backoff
	}
	return p
}

// Exponential waits base after the first failure and twice as long after each next one, at
// most ceiling.
func Exponential(base, ceiling time.Duration) func(int) time.Duration {
	return func(attempt int) time.Duration {
		wait := base
		for i := 1; i < attempt && wait < ceiling; i++ {
			wait *= 2
		}
		return min(wait, ceiling)
	}
}
