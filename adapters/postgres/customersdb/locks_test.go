package customersdb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
)

// Storing events locks their customers FOR KEY SHARE (the foreign key check) until the batch
// commits. Nothing that locks customers without changing their key waits on that, so a
// reaction, a profile change, an import, a merge or a sweep can neither be held up by an
// ingest nor deadlock with it.
func TestCustomerLocksDoNotWaitOnAnIngestInProgress(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tn := pgtest.NewTenant(t, b.dir)
	now := time.Now()
	var ids []uuid.UUID
	b.inTenant(t, tn, func(ctx context.Context) error {
		for i := range 2 {
			c := customer.Customer{ID: uuid.New(), ExternalID: fmt.Sprintf("pos-%d", i), Name: "会员"}
			if err := c.Normalise(now); err != nil {
				return err
			}
			if err := (customersdb.Customers{}).Insert(ctx, c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		// A year-old history: each customer's stage is due to change from new to lapsed.
		if _, err := (customersdb.Events{}).InsertNew(ctx, []event.Event{purchaseOf("old-0", ids[0], now.AddDate(-1, 0, 0), 100),
			purchaseOf("old-1", ids[1], now.AddDate(-1, 0, 0), 100)}); err != nil {
			return err
		}
		return customersdb.Activity{}.Recompute(ctx, ids)
	})

	ingested, release, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		finished <- b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			if _, err := (customersdb.Events{}).InsertNew(ctx, []event.Event{purchaseOf("new-1", ids[1], now, 100),
				purchaseOf("new-0", ids[0], now, 100)}); err != nil {
				return err
			}
			close(ingested)
			<-release
			return nil
		})
	}()
	<-ingested
	var once sync.Once
	commitIngest := func() { once.Do(func() { close(release) }) }
	t.Cleanup(func() {
		commitIngest()
		require.NoError(t, <-finished)
	})

	lockers := []struct {
		name string
		lock func(ctx context.Context) error
	}{
		{"a reaction's activity", func(ctx context.Context) error { return customersdb.Activity{}.Recompute(ctx, ids) }},
		{"a reaction's stages", func(ctx context.Context) error {
			changed, err := customersdb.Lifecycle{}.Recompute(ctx, lifecycle.Defaults, now, ids)
			require.Len(t, changed, 2)
			return err
		}},
		{"the stage sweep, which skips nobody", func(ctx context.Context) error {
			changed, err := customersdb.Lifecycle{}.RecomputeAll(ctx, lifecycle.Defaults, now)
			require.Len(t, changed, 2)
			return err
		}},
		{"a profile change", func(ctx context.Context) error {
			_, err := customersdb.Customers{}.Update(ctx, ids[0], func(c *customer.Customer) error { c.City = "杭州"; return nil })
			return err
		}},
		{"an import", func(ctx context.Context) error {
			found, err := customersdb.CustomerBulk{}.ByKeys(ctx, []string{"pos-0", "pos-1"}, nil)
			require.Len(t, found, 2)
			return err
		}},
		{"a merge", func(ctx context.Context) error {
			states, err := customersdb.CustomerMerges{}.Lock(ctx, ids)
			require.Len(t, states, 2)
			return err
		}},
		{"bulk tagging", func(ctx context.Context) error {
			_, err := customersdb.Tags{}.BulkAssign(ctx, ids, "VIP", ports.TagManual)
			return err
		}},
	}
	for _, l := range lockers {
		stop, waited := make(chan struct{}), make(chan error, 1)
		go func() { waited <- watchLockWaits(b, stop, commitIngest) }()
		// Each rolls back, so that the next finds the same rows.
		errRollback := fmt.Errorf("roll back %s", l.name)
		err := b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			if err := l.lock(ctx); err != nil {
				return err
			}
			return errRollback
		})
		close(stop)
		require.NoError(t, <-waited, l.name)
		require.ErrorIs(t, err, errRollback, l.name)
	}
}

// errLockWait says that a session waited for a lock.
var errLockWait = errors.New("waited for the ingest's row locks")

// watchLockWaits watches the sessions of the test's database until stop is closed. As soon as
// one waits for a lock (PostgreSQL says so: no time limit is guessed) it calls unblock, so
// that the waiter gets its lock, and returns errLockWait.
func watchLockWaits(b *testBundle, stop <-chan struct{}, unblock func()) error {
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		var waiting int
		if err := b.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			return err
		}
		if waiting > 0 {
			unblock()
			return errLockWait
		}
		time.Sleep(time.Millisecond)
	}
}
