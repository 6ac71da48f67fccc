package riverjobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

func TestExponentialBackoffDoublesUpToItsCeiling(t *testing.T) {
	t.Parallel()
	wait := riverjobs.Exponential(2*time.Second, 30*time.Second)
	var got []time.Duration
	for attempt := 1; attempt <= 6; attempt++ {
		got = append(got, wait(attempt))
	}
	require.Equal(t, []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second,
		30 * time.Second}, got)
}

// failingArgs is a job whose work always fails.
type failingArgs struct {
	TenantID   uuid.UUID `json:"tenant_id"`
	Subscriber string    `json:"subscriber"`
}

func (failingArgs) Kind() string { return "always_failing" }

func TestAJobRetriesAsItsQueueSaysAndItsLastFailureIsLoggedWithItsTenant(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	var logs syncBuffer
	jobs, err := riverjobs.New(db, riverjobs.Config{NoPeriodic: true, Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		Queues: []riverjobs.Queue{{Name: "fragile", Retry: riverjobs.RetryPolicy{MaxAttempts: 2,
			Backoff: func(int) time.Duration { return 10 * time.Millisecond }}}}})
	require.NoError(t, err)
	riverjobs.Handle(jobs, func(context.Context, failingArgs) error { return errors.New("the provider is down") }, riverjobs.WorkerOptions{})
	tn := pgtest.NewTenant(t, tenants.NewDirectory(platformdb.NewTenantStore(db)))
	require.NoError(t, db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return jobs.Scheduler().Enqueue(ctx, failingArgs{TenantID: tn.ID.UUID(), Subscriber: "points"}, ports.JobOptions{Queue: "fragile"})
	}))
	discarded, cancel := jobs.Client().Subscribe(river.EventKindJobFailed)
	defer cancel()
	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, jobs.Client().Start(ctx))
	t.Cleanup(func() {
		stop()
		<-jobs.Client().Stopped()
	})
	for {
		ev := <-discarded
		if ev.Job.State == rivertype.JobStateDiscarded {
			require.Equal(t, 2, ev.Job.Attempt, "the queue's two attempts, not River's 25")
			break
		}
	}
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), `"final":true`) }, 10*time.Second, 10*time.Millisecond)
	var last map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		if m["final"] == true {
			last = m
		}
	}
	require.Equal(t, "ERROR", last["level"])
	require.Equal(t, tn.ID.String(), last["tenant"])
	require.Equal(t, "points", last["subscriber"])
	require.Equal(t, "fragile", last["queue"])
	require.Equal(t, "the provider is down", last["error"])
}

// syncBuffer is a buffer River's goroutines may log to while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
