package customersdb_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// newCustomer stores a customer in the tenant of ctx.
func newCustomer(ctx context.Context) (uuid.UUID, error) {
	c := customer.Customer{ID: uuid.New(), Name: "Customer"}
	if err := c.Normalise(time.Now()); err != nil {
		return uuid.Nil, err
	}
	return c.ID, customersdb.Customers{}.Insert(ctx, c)
}

func amount(v int64) *int64 { return &v }

func purchaseOf(id string, c uuid.UUID, at time.Time, fen int64) event.Event {
	return event.Event{ID: id, CustomerID: c, Type: event.TypePurchase, Channel: "pos", OccurredAt: at, AmountFen: amount(fen),
		Store: "杭州西湖店", Items: []event.Item{{SKU: "tea", Category: "drinks", Quantity: 1, PriceFen: amount(fen)}}}
}

func visitOf(id string, c uuid.UUID, at time.Time) event.Event {
	return event.Event{ID: id, CustomerID: c, Type: event.TypeVisit, Channel: "mini_program", OccurredAt: at,
		Payload: map[string]any{"qr": "store-7"}}
}

// inTenant runs fn in tn's transaction and fails the test on error.
func (b *testBundle) inTenant(t *testing.T, tn tenants.Tenant, fn func(ctx context.Context) error) {
	t.Helper()
	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, fn))
}

func TestEventsAreInsertedOnceAndReadBackNewestFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := customersdb.Events{}
	base := time.Date(2024, 6, 1, 4, 0, 0, 0, time.UTC)
	var alice, bob uuid.UUID
	b.inTenant(t, tn, func(ctx context.Context) (err error) {
		if alice, err = newCustomer(ctx); err != nil {
			return err
		}
		bob, err = newCustomer(ctx)
		return err
	})

	b.inTenant(t, tn, func(ctx context.Context) error {
		stored, err := repo.InsertNew(ctx, []event.Event{purchaseOf("a1", alice, base, 1200), visitOf("a2", alice, base.Add(time.Hour)), purchaseOf("b1", bob, base, 50)})
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"a1", "a2", "b1"}, stored)
		stored, err = repo.InsertNew(ctx, []event.Event{purchaseOf("a1", alice, base, 9999), visitOf("a3", alice, base.Add(2*time.Hour))})
		require.NoError(t, err)
		require.Equal(t, []string{"a3"}, stored, "a1 was stored before and is left as it was")
		return nil
	})

	require.NoError(t, b.db.ReadInTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		got, err := repo.ByIDs(ctx, []string{"a1", "a2", "nope"})
		require.NoError(t, err)
		require.Len(t, got, 2)
		for _, e := range got {
			switch e.ID {
			case "a1":
				require.Equal(t, int64(1200), *e.AmountFen)
				require.Equal(t, []event.Item{{SKU: "tea", Category: "drinks", Quantity: 1, PriceFen: amount(1200)}}, e.Items)
				require.Equal(t, "杭州西湖店", e.Store)
				require.Nil(t, e.Payload)
				require.True(t, e.OccurredAt.Equal(base))
				require.False(t, e.ReceivedAt.IsZero())
			case "a2":
				require.Nil(t, e.AmountFen)
				require.Equal(t, map[string]any{"qr": "store-7"}, e.Payload)
			}
		}

		line, err := repo.Timeline(ctx, alice, ports.TimelineQuery{}, ports.Page{Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{"a3", "a2", "a1"}, eventIDs(line))
		line, err = repo.Timeline(ctx, alice, ports.TimelineQuery{}, ports.Page{After: "a3", Limit: 1})
		require.NoError(t, err)
		require.Equal(t, []string{"a2"}, eventIDs(line))
		line, err = repo.Timeline(ctx, alice, ports.TimelineQuery{Type: event.TypePurchase}, ports.Page{Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{"a1"}, eventIDs(line))
		line, err = repo.Timeline(ctx, alice, ports.TimelineQuery{}, ports.Page{After: "b1", Limit: 10})
		require.NoError(t, err)
		require.Empty(t, line, "a cursor from another customer's timeline finds nothing")

		known, err := repo.ExistingCustomers(ctx, []uuid.UUID{alice, uuid.New()})
		require.NoError(t, err)
		require.Equal(t, map[uuid.UUID]bool{alice: false}, known, "alice exists and is not erased")
		return nil
	}))
}

func eventIDs(evs []event.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func TestActivityIsRecomputedFromTheEventsAndIdempotent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	base := time.Date(2024, 6, 1, 4, 0, 0, 0, time.UTC)
	var alice, quiet uuid.UUID
	b.inTenant(t, tn, func(ctx context.Context) (err error) {
		if alice, err = newCustomer(ctx); err != nil {
			return err
		}
		if quiet, err = newCustomer(ctx); err != nil {
			return err
		}
		_, err = customersdb.Events{}.InsertNew(ctx, []event.Event{
			visitOf("v1", alice, base.Add(-time.Hour)), purchaseOf("p1", alice, base, 1200),
			purchaseOf("p2", alice, base.Add(24*time.Hour), 800), visitOf("v2", alice, base.Add(48*time.Hour)),
		})
		return err
	})
	for range 2 {
		b.inTenant(t, tn, func(ctx context.Context) error {
			return customersdb.Activity{}.Recompute(ctx, []uuid.UUID{alice, quiet})
		})
	}
	require.NoError(t, b.db.ReadInTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		a, err := customersdb.Activity{}.Get(ctx, alice)
		require.NoError(t, err)
		require.Equal(t, int64(2), a.PurchaseCount)
		require.Equal(t, int64(2000), a.SpendFen)
		require.Equal(t, int64(2), a.VisitCount)
		require.True(t, a.FirstSeenAt.Equal(base.Add(-time.Hour)))
		require.True(t, a.LastSeenAt.Equal(base.Add(48*time.Hour)))
		require.True(t, a.LastPurchaseAt.Equal(base.Add(24*time.Hour)))

		q, err := customersdb.Activity{}.Get(ctx, quiet)
		require.NoError(t, err)
		require.Zero(t, q.PurchaseCount)
		require.Nil(t, q.FirstSeenAt, "a customer without events has no first sighting")
		return nil
	}))
}

