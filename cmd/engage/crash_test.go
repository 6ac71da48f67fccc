package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/demodata"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/tenants"
)

// TestAWorkerKilledMidJobHasItsWorkRedoneByAnother kills a worker process with SIGKILL while it
// works a burst of reactions to ingested purchases, starts another, and checks that every
// subscriber's work is redone (nothing left running or lost) and that every customer's
// aggregates equal a recomputation from their events.
func TestAWorkerKilledMidJobHasItsWorkRedoneByAnother(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a, err := wire.New(wire.Config{DatabaseURL: b.db.AppURL, SecretsKey: testSecretsKey, SignInKey: []byte("crash test"),
		NoPeriodicJobs: true}, b.db.OpenApp(t))
	require.NoError(t, err)
	tn := pgtest.NewTenant(t, a.Tenants)
	people := make([]customer.Customer, 300)
	for i := range people {
		people[i] = demodata.Profile(i + 1)
	}
	ids, err := a.Demo.ImportCustomers(ctx, tn.ID, people)
	require.NoError(t, err)
	var customers []uuid.UUID
	for _, id := range ids {
		customers = append(customers, id)
	}
	base := time.Now().Add(-30 * 24 * time.Hour)
	for batch := range 40 {
		drafts := make([]event.Draft, 250)
		for i := range drafts {
			n := batch*len(drafts) + i
			amount := int64(100 + n%900)
			drafts[i] = event.Draft{ID: fmt.Sprintf("p-%d", n), CustomerID: customers[n%len(customers)].String(),
				Type: event.TypePurchase, Channel: "pos", OccurredAt: base.Add(time.Duration(n) * time.Minute), AmountFen: &amount,
				Items: []event.Item{{SKU: "tea", Quantity: 1}}}
		}
		_, err := a.Events.IngestBatch(ctx, tn.ID, drafts)
		require.NoError(t, err)
	}

	// A worker takes jobs and dies mid-burst, leaving jobs running. Between seeing a job
	// running and the kill, that job may finish: then another worker is killed, until one
	// leaves work behind.
	for left := 0; left == 0; {
		require.Less(t, b.subscriberJobs(t, "completed"), b.subscriberJobs(t, ""), "the burst ended before a worker died in it")
		first, firstLogs := b.worker(t)
		require.Eventually(t, func() bool { return b.subscriberJobs(t, "running") > 0 },
			time.Minute, time.Millisecond, "the worker took jobs: %s", firstLogs)
		require.NoError(t, first.Process.Kill())
		_ = first.Wait()
		left = b.subscriberJobs(t, "running")
	}

	second, secondLogs := b.worker(t)
	t.Cleanup(func() { _ = second.Process.Kill() })
	require.Eventually(t, func() bool { return b.subscriberJobs(t, "completed") == b.subscriberJobs(t, "") },
		3*time.Minute, 200*time.Millisecond, "the second worker redid the first one's work: %s", secondLogs)
	require.Zero(t, b.subscriberJobs(t, "discarded"))
	b.requireAggregatesRecomputed(t, a.DB, tn.ID)
}

// worker starts engage worker with a short job timeout, so that the rescue of a crashed
// worker's jobs comes soon.
func (b *testBundle) worker(t *testing.T) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(b.bin, "worker")
	logs := &bytes.Buffer{}
	cmd.Env = append(b.env, "ENGAGE_JOB_TIMEOUT=3s", "ENGAGE_WORKERS=4")
	cmd.Stdout, cmd.Stderr = logs, logs
	require.NoError(t, cmd.Start())
	return cmd, logs
}

// subscriberJobs counts the subscriber jobs in state ("" for all). River's job table is
// platform-level: it is read outside any tenant.
func (b *testBundle) subscriberJobs(t *testing.T, state string) int {
	t.Helper()
	var n int
	require.NoError(t, b.jobsDB(t).Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job
		WHERE kind LIKE 'subscriber.%' AND ($1 = '' OR state::text = $1)`, state).Scan(&n))
	return n
}

// jobsDB is the test's own pool for watching River's job table.
func (b *testBundle) jobsDB(t *testing.T) *postgres.DB {
	t.Helper()
	b.watchOnce.Do(func() { b.watch = b.db.OpenApp(t) })
	return b.watch
}

// requireAggregatesRecomputed compares every customer's stored aggregates with the ones their
// events give.
func (b *testBundle) requireAggregatesRecomputed(t *testing.T, db *postgres.DB, tenant tenants.ID) {
	t.Helper()
	var wrong, total int
	require.NoError(t, db.InTenant(context.Background(), tenant, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		return q.QueryRow(ctx, `WITH truth AS (
				SELECT customer_id, count(*) FILTER (WHERE type = 'purchase') AS purchases,
					coalesce(sum(amount_fen) FILTER (WHERE type = 'purchase'), 0) AS spend, max(occurred_at) AS last_seen
				FROM customer_events GROUP BY customer_id)
			SELECT count(*) FILTER (WHERE a.customer_id IS NULL OR a.purchase_count <> t.purchases OR a.spend_fen <> t.spend
				OR a.last_seen_at <> t.last_seen), count(*)
			FROM truth t LEFT JOIN customer_activity a ON a.customer_id = t.customer_id`).Scan(&wrong, &total)
	}))
	require.Equal(t, 300, total)
	require.Zero(t, wrong, "customers whose aggregates differ from their events")
}
