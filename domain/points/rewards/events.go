package rewards

import (
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/webhook"
)

// The domain events of the reward catalog, published in the transaction of the change. All
// are public: brands subscribe webhooks to them.
const (
	TypeClaimed   = "reward.claimed"
	TypeUsed      = "voucher.used"
	TypeCancelled = "voucher.cancelled"
)

// EventTypes are every type the catalog publishes.
var EventTypes = []string{TypeClaimed, TypeUsed, TypeCancelled}

// VoucherEvent is the data of every catalog event: a voucher, its reward and claim, and what
// the claim cost.
type VoucherEvent struct {
	CustomerID   uuid.UUID `json:"customer_id"`
	RewardID     uuid.UUID `json:"reward_id"`
	RedemptionID uuid.UUID `json:"redemption_id"`
	VoucherID    uuid.UUID `json:"voucher_id"`
	Points       int64     `json:"points"`
	CashFen      int64     `json:"cash_fen"`
	State        State     `json:"state"`
	ExpiresAt    time.Time `json:"expires_at"`
	Store        string    `json:"store,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	OccurredAt   time.Time `json:"occurred_at"`
}

// EventSubject names the customer the event is about, so that merging and erasing the customer
// reach it (a cancellation's reason may say something about them).
func (e VoucherEvent) EventSubject() uuid.UUID { return e.CustomerID }

func init() {
	sample := func(state State, extra map[string]any) map[string]any {
		m := map[string]any{"customer_id": "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10", "reward_id": "01968a3c-7e0a-7b4e-9c1d-2f4e6a8b0c99",
			"redemption_id": "01968a3c-7e0a-7b4e-9c1d-2f4e6a8b0c13", "voucher_id": "01968a3c-7e0a-7b4e-9c1d-2f4e6a8b0c14",
			"points": 500, "cash_fen": 0, "state": string(state), "expires_at": "2026-01-31T16:00:00Z", "occurred_at": "2026-01-01T08:00:00Z"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, t := range []webhook.EventType{
		{Name: TypeClaimed, Description: "A customer claimed a reward for points: its voucher was issued.",
			Descriptions: map[string]string{"zh-CN": "会员用积分兑换了奖励，已发放券。", "en": "A customer claimed a reward for points: its voucher was issued."},
			Sample:       sample(StateIssued, nil)},
		{Name: TypeUsed, Description: "A reward's voucher was used at a store.",
			Descriptions: map[string]string{"zh-CN": "奖励券在门店核销时。", "en": "A reward's voucher was used at a store."},
			Sample:       sample(StateUsed, map[string]any{"store": "sh-001"})},
		{Name: TypeCancelled, Description: "A reward's voucher was cancelled: its points and stock went back.",
			Descriptions: map[string]string{"zh-CN": "奖励券被作废，积分和库存已退回时。", "en": "A reward's voucher was cancelled: its points and stock went back."},
			Sample:       sample(StateCancelled, map[string]any{"reason": "customer_request"})},
	} {
		webhook.Register(t)
	}
}
