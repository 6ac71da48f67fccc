package customersdb_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
)

// customerDataCases are the customers module's parts of a customer.
var customerDataCases = []pgtest.CustomerDataPart{
	{
		Data: customersdb.AttributeData{},
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
	{
		Data: customersdb.WeChatAccountData{},
		Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			return customersdb.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: "wx0123456789abcdef", OpenID: personal + uuid.NewString()[:8],
				CustomerID: c, Nickname: personal, LinkedAt: time.Now()})
		},
		Personal: "o-openid-li",
	},
	{
		Data: customersdb.ActivityData{Activity: customersdb.Activity{}},
		Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			e := purchaseOf(uuid.NewString(), c, time.Now().Add(-time.Hour), 4321)
			e.Payload = map[string]any{"survey_comment": personal}
			if _, err := (customersdb.Events{}).InsertNew(ctx, []event.Event{e}); err != nil {
				return err
			}
			return customersdb.Activity{}.Recompute(ctx, []uuid.UUID{c})
		},
		Personal: "店员小张很好",
		Kept:     `"amount_fen":4321`,
	},
	{
		Data: customersdb.Tags{},
		Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			return customersdb.Tags{}.AssignTags(ctx, c, []string{personal}, ports.TagManual)
		},
		Personal: "孕期会员",
	},
	{
		// Segment membership is evaluated anew for the survivor, which matches everyone's segment.
		Data: segments.NewService(segments.Deps{Segments: customersdb.Segments{}, Rules: customersdb.TagRules{},
			Eval: evaluator, Membership: evaluator, Defs: customersdb.AttributeDefs{},
			Clock: ports.SystemClock{}}).CustomerData(),
		Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			s := segment.Segment{ID: uuid.New(), Name: personal, Definition: json.RawMessage(`{"and":[]}`)}
			if err := (customersdb.Segments{}).Insert(ctx, s); err != nil {
				return err
			}
			_, _, err := evaluator.RefreshMembers(ctx, s.ID, segment.Everyone, time.Now(), []uuid.UUID{c})
			return err
		},
		Personal: "待产妈妈",
	},
}

// Every module's part of a customer follows the same contract: a merge moves it to the
// survivor, the download shows it, and erasure removes what identifies the person.
func TestEveryCustomerDataPartMergesExportsAndErases(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pgtest.RunCustomerData(t, b.db, b.dir, newCustomer, customerDataCases)
}
