package events_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/customers/event"
)

// A history replayed through the ingest by several callers while every reaction (activity,
// lifecycle, segments and auto-tags, as wired in production) runs on River: ingest's foreign
// key checks and the reactions' row locks never deadlock, so no batch fails and no reaction
// job fails even once, and afterwards each customer's aggregates are those of their events.
func TestBackfillWhileReactionsRunNeverDeadlocks(t *testing.T) {
	t.Parallel()
	const (
		customers = 400
		callers   = 4
		batches   = 20 // per caller
		batchSize = events.MaxBatch
	)
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("events test"), Workers: 2, NoPeriodicJobs: true}, db)
	require.NoError(t, err)
	ctx := context.Background()
	tn := pgtest.NewTenant(t, a.Tenants)
	ids := importCustomers(t, db, tn.ID, customers)
	big := map[string]any{"field": "spend_fen", "op": ">=", "value": 2_000_000}
	_, err = a.Segments.Create(ctx, tn.ID, segments.Draft{Name: "大客户", Tree: big})
	require.NoError(t, err)
	_, err = a.Segments.CreateRule(ctx, tn.ID, segments.RuleDraft{Tag: "VIP", Tree: big, Enabled: true})
	require.NoError(t, err)

	jobs, cancel := a.River.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	require.NoError(t, a.River.Start(runCtx))
	t.Cleanup(func() {
		stop()
		<-a.River.Stopped()
	})

	// The history is replayed in order: batch g of all of them (callers take turns) holds
	// purchases and visits of the first customers known by then, from a ten-day window that
	// moves from 400 days ago to today, so that each batch brings new customers and changes the
	// stages and segments of many others.
	now := time.Now().Truncate(time.Second)
	const total, day = callers * batches, 24 * time.Hour
	batch := func(g int) []event.Draft {
		known := len(ids) * (g + 1) / total
		from := now.Add(-400*day + time.Duration(g)*390*day/total)
		out := make([]event.Draft, batchSize)
		for i := range out {
			d := event.Draft{ID: fmt.Sprintf("backfill-%d-%d", g, i), CustomerID: ids[rand.IntN(known)].String(),
				Type: event.TypeVisit, Channel: "pos", OccurredAt: from.Add(time.Duration(rand.Int64N(int64(10 * day))))}
			if i%10 != 0 {
				amount := int64(100 + rand.IntN(50_000))
				d.Type, d.AmountFen, d.Items = event.TypePurchase, &amount, []event.Item{{SKU: "tea-oolong", Quantity: 1}}
			}
			d.OccurredAt = d.OccurredAt.Truncate(time.Second)
			out[i] = d
		}
		return out
	}
	var (
		mu     sync.Mutex
		sent   []event.Draft
		failed []string
		wg     sync.WaitGroup
	)
	for c := range callers {
		wg.Go(func() {
			for g := c; g < total; g += callers {
				drafts := batch(g)
				results, err := a.Events.IngestBatch(ctx, tn.ID, drafts)
				mu.Lock()
				if err != nil {
					failed = append(failed, fmt.Sprintf("batch %d: %v", g, err))
				}
				for _, r := range results {
					if r.Status != events.Accepted {
						failed = append(failed, fmt.Sprintf("batch %d event %d: %s %s", g, r.Index, r.Status, r.Code))
					}
				}
				sent = append(sent, drafts...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Empty(t, failed, "every batch is stored")

	// One job per batch for each subscriber; the last of them re-evaluates segments. No job may
	// fail, not even once before a retry.
	for pending := total; pending > 0; {
		ev := <-jobs
		require.Equal(t, river.EventKindJobCompleted, ev.Kind, "%s failed: %v", ev.Job.Kind, ev.Job.Errors)
		if ev.Job.Kind == eventbus.KindOf("segments") {
			pending--
		}
	}

	want := map[uuid.UUID]*event.Activity{}
	for _, d := range sent {
		id := uuid.MustParse(d.CustomerID)
		w := want[id]
		if w == nil {
			w = &event.Activity{CustomerID: id, FirstSeenAt: &d.OccurredAt, LastSeenAt: &d.OccurredAt}
			want[id] = w
		}
		if d.OccurredAt.Before(*w.FirstSeenAt) {
			w.FirstSeenAt = &d.OccurredAt
		}
		if d.OccurredAt.After(*w.LastSeenAt) {
			w.LastSeenAt = &d.OccurredAt
		}
		if d.Type == event.TypeVisit {
			w.VisitCount++
			continue
		}
		w.PurchaseCount++
		w.SpendFen += *d.AmountFen
		if w.LastPurchaseAt == nil || d.OccurredAt.After(*w.LastPurchaseAt) {
			w.LastPurchaseAt = &d.OccurredAt
		}
	}
	for _, id := range ids {
		got, err := a.Events.Activity(ctx, tn.ID, id)
		require.NoError(t, err)
		w := want[id]
		if w == nil {
			w = &event.Activity{CustomerID: id}
		}
		require.Equal(t, aggregates(*w), aggregates(got), "customer %s", id)
	}
}

// aggregates describes what a customer's activity counts, with its times in UTC.
func aggregates(a event.Activity) string {
	at := func(t *time.Time) string {
		if t == nil {
			return "never"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("seen %s to %s, %d purchases of %d fen, the last %s, %d visits",
		at(a.FirstSeenAt), at(a.LastSeenAt), a.PurchaseCount, a.SpendFen, at(a.LastPurchaseAt), a.VisitCount)
}
