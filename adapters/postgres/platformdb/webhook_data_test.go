package platformdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
)

// The webhook delivery log's part of a customer follows the customer data contract. The log
// names customers by ID only (it keeps no reference to the customers table), so a new ID is a
// customer here.
func TestWebhookDataMergesExportsAndErases(t *testing.T) {
	t.Parallel()
	b := setup(t)
	newCustomer := func(context.Context) (uuid.UUID, error) { return uuid.New(), nil }
	pgtest.RunCustomerData(t, b.db, b.dir, newCustomer, []pgtest.CustomerDataPart{
		{
			Data: platformdb.WebhookData{},
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				endpoint, _, err := insertWebhook(ctx)
				if err != nil {
					return err
				}
				ev := ports.WebhookEvent{ID: webhook.NewMessageID(), Type: customer.Updated, Subject: c, CreatedAt: time.Now(),
					Body: []byte(`{"type":"customer.updated","data":{"customer":{"name":"` + personal + `"}}}`)}
				if _, err := (platformdb.Webhooks{}).InsertEvent(ctx, ev); err != nil {
					return err
				}
				return platformdb.Webhooks{}.InsertDelivery(ctx, ports.WebhookDelivery{ID: uuid.New(), EndpointID: endpoint, EventID: ev.ID,
					Status: ports.DeliverySucceeded, CreatedAt: time.Now(), UpdatedAt: time.Now()})
			},
			Personal: "王小明",
		},
	})
}
