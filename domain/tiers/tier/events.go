package tier

import (
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/webhook"
)

// The domain events the tiers module publishes, in the transaction of the change. All are
// public: brands subscribe webhooks to them.
const (
	TypeUpgraded      = "tier.upgraded"
	TypeDowngraded    = "tier.downgraded"
	TypeRenewed       = "tier.renewed"
	TypeExpired       = "tier.expired"
	TypeWillDowngrade = "tier.will_downgrade"
	TypeBenefitGiven  = "tier.benefit_given"
)

// EventTypes are every type the module publishes.
var EventTypes = []string{TypeUpgraded, TypeDowngraded, TypeRenewed, TypeExpired, TypeWillDowngrade, TypeBenefitGiven}

// BenefitGiven is the data of tier.benefit_given: a reward of the points catalog a tier's
// benefit gave a member (an entry reward, a birthday or anniversary gift), once per key.
type BenefitGiven struct {
	CustomerID uuid.UUID   `json:"customer_id"`
	BenefitID  uuid.UUID   `json:"benefit_id"`
	Kind       BenefitKind `json:"kind"`
	RewardID   *uuid.UUID  `json:"reward_id,omitempty"`
	// Key is what makes it once: entry:<first day of the tier's period>, birthday:<year>, anniversary:<year>.
	Key        string    `json:"key"`
	OccurredAt time.Time `json:"occurred_at"`
}

// Changed is the data of every tier event: a member's tier before and after (the same for a
// renewal or a warning), why, the figures that decided, and the validity after.
type Changed struct {
	CustomerID uuid.UUID  `json:"customer_id"`
	From       Code       `json:"from,omitempty"`
	To         Code       `json:"to"`
	Kind       ChangeKind `json:"kind"`
	Reason     string     `json:"reason,omitempty"`
	Figures    Figures    `json:"figures"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	// Missing is, for tier.will_downgrade, what the member lacks to keep their tier.
	Missing    []Missing `json:"missing,omitempty"`
	OccurredAt time.Time `json:"occurred_at"`
}

// ChangeKind is why a member's tier changed, as their history shows it.
type ChangeKind string

// Kinds of change.
const (
	KindUpgrade    ChangeKind = "upgrade"
	KindDowngrade  ChangeKind = "downgrade"
	KindRenewal    ChangeKind = "renewal"
	KindManual     ChangeKind = "manual"
	KindExpiry     ChangeKind = "expiry"
	KindRuleChange ChangeKind = "rule_change"
)

// EventType is the event a change of kind from position from to position to publishes.
func EventType(kind ChangeKind, from, to int) string {
	switch {
	case kind == KindExpiry:
		return TypeExpired
	case to > from:
		return TypeUpgraded
	case to < from:
		return TypeDowngraded
	}
	return TypeRenewed
}

func init() {
	sample := func(from, to string, kind ChangeKind) map[string]any {
		return map[string]any{"customer_id": "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10", "from": from, "to": to, "kind": kind,
			"figures":     map[string]any{"spend_fen": 520000, "status_points": 5200, "visits": 14},
			"valid_until": "2027-12-31T16:00:00Z", "occurred_at": "2026-06-01T08:00:00Z"}
	}
	warn := sample("gold", "gold", KindDowngrade)
	warn["missing"] = []map[string]any{{"kind": "spend", "min": 600000, "have": 520000, "short": 80000}}
	samples := map[string]map[string]any{
		TypeUpgraded: sample("silver", "gold", KindUpgrade), TypeDowngraded: sample("gold", "silver", KindDowngrade),
		TypeRenewed: sample("gold", "gold", KindRenewal), TypeExpired: sample("gold", "silver", KindExpiry),
		TypeWillDowngrade: warn,
		TypeBenefitGiven: {"customer_id": "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10", "benefit_id": "01938a2e-7c1d-7b3e-9f10-2a4b6c8d0e12",
			"kind": EntryReward, "reward_id": "01938a2e-6b0c-7a2d-8e0f-1a3b5c7d9e01", "key": "entry:2026-01-01",
			"occurred_at": "2026-06-01T08:00:00Z"},
	}
	zh := map[string]string{
		TypeUpgraded:      "会员升级时（达到更高等级的条件，或管理员手动调整）。",
		TypeDowngraded:    "会员在评估时降级，或被管理员手动降级时。",
		TypeRenewed:       "会员在评估时保级成功、等级有效期延长时。",
		TypeExpired:       "会员的手动指定等级到期、回到按规则计算的等级时。",
		TypeWillDowngrade: "会员的等级即将在有效期结束时降级（提前天数由品牌设置），附所差条件。",
		TypeBenefitGiven:  "会员获得等级权益中的奖励时（升级礼、生日礼、入会周年礼），每个权益每期一次。",
	}
	en := map[string]string{
		TypeUpgraded:      "A member moved up a tier (reaching its criteria, or by an admin's hand).",
		TypeDowngraded:    "A member moved down a tier at evaluation, or by an admin's hand.",
		TypeRenewed:       "A member kept their tier at evaluation; its validity was extended.",
		TypeExpired:       "A member's manually assigned tier expired and the tier their figures give applies.",
		TypeWillDowngrade: "A member's tier will go down when its validity ends (as many days ahead as the brand sets), with what they lack.",
		TypeBenefitGiven:  "A tier's benefit gave a member a reward (an entry reward, a birthday or anniversary gift), once per benefit and period.",
	}
	for _, name := range EventTypes {
		webhook.Register(webhook.EventType{Name: name, Description: en[name], Sample: samples[name],
			Descriptions: map[string]string{"zh-CN": zh[name], "en": en[name]}})
	}
}
