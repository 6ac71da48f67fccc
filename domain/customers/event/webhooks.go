package event

import (
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/webhook"
)

// TypeIngested is the public event type of an ingested batch: the events it stored (not its
// duplicates or rejections), one webhook event per batch.
const TypeIngested = "events.ingested"

// Ingested is the data of TypeIngested.
type Ingested struct {
	Events []IngestedEvent `json:"events"`
}

// IngestedEvent is a stored event as webhooks announce it: everything but its payload, which
// may carry personal data the event's customer can have erased.
type IngestedEvent struct {
	ID         string    `json:"id"`
	CustomerID uuid.UUID `json:"customer_id"`
	Type       string    `json:"type"`
	Channel    string    `json:"channel,omitempty"`
	OccurredAt time.Time `json:"occurred_at"`
	AmountFen  *int64    `json:"amount_fen,omitempty"`
	Store      string    `json:"store,omitempty"`
	Items      []Item    `json:"items,omitempty"`
}

// IngestedOf is how webhooks announce the stored events evs.
func IngestedOf(evs []Event) Ingested {
	out := Ingested{Events: make([]IngestedEvent, len(evs))}
	for i, e := range evs {
		out.Events[i] = IngestedEvent{ID: e.ID, CustomerID: e.CustomerID, Type: e.Type, Channel: e.Channel, OccurredAt: e.OccurredAt,
			AmountFen: e.AmountFen, Store: e.Store, Items: e.Items}
	}
	return out
}

func init() {
	webhook.Register(webhook.EventType{Name: TypeIngested,
		Description: "A batch of customer events was stored (POST /v1/events, check-ins, imports of history): one event per " +
			"batch, up to 1,000 events, without duplicates and rejections. Payloads are not sent: read them from the timeline.",
		Sample: map[string]any{"events": []map[string]any{{"id": "order-20260101-0001", "customer_id": "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10",
			"type": "purchase", "channel": "pos", "occurred_at": "2026-01-01T08:00:00Z", "amount_fen": 3800, "store": "SH-001",
			"items": []map[string]any{{"sku": "oolong-500g", "category": "tea", "quantity": 1, "price_fen": 3800}}}}}})
}
