package lifecycle

import (
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/webhook"
)

// TypeStagesChanged is the domain event, and public event type, of customers whose stage
// changed: batched, up to webhook.BatchSize customers an event.
const TypeStagesChanged = "lifecycle.stage_changed"

// Change is a customer's move from one stage to another, since when the rules say the new
// stage began.
type Change struct {
	CustomerID uuid.UUID `json:"customer_id"`
	From       Stage     `json:"from"`
	To         Stage     `json:"to"`
	Since      time.Time `json:"since"`
}

// StagesChanged is the data of TypeStagesChanged.
type StagesChanged struct {
	Changes []Change `json:"changes"`
}

func init() {
	webhook.Register(webhook.EventType{Name: TypeStagesChanged,
		Description: "Customers moved to another lifecycle stage: after their purchases, as time passed (the daily sweep) or " +
			"because the brand changed its rules. Batched: up to 1,000 customers an event, each with the stage it left, " +
			"the one it entered and since when.",
		Sample: map[string]any{"changes": []map[string]any{
			{"customer_id": "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10", "from": "active", "to": "at_risk", "since": "2026-01-01T08:00:00Z"},
			{"customer_id": "5d2a8f1e-7b3c-4e6a-9c1d-2f4e6a8b0c12", "from": "lapsed", "to": "won_back", "since": "2026-01-01T09:30:00Z"},
		}}})
}
