package wire_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/ledger"
	rewardsdomain "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// TestEverySubscriberChangesNothingTheSecondTime makes changes that reach every wired
// subscriber, works each subscriber's jobs, then works every one of those jobs again: River
// delivers at least once, so the second run must leave every tenant-owned row as it was.
func TestEverySubscriberChangesNothingTheSecondTime(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("wire test"), NoPeriodicJobs: true}, pg.OpenApp(t))
	require.NoError(t, err)
	ctx := context.Background()
	tn := pgtest.NewTenant(t, a.Tenants)

	var types []string
	for _, et := range webhook.Types() {
		types = append(types, et.Name)
	}
	_, _, err = a.Webhooks.Create(ctx, tn.ID, webhook.Draft{URL: "https://crm.example.com/hooks", EventTypes: types})
	require.NoError(t, err)
	_, err = a.Segments.Create(ctx, tn.ID, segments.Draft{Name: "买家", Tree: map[string]any{"field": "purchase_count", "op": ">=", "value": 1}})
	require.NoError(t, err)
	// Action rules, so that joining and a survey reach the points module's subscribers.
	pts := module.Get[*points.Service](a.Kernel)
	for _, r := range []actions.Rule{
		{Key: "welcome", Action: actions.Registration, Points: 100, Limit: actions.Limit{Count: 1, Period: actions.Ever}},
		{Key: "feedback", Action: actions.Survey, Points: 20, Limit: actions.Limit{Count: 1, Period: actions.Week}},
	} {
		r.Wallet, r.Title, r.Active = ledger.Points, r.Key, true
		_, err = pts.PutActionRule(ctx, tn.ID, r)
		require.NoError(t, err)
	}
	// A tier program, so that the purchase and its status points reach the tiers module's
	// subscribers (and upgrade).
	_, err = module.Get[*tiers.Service](a.Kernel).PutProgram(ctx, tn.ID, tier.Ladder{
		{Code: "member", Name: tier.Text{ZH: "会员", EN: "Member"}, Match: tier.All},
		{Code: "silver", Name: tier.Text{ZH: "银卡", EN: "Silver"}, Match: tier.Any, Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 1000}}},
	}, tier.DefaultSettings)
	require.NoError(t, err)
	// Silver's entry reward, so that the upgrade reaches the tiers module's voucher subscriber.
	gift, err := module.Get[*rewards.Service](a.Kernel).Create(ctx, tn.ID, rewardsdomain.Reward{Kind: rewardsdomain.KindGift,
		Status: rewardsdomain.StatusActive, Title: rewardsdomain.Text{ZH: "帆布袋", EN: "A tote bag"}, Points: 500, VoucherDays: 30})
	require.NoError(t, err)
	_, err = module.Get[*tiers.Service](a.Kernel).PutBenefit(ctx, tn.ID, tier.Benefit{Tier: "silver", Kind: tier.EntryReward,
		RewardID: &gift.ID, Title: tier.Text{ZH: "升级礼", EN: "Welcome gift"}})
	require.NoError(t, err)
	name, city := "王小明", "上海"
	c, err := a.Customers.Create(ctx, tn.ID, customers.Patch{Name: &name, City: &city})
	require.NoError(t, err)
	_, err = a.Tags.Add(ctx, tn.ID, c.ID, []string{"VIP"})
	require.NoError(t, err)
	amount := int64(3800)
	_, err = a.Events.IngestBatch(ctx, tn.ID, []event.Draft{{ID: "p1", CustomerID: c.ID.String(), Type: event.TypePurchase,
		Channel: "pos", OccurredAt: time.Now().Add(-time.Hour), AmountFen: &amount, Items: []event.Item{{SKU: "tea", Quantity: 1}}},
		{ID: "s1", CustomerID: c.ID.String(), Type: event.TypeSurvey, Channel: "mini_program", OccurredAt: time.Now().Add(-time.Hour)}})
	require.NoError(t, err)

	require.Positive(t, jobstest.WorkSubscribers(t, a.DB.Pool(), a.Bus))
	worked := completedSubscriberJobs(t, a)
	for _, s := range a.Bus.Subscribers() {
		require.NotEmpty(t, worked[s.Name], "subscriber %s: no change above reached it; give it one", s.Name)
	}
	before := snapshot(t, pg.SuperuserURL)
	for name, jobs := range worked {
		for _, args := range jobs {
			require.NoError(t, a.Bus.Work(ctx, args), "subscriber %s", name)
		}
	}
	require.Equal(t, before, snapshot(t, pg.SuperuserURL))
}

func completedSubscriberJobs(t *testing.T, a *wire.App) map[string][]eventbus.JobArgs {
	t.Helper()
	rows, err := a.DB.Pool().Query(context.Background(), `SELECT args FROM river_job WHERE kind LIKE $1 || '%' AND state = 'completed'`,
		eventbus.KindOf(""))
	require.NoError(t, err)
	defer rows.Close()
	out := map[string][]eventbus.JobArgs{}
	for rows.Next() {
		var raw []byte
		require.NoError(t, rows.Scan(&raw))
		var args eventbus.JobArgs
		require.NoError(t, json.Unmarshal(raw, &args))
		out[args.Subscriber] = append(out[args.Subscriber], args)
	}
	require.NoError(t, rows.Err())
	return out
}

// snapshot digests every tenant-owned table, as the superuser (which row-level security does
// not limit), leaving out River's jobs and the times rows were last touched.
func snapshot(t *testing.T, superuserURL string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, superuserURL)
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name = 'tenant_id' AND table_name NOT LIKE 'river%' ORDER BY table_name`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	out := map[string]string{}
	for _, table := range tables {
		var digest string
		row := `(to_jsonb(t) - 'updated_at' - 'refreshed_at' - 'last_used_at')::text`
		require.NoError(t, conn.QueryRow(ctx, `SELECT coalesce(md5(string_agg(`+row+`, ',' ORDER BY `+row+`)), '') FROM `+
			pgx.Identifier{table}.Sanitize()+` t`).Scan(&digest))
		out[table] = digest
	}
	return out
}
