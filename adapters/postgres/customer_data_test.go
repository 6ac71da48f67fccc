package postgres_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/domain/event"
	"github.com/engagehq/engage/domain/segment"
	"github.com/engagehq/engage/domain/webhook"
	"github.com/engagehq/engage/ports"
)

// customerDataCase is one module's ports.CustomerData with how to give a customer data that
// identifies them (marked with personal), and what of it must outlive an erasure (kept).
type customerDataCase struct {
	data     ports.CustomerData
	seed     func(ctx context.Context, c uuid.UUID, personal string) error
	personal string
	kept     string
}

var customerDataCases = []customerDataCase{
	{
		data: postgres.AttributeData{},
		seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			q, _, err := postgres.TenantTx(ctx)
			if err != nil {
				return err
			}
			_, err = q.Exec(ctx, `UPDATE customers SET attributes = jsonb_build_object('nickname', $2::text) WHERE id = $1`, c, personal)
			return err
		},
		personal: "Little Li",
	},
	{
		data: postgres.WeChatAccountData{},
		seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			return postgres.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: "wx0123456789abcdef", OpenID: personal + uuid.NewString()[:8],
				CustomerID: c, Nickname: personal, LinkedAt: time.Now()})
		},
		personal: "o-openid-li",
	},
	{
		data: postgres.ActivityData{Activity: postgres.Activity{}},
		seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			e := purchaseOf(uuid.NewString(), c, time.Now().Add(-time.Hour), 4321)
			e.Payload = map[string]any{"survey_comment": personal}
			if _, err := (postgres.Events{}).InsertNew(ctx, []event.Event{e}); err != nil {
				return err
			}
			return postgres.Activity{}.Recompute(ctx, []uuid.UUID{c})
		},
		personal: "店员小张很好",
		kept:     `"amount_fen":4321`,
	},
	{
		data: postgres.Tags{},
		seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			return postgres.Tags{}.AssignTags(ctx, c, []string{personal}, ports.TagManual)
		},
		personal: "孕期会员",
	},
	{
		data: postgres.WebhookData{},
		seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			endpoint, _, err := insertWebhook(ctx)
			if err != nil {
				return err
			}
			ev := ports.WebhookEvent{ID: webhook.NewMessageID(), Type: webhook.CustomerUpdated, Subject: c, CreatedAt: time.Now(),
				Body: []byte(`{"type":"customer.updated","data":{"customer":{"name":"` + personal + `"}}}`)}
			if _, err := (postgres.Webhooks{}).InsertEvent(ctx, ev); err != nil {
				return err
			}
			return postgres.Webhooks{}.InsertDelivery(ctx, ports.WebhookDelivery{ID: uuid.New(), EndpointID: endpoint, EventID: ev.ID,
				Status: ports.DeliverySucceeded, CreatedAt: time.Now(), UpdatedAt: time.Now()})
		},
		personal: "王小明",
	},
	{
		// Segment membership is evaluated anew for the survivor, which matches everyone's segment.
		data: segments.NewService(segments.Deps{Segments: postgres.Segments{}, Rules: postgres.TagRules{},
			Eval: postgres.SegmentEvaluator{}, Membership: postgres.SegmentEvaluator{}, Defs: postgres.AttributeDefs{},
			Clock: ports.SystemClock{}}).CustomerData(),
		seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			s := segment.Segment{ID: uuid.New(), Name: personal, Definition: json.RawMessage(`{"and":[]}`)}
			if err := (postgres.Segments{}).Insert(ctx, s); err != nil {
				return err
			}
			return postgres.SegmentEvaluator{}.RefreshMembers(ctx, s.ID, segment.Everyone, time.Now(), []uuid.UUID{c})
		},
		personal: "待产妈妈",
	},
}

// exported is what the module exports about c, as JSON text.
func exported(ctx context.Context, t *testing.T, d ports.CustomerData, c uuid.UUID) string {
	t.Helper()
	v, err := d.Export(ctx, c)
	require.NoError(t, err)
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}

// Every module's part of a customer follows the same contract: a merge moves it to the
// survivor, the download shows it, and erasure removes what identifies the person.
func TestEveryCustomerDataPartMergesExportsAndErases(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	for _, tc := range customerDataCases {
		t.Run(tc.data.Section(), func(t *testing.T) {
			require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
				survivor, err := newCustomer(ctx)
				require.NoError(t, err)
				duplicate, err := newCustomer(ctx)
				require.NoError(t, err)
				require.NoError(t, tc.seed(ctx, duplicate, tc.personal))
				require.Contains(t, exported(ctx, t, tc.data, duplicate), tc.personal)

				require.NoError(t, tc.data.Merge(ctx, duplicate, survivor))
				require.Contains(t, exported(ctx, t, tc.data, survivor), tc.personal, "the survivor has it")
				require.NotContains(t, exported(ctx, t, tc.data, duplicate), tc.personal, "the duplicate has it no more")

				require.NoError(t, tc.data.Erase(ctx, survivor))
				after := exported(ctx, t, tc.data, survivor)
				require.NotContains(t, after, tc.personal)
				require.Contains(t, after, tc.kept)
				require.NoError(t, tc.data.Erase(ctx, survivor), "erasing twice is harmless")
				return nil
			}))
		})
	}
}
