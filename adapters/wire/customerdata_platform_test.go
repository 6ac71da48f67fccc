package wire_test

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
)

// The platform's parts of a customer, for the customer data contract.
func init() {
	addCustomerDataCases(map[string]pgtest.CustomerDataPart{
		// The webhook delivery log keeps the events sent about the customer.
		"webhook_deliveries": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				repo, now := platformdb.Webhooks{}, time.Now()
				e := ports.StoredWebhook{Endpoint: webhook.Endpoint{ID: uuid.New(), URL: "https://crm.example.com/hooks",
					EventTypes: []string{customer.Updated}, Status: webhook.Active, CreatedAt: now, UpdatedAt: now},
					SecretKeyID: "t1", SecretSealed: []byte("sealed")}
				if err := repo.InsertEndpoint(ctx, e); err != nil {
					return err
				}
				ev := ports.WebhookEvent{ID: webhook.NewMessageID(), Type: customer.Updated, Subject: c, CreatedAt: now,
					Body: []byte(`{"type":"customer.updated","data":{"customer":{"name":"` + personal + `"}}}`)}
				if _, err := repo.InsertEvent(ctx, ev); err != nil {
					return err
				}
				return repo.InsertDelivery(ctx, ports.WebhookDelivery{ID: uuid.New(), EndpointID: e.ID, EventID: ev.ID,
					Status: ports.DeliverySucceeded, CreatedAt: now, UpdatedAt: now})
			},
			Personal: "王小明",
		},
	})
}
