package platformdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
)

// insertWebhook adds an endpoint with an event and a delivery to it, in the caller's tenant
// transaction, and returns the endpoint's and the delivery's IDs.
func insertWebhook(ctx context.Context) (uuid.UUID, uuid.UUID, error) {
	repo := platformdb.Webhooks{}
	now := time.Now()
	e := ports.StoredWebhook{Endpoint: webhook.Endpoint{ID: uuid.New(), URL: "https://crm.example.com/hooks",
		EventTypes: []string{customer.Created}, Status: webhook.Active, CreatedAt: now, UpdatedAt: now},
		SecretKeyID: "t1", SecretSealed: []byte("sealed")}
	if err := repo.InsertEndpoint(ctx, e); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	ev := ports.WebhookEvent{ID: webhook.NewMessageID(), Type: customer.Created, Body: []byte(`{}`), CreatedAt: now}
	if _, err := repo.InsertEvent(ctx, ev); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	d := ports.WebhookDelivery{ID: uuid.New(), EndpointID: e.ID, EventID: ev.ID, Status: ports.DeliveryPending, CreatedAt: now, UpdatedAt: now}
	return e.ID, d.ID, repo.InsertDelivery(ctx, d)
}

func TestWebhookEndpointsAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := platformdb.Webhooks{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			id, _, err := insertWebhook(ctx)
			return id.String(), err
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.GetEndpoint(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			return repo.UpdateEndpoint(ctx, ports.StoredWebhook{Endpoint: webhook.Endpoint{ID: uuid.MustParse(id), URL: "https://evil.example.com",
				EventTypes: []string{customer.Created}, Status: webhook.Active, UpdatedAt: time.Now()}, SecretKeyID: "t1", SecretSealed: []byte("x")})
		},
		Delete: func(ctx context.Context, id string) error {
			return repo.DeleteEndpoint(ctx, uuid.MustParse(id))
		},
		NotFound: ports.ErrWebhookNotFound,
	})
}

func TestWebhookDeliveriesAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := platformdb.Webhooks{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			_, id, err := insertWebhook(ctx)
			return id.String(), err
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.GetDelivery(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			return repo.UpdateDelivery(ctx, ports.WebhookDelivery{ID: uuid.MustParse(id), Status: ports.DeliveryFailed, UpdatedAt: time.Now()})
		},
		NotFound: ports.ErrDeliveryNotFound,
	})
}

func TestWebhookListingsShowOnlyTheTenantsOwnEndpoints(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := platformdb.Webhooks{}
	a, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	ctx := context.Background()
	var mine uuid.UUID
	require.NoError(t, b.db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		var err error
		mine, _, err = insertWebhook(ctx)
		return err
	}))
	require.NoError(t, b.db.InTenant(ctx, other.ID, func(ctx context.Context) error {
		_, _, err := insertWebhook(ctx)
		return err
	}))
	require.NoError(t, b.db.ReadInTenant(ctx, a.ID, func(ctx context.Context) error {
		all, err := repo.ListEndpoints(ctx)
		require.NoError(t, err)
		require.Len(t, all, 1)
		require.Equal(t, mine, all[0].ID)
		subs, err := repo.Subscribed(ctx, customer.Created)
		require.NoError(t, err)
		require.Len(t, subs, 1)
		logs, err := repo.Deliveries(ctx, mine, ports.Page{Limit: 10})
		require.NoError(t, err)
		require.Len(t, logs, 1)
		none, err := repo.Subscribed(ctx, customer.Updated)
		require.NoError(t, err)
		require.Empty(t, none)
		types, err := repo.ReceivedTypes(ctx)
		require.NoError(t, err)
		require.Equal(t, map[string]bool{customer.Created: true}, types)
		return err
	}))
}

func TestWebhookCopiesOfACustomerFollowMergesAndGoOnErasure(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo, data := platformdb.Webhooks{}, platformdb.WebhookData{}
	tn := pgtest.NewTenant(t, b.dir)
	ctx := context.Background()
	dup, survivor, other := uuid.New(), uuid.New(), uuid.New()
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		endpoint, _, err := insertWebhook(ctx)
		if err != nil {
			return err
		}
		for _, subject := range []uuid.UUID{dup, survivor, other} {
			ev := ports.WebhookEvent{ID: webhook.NewMessageID(), Type: customer.Updated, Body: []byte(`{"name":"x"}`),
				Subject: subject, CreatedAt: time.Now()}
			if _, err := repo.InsertEvent(ctx, ev); err != nil {
				return err
			}
			d := ports.WebhookDelivery{ID: uuid.New(), EndpointID: endpoint, EventID: ev.ID, Status: ports.DeliverySucceeded,
				CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := repo.InsertDelivery(ctx, d); err != nil {
				return err
			}
		}
		return data.Merge(ctx, dup, survivor)
	}))
	sent := func(customer uuid.UUID) []platformdb.SentEvent {
		var out any
		require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			var err error
			out, err = data.Export(ctx, customer)
			return err
		}))
		return out.([]platformdb.SentEvent)
	}
	require.Empty(t, sent(dup))
	got := sent(survivor)
	require.Len(t, got, 2, "the duplicate's copies now belong to the survivor")
	require.Equal(t, []string{"https://crm.example.com"}, got[0].Endpoints, "hosts, not the URL's path or query")

	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error { return data.Erase(ctx, survivor) }))
	require.Empty(t, sent(survivor))
	require.Len(t, sent(other), 1, "other customers' copies stay")
}
