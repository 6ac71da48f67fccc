package segment

import (
	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/webhook"
)

// The domain events, and public event types, of segment membership: customers who entered or
// left a saved segment, batched, up to webhook.BatchSize customers an event.
const (
	TypeEntered = "segment.entered"
	TypeLeft    = "segment.left"
)

// MembersChanged is the data of TypeEntered and TypeLeft.
type MembersChanged struct {
	SegmentID   uuid.UUID   `json:"segment_id"`
	SegmentName string      `json:"segment_name"`
	CustomerIDs []uuid.UUID `json:"customer_ids"`
}

func init() {
	sample := map[string]any{"segment_id": "9f1c2e4a-6b8d-4f0e-a2c4-6e8a0c2e4f61", "segment_name": "高价值会员",
		"customer_ids": []string{"0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10"}}
	webhook.Register(
		webhook.EventType{Name: TypeEntered, Sample: sample,
			Description: "Customers started to match a saved segment (when it is saved, as their data changes, or as time " +
				"passes). Batched: up to 1,000 customers an event, all of one segment."},
		webhook.EventType{Name: TypeLeft, Sample: sample,
			Description: "Customers stopped matching a saved segment. Batched: up to 1,000 customers an event, all of one " +
				"segment. Deleting a segment sends nothing."},
	)
}
