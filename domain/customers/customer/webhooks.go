package customer

import "github.com/engagehq/engage/domain/platform/webhook"

// Names of the customers module's public event types: brands subscribe webhooks to them.
const (
	Created = "customer.created"
	Updated = "customer.updated"
	Merged  = "customer.merged"
	Erased  = "customer.erased"
	Tagged  = "customer.tagged"
)

// sampleProfile is the profile sample customer events carry.
var sampleProfile = map[string]any{
	"id": "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10", "name": "王小明", "gender": "male", "phone": "+8613800000000",
	"email": "xiaoming@example.com", "language": "zh-CN", "city": "上海", "consents": map[string]bool{"marketing_sms": true},
	"attributes": map[string]any{}, "created_at": "2026-01-01T08:00:00Z", "updated_at": "2026-01-01T08:00:00Z",
	"lifecycle_stage": "active", "lifecycle_since": "2026-01-01T08:00:00Z", "tags": []string{"VIP"},
}

// The customers module's public event types, registered with their samples.
func init() {
	webhook.Register(
		webhook.EventType{Name: Created, Description: "A customer profile was created (by an admin, a partner, an import or a Mini Program login).",
			Sample: map[string]any{"customer_id": sampleProfile["id"], "changed_fields": []string{"name", "phone"}, "customer": sampleProfile}},
		webhook.EventType{Name: Updated, Description: "A customer's profile changed; changed_fields names what changed.",
			Sample: map[string]any{"customer_id": sampleProfile["id"], "changed_fields": []string{"city"}, "customer": sampleProfile}},
		webhook.EventType{Name: Merged, Description: "Two customer profiles were merged into the survivor.",
			Sample: map[string]any{"customer_id": sampleProfile["id"], "merged_id": "5d2a8f1e-7b3c-4e6a-9c1d-2f4e6a8b0c12"}},
		webhook.EventType{Name: Erased, Description: "A customer's personal data was erased at their request.",
			Sample: map[string]any{"customer_id": sampleProfile["id"]}},
		webhook.EventType{Name: Tagged, Description: "Tags were added to a customer.",
			Sample: map[string]any{"customer_id": sampleProfile["id"], "tags": []string{"vip"}}},
	)
}
