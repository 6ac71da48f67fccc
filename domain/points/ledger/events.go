package ledger

import (
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/webhook"
)

// The domain events the points module publishes, in the transaction of the change. All are
// public: brands subscribe webhooks to them.
const (
	TypeEarned   = "points.earned"
	TypeReleased = "points.released"
	TypeRedeemed = "points.redeemed"
	TypeExpired  = "points.expired"
	TypeExpiring = "points.expiring"
	TypeAdjusted = "points.adjusted"
	TypeRefunded = "points.refunded"
	// TypeCampaignStopped: a bonus campaign stopped, its budget issued or by hand
	// (campaigns.StoppedEvent).
	TypeCampaignStopped = "points.campaign_stopped"
)

// EventTypes are every type the module publishes.
var EventTypes = []string{TypeEarned, TypeReleased, TypeRedeemed, TypeExpired, TypeExpiring, TypeAdjusted, TypeRefunded,
	TypeCampaignStopped}

// Changed is the data of every event but points.expiring: one operation on a customer's points,
// with its change and the balances after it in each wallet it touched.
type Changed struct {
	CustomerID  uuid.UUID `json:"customer_id"`
	OperationID uuid.UUID `json:"operation_id"`
	Source      Source    `json:"source"`
	Reason      string    `json:"reason"`
	PurchaseID  string    `json:"purchase_id,omitempty"`
	Reference   string    `json:"reference,omitempty"`
	Wallets     []Result  `json:"wallets"`
	OccurredAt  time.Time `json:"occurred_at"`
}

// ChangedBy returns the data of the event op publishes, and its type: "" for an operation
// that changed no balance.
func ChangedBy(op *Operation) (string, Changed) {
	c := Changed{CustomerID: op.Customer, OperationID: op.ID, Source: op.Source, Reason: op.Reason, PurchaseID: op.PurchaseID,
		Reference: op.Reference, Wallets: op.Results, OccurredAt: op.OccurredAt}
	if len(op.Entries) == 0 {
		return "", c
	}
	switch op.Kind {
	case OpPurchase, OpAward:
		return TypeEarned, c
	case OpRelease:
		return TypeReleased, c
	case OpRedeem:
		return TypeRedeemed, c
	case OpExpire:
		return TypeExpired, c
	case OpAdjust:
		return TypeAdjusted, c
	case OpRefund:
		return TypeRefunded, c
	}
	return "", c
}

// Expiring is the data of points.expiring: points of one wallet that expire at one instant.
type Expiring struct {
	CustomerID uuid.UUID `json:"customer_id"`
	Wallet     Wallet    `json:"wallet"`
	Points     int64     `json:"points"`
	ExpiresAt  time.Time `json:"expires_at"`
}

func init() {
	id := "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10"
	changed := func(reason string, points, balance int64) map[string]any {
		return map[string]any{"customer_id": id, "operation_id": "01968a3c-7e0a-7b4e-9c1d-2f4e6a8b0c12", "source": "partner",
			"reason": reason, "wallets": []map[string]any{{"wallet": "points", "points": points, "pending": 0, "balance": balance,
				"pending_balance": 0}}, "occurred_at": "2026-01-01T08:00:00Z"}
	}
	zh := map[string]string{
		TypeEarned:          "会员获得积分时（消费、注册、签到、邀请好友等），即时到账或待发放。",
		TypeReleased:        "会员的待发放积分到期发放、可以使用时。",
		TypeRedeemed:        "会员使用积分时。",
		TypeExpired:         "会员的积分过期时。",
		TypeExpiring:        "会员的积分即将过期时（提前天数由品牌设置）。",
		TypeAdjusted:        "管理员或合作方手动增减积分时。",
		TypeRefunded:        "退款扣回消费所得积分，或退还订单所用积分时。",
		TypeCampaignStopped: "积分活动停止时：预算已发完，或被手动停止。",
	}
	en := map[string]string{
		TypeEarned:          "A customer earned points (a purchase, joining, a check-in, a referral...), counting at once or pending until their release.",
		TypeReleased:        "Pending points of a customer were released and now count.",
		TypeRedeemed:        "A customer spent points.",
		TypeExpired:         "Points of a customer expired.",
		TypeExpiring:        "Points of a customer expire soon (as many days ahead as the brand sets).",
		TypeAdjusted:        "An admin or partner added or deducted points by hand.",
		TypeRefunded:        "A refund took back points a purchase earned, or returned points spent on the order.",
		TypeCampaignStopped: "A bonus campaign stopped: its points budget was issued, or an admin stopped it.",
	}
	samples := map[string]map[string]any{
		TypeEarned: changed("purchase", 38, 138), TypeReleased: changed("release", 38, 176),
		TypeRedeemed: changed("redemption", -100, 76), TypeExpired: changed("expiry", -20, 56),
		TypeExpiring: {"customer_id": id, "wallet": "points", "points": 56, "expires_at": "2026-12-31T16:00:00Z"},
		TypeAdjusted: changed("goodwill", 50, 106), TypeRefunded: changed("refund", -38, 68),
		TypeCampaignStopped: {"campaign_id": "01968a3c-7e0a-7b4e-9c1d-2f4e6a8b0c99", "name": map[string]any{"zh_cn": "周末双倍积分",
			"en": "Double points at weekends"}, "reason": "budget", "issued": 50000, "budget": 50000, "stopped_at": "2026-01-01T08:00:00Z"},
	}
	for _, name := range EventTypes {
		webhook.Register(webhook.EventType{Name: name, Description: en[name], Sample: samples[name],
			Descriptions: map[string]string{"zh-CN": zh[name], "en": en[name]}})
	}
}
