// Package jobstest works jobs synchronously in tests, without starting River's client, so a
// test can say exactly when the reactions to its changes happen.
package jobstest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Work claims the available jobs of kind, marks them completed and calls work with each one's
// args, in the order they were enqueued; it returns how many there were. River's job table is
// platform-level, so it is read on the pool, outside any tenant.
func Work(t testing.TB, pool *pgxpool.Pool, kind string, work func(raw []byte) error) int {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `WITH claimed AS (UPDATE river_job SET state = 'completed', finalized_at = now()
		WHERE kind = $1 AND state = 'available' RETURNING id, args) SELECT args FROM claimed ORDER BY id`, kind)
	require.NoError(t, err)
	var args [][]byte
	for rows.Next() {
		var raw []byte
		require.NoError(t, rows.Scan(&raw))
		args = append(args, raw)
	}
	require.NoError(t, rows.Err())
	for _, raw := range args {
		require.NoError(t, work(raw))
	}
	return len(args)
}

// WorkSubscribers works the bus's available subscriber jobs, in the order of subscription,
// until none is left (a subscriber's job enqueues those that run after it), and returns how
// many it worked.
func WorkSubscribers(t testing.TB, pool *pgxpool.Pool, bus *eventbus.Bus) int {
	t.Helper()
	total := 0
	for {
		n := 0
		for _, s := range bus.Subscribers() {
			n += Work(t, pool, eventbus.KindOf(s.Name), func(raw []byte) error {
				var args eventbus.JobArgs
				require.NoError(t, json.Unmarshal(raw, &args))
				return bus.Work(context.Background(), args)
			})
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

// Bus returns an event bus over db that enqueues through jobs, with the given event types
// declared (stored and ingested customer events besides) and no subscribers.
func Bus(db *postgres.DB, jobs ports.JobScheduler, dir *tenants.Directory, types ...string) *eventbus.Bus {
	b := eventbus.New(eventbus.Deps{Tx: db, Locals: db, Events: postgres.DomainEvents{}, Jobs: jobs, Tenants: dir})
	b.Declare(append(types, event.TypeRecorded, event.TypeIngested)...)
	return b
}

// InsertOnly returns a scheduler whose jobs are stored but never worked.
func InsertOnly(t testing.TB, db *postgres.DB) *riverjobs.Scheduler {
	t.Helper()
	jobs, err := riverjobs.InsertOnly(db)
	require.NoError(t, err)
	return jobs.Scheduler()
}