// A recomputation waits for one in progress on the same customers and then sees every event
// committed meanwhile, so the aggregates never go back to an older state.
func TestConcurrentRecomputationsEndWithEveryEventCounted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	var alice uuid.UUID
	b.inTenant(t, tn, func(ctx context.Context) (err error) {
		if alice, err = newCustomer(ctx); err != nil {
			return err
		}
		_, err = customersdb.Events{}.InsertNew(ctx, []event.Event{purchaseOf("p1", alice, time.Now(), 100)})
		return err
	})
	holding, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
			if err := (customersdb.Activity{}).Recompute(ctx, []uuid.UUID{alice}); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	// A second batch commits while the first job still holds the customer's row.
	b.inTenant(t, tn, func(ctx context.Context) error {
		_, err := customersdb.Events{}.InsertNew(ctx, []event.Event{purchaseOf("p2", alice, time.Now(), 200)})
		return err
	})
	second := make(chan error, 1)
	go func() {
		second <- b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
			return customersdb.Activity{}.Recompute(ctx, []uuid.UUID{alice})
		})
	}()
	select {
	case err := <-second:
		t.Fatalf("the second recomputation did not wait for the first: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-first)
	require.NoError(t, <-second)
	require.NoError(t, b.db.ReadInTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		a, err := customersdb.Activity{}.Get(ctx, alice)
		require.NoError(t, err)
		require.Equal(t, int64(2), a.PurchaseCount)
		require.Equal(t, int64(300), a.SpendFen)
		return nil
	}))
}

var errEventNotFound = errors.New("event not found")

func TestEventsAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.Events{}
	customers := map[string]uuid.UUID{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			c, err := newCustomer(ctx)
			if err != nil {
				return "", err
			}
			customers["e1"] = c
			_, err = repo.InsertNew(ctx, []event.Event{purchaseOf("e1", c, time.Now(), 100)})
			return "e1", err
		},
		Get: func(ctx context.Context, id string) error {
			evs, err := repo.ByIDs(ctx, []string{id})
			if err == nil && len(evs) == 0 {
				err = errEventNotFound
			}
			return err
		},
		// Reading the customer's timeline stands in for the update the stream has not.
		Update: func(ctx context.Context, id string) error {
			evs, err := repo.Timeline(ctx, customers[id], ports.TimelineQuery{}, ports.Page{Limit: 10})
			if err == nil && len(evs) == 0 {
				err = errEventNotFound
			}
			return err
		},
		NotFound: errEventNotFound,
	})
}

func TestActivityIsIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.Activity{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			c, err := newCustomer(ctx)
			if err != nil {
				return "", err
			}
			if _, err := (customersdb.Events{}).InsertNew(ctx, []event.Event{purchaseOf("e1", c, time.Now(), 100)}); err != nil {
				return "", err
			}
			return c.String(), repo.Recompute(ctx, []uuid.UUID{c})
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Get(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			if err := repo.Recompute(ctx, []uuid.UUID{uuid.MustParse(id)}); err != nil {
				return err
			}
			_, err := repo.Get(ctx, uuid.MustParse(id))
			return err
		},
		NotFound: ports.ErrNoActivity,
	})
}

func TestCustomersAreImportedOnceByExternalID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	profiles := func(n int) []customer.Customer {
		out := make([]customer.Customer, n)
		for i := range out {
			out[i] = customer.Customer{ID: uuid.New(), ExternalID: fmt.Sprintf("crm-%d", i), Name: fmt.Sprintf("会员%d", i),
				Phone: fmt.Sprintf("+86138%08d", i), City: "上海"}
			require.NoError(t, out[i].Normalise(time.Now()))
		}
		return out
	}
	var first map[string]uuid.UUID
	b.inTenant(t, a, func(ctx context.Context) (err error) {
		var created int
		first, created, err = customersdb.CustomerImport{}.ImportNew(ctx, profiles(3))
		require.Equal(t, 3, created)
		return err
	})
	require.Len(t, first, 3)
	b.inTenant(t, a, func(ctx context.Context) error {
		again, created, err := customersdb.CustomerImport{}.ImportNew(ctx, profiles(4))
		require.NoError(t, err)
		require.Equal(t, 1, created)
		require.Len(t, again, 4)
		for ext, id := range first {
			require.Equal(t, id, again[ext], "an imported customer keeps its ID")
		}
		c, err := customersdb.Customers{}.Get(ctx, again["crm-3"])
		require.NoError(t, err)
		require.Equal(t, "+8613800000003", c.Phone)
		require.Equal(t, "会员3", c.Name)
		return nil
	})
	b.inTenant(t, other, func(ctx context.Context) error {
		theirs, _, err := customersdb.CustomerImport{}.ImportNew(ctx, profiles(1))
		require.NoError(t, err)
		require.NotEqual(t, first["crm-0"], theirs["crm-0"], "another brand's customer with the same external ID is another customer")
		return nil
	})
}
