package wire_test

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
)

// The customers module's parts of a customer, for the customer data contract.
func init() {
	addCustomerDataCases(map[string]pgtest.CustomerDataPart{
		"attributes": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				q, _, err := postgres.TenantTx(ctx)
				if err != nil {
					return err
				}
				_, err = q.Exec(ctx, `UPDATE customers SET attributes = jsonb_build_object('nickname', $2::text) WHERE id = $1`, c, personal)
				return err
			},
			Personal: "Little Li",
		},
		"wechat_accounts": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				return customersdb.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: "wx0123456789abcdef",
					OpenID: personal + uuid.NewString()[:8], CustomerID: c, Nickname: personal, LinkedAt: time.Now()})
			},
			Personal: "o-openid-li",
		},
		"activity": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				fen := int64(4321)
				e := event.Event{ID: uuid.NewString(), CustomerID: c, Type: event.TypePurchase, Channel: "pos",
					OccurredAt: time.Now().Add(-time.Hour), AmountFen: &fen, Store: "杭州西湖店",
					Items: []event.Item{{SKU: "tea", Category: "drinks", Quantity: 1, PriceFen: &fen}}, Payload: map[string]any{"survey_comment": personal}}
				if _, err := (customersdb.Events{}).InsertNew(ctx, []event.Event{e}); err != nil {
					return err
				}
				return customersdb.Activity{}.Recompute(ctx, []uuid.UUID{c})
			},
			Personal: "店员小张很好",
			Kept:     `"amount_fen":4321`,
		},
		// The stage is shown with the profile; a merge recomputes the survivor's.
		"lifecycle": {},
		"tags": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				return customersdb.Tags{}.AssignTags(ctx, c, []string{personal}, ports.TagManual)
			},
			Personal: "孕期会员",
		},
		// Segment membership is evaluated anew for the survivor, which matches everyone's segment.
		"segments": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				s := segment.Segment{ID: uuid.New(), Name: personal, Definition: json.RawMessage(`{"and":[]}`)}
				if err := (customersdb.Segments{}).Insert(ctx, s); err != nil {
					return err
				}
				evaluator := customersdb.NewSegmentEvaluator(customersdb.SegmentFields())
				_, _, err := evaluator.RefreshMembers(ctx, s.ID, segment.Everyone, time.Now(), []uuid.UUID{c})
				return err
			},
			Personal: "待产妈妈",
		},
	})
}
