package receipts

import (
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/webhook"
)

// The domain events of receipt scanning, published in the transaction of the decision. Both
// are public: brands subscribe webhooks to them.
const (
	TypeApproved = "receipt.approved"
	TypeRejected = "receipt.rejected"
)

// EventTypes are every type receipt scanning publishes.
var EventTypes = []string{TypeApproved, TypeRejected}

// Decided is the data of both events: a receipt approved (it earns points as a purchase) or
// rejected with a reason, by an admin or by the brand's checks (decided_by "system").
type Decided struct {
	ReceiptID  uuid.UUID `json:"receipt_id"`
	CustomerID uuid.UUID `json:"customer_id"`
	Status     Status    `json:"status"`
	Store      string    `json:"store,omitempty"`
	StoreCode  string    `json:"store_code,omitempty"`
	AmountFen  int64     `json:"amount_fen,omitempty"`
	Number     string    `json:"number,omitempty"`
	PurchaseID string    `json:"purchase_id,omitempty"`
	Reason     Reason    `json:"reason,omitempty"`
	Flags      []Flag    `json:"flags"`
	DecidedBy  string    `json:"decided_by"`
	OccurredAt time.Time `json:"occurred_at"`
}

// DecidedBy returns the data of the event r's decision publishes, and its type.
func DecidedBy(r Receipt) (string, Decided) {
	d := Decided{ReceiptID: r.ID, CustomerID: r.Customer, Status: r.Status, Store: r.Fields.Store, StoreCode: r.StoreCode,
		AmountFen: r.Fields.AmountFen, Number: r.Fields.Number, PurchaseID: r.PurchaseID, Reason: r.Reason, Flags: r.Flags,
		DecidedBy: r.DecidedKind, OccurredAt: r.DecidedAt}
	if d.Flags == nil {
		d.Flags = []Flag{}
	}
	if r.Status == Approved {
		return TypeApproved, d
	}
	return TypeRejected, d
}

func init() {
	sample := func(status, reason string) map[string]any {
		m := map[string]any{"receipt_id": "01968a3c-7e0a-7b4e-9c1d-2f4e6a8b0c99", "customer_id": "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10",
			"status": status, "store": "全家便利店(南京西路店)", "store_code": "SH-NJW", "amount_fen": 1680, "number": "20261201031588",
			"flags": []string{}, "decided_by": "user", "occurred_at": "2026-12-03T02:00:00Z"}
		if status == "approved" {
			m["purchase_id"] = "receipt-01968a3c-7e0a-7b4e-9c1d-2f4e6a8b0c99"
		} else {
			m["reason"], m["flags"] = reason, []string{"duplicate_number"}
		}
		return m
	}
	webhook.Register(webhook.EventType{Name: TypeApproved, Description: "A customer's receipt was approved: it earns points as a purchase.",
		Sample: sample("approved", ""), Descriptions: map[string]string{"zh-CN": "会员上传的小票审核通过，按消费发放积分。",
			"en": "A customer's receipt was approved: it earns points as a purchase."}})
	webhook.Register(webhook.EventType{Name: TypeRejected, Description: "A customer's receipt was rejected, with the reason.",
		Sample: sample("rejected", "duplicate"), Descriptions: map[string]string{"zh-CN": "会员上传的小票被驳回（附原因）。",
			"en": "A customer's receipt was rejected, with the reason."}})
}
