package tiers_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/tenants"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

var (
	ctx      = context.Background()
	shanghai = mustZone("Asia/Shanghai")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// testBundle is the wired service over a test database, one brand in Shanghai with a
// webhook for the tier events (the bus stores only what some subscriber wants), a clock, and a
// superuser's connection.
type testBundle struct {
	app   *wire.App
	svc   *tiers.Service
	tn    tenants.Tenant
	clock *clock
	super *pgx.Conn
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	b := setupQuiet(t)
	_, _, err := b.app.Webhooks.Create(ctx, b.tn.ID, webhook.Draft{URL: "https://crm.example.com/hooks", EventTypes: tier.EventTypes})
	require.NoError(t, err)
	return b
}

// setupQuiet is setup for a brand without webhooks: tier events are published to nobody.
func setupQuiet(t testing.TB) *testBundle {
	t.Helper()
	pg := pgtest.New(t)
	c := &clock{now: time.Date(2026, 3, 10, 10, 0, 0, 0, shanghai)}
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("tiers test"), NoPeriodicJobs: true, Clock: c}, pg.OpenApp(t))
	require.NoError(t, err)
	return &testBundle{app: a, svc: module.Get[*tiers.Service](a.Kernel), tn: pgtest.NewTenant(t, a.Tenants), clock: c,
		super: pg.SuperConn(t)}
}

// ladder is three tiers: Orange for everyone, Silver from ¥1,000 or 2,000 status points, Gold
// from ¥5,000 and 3 visits.
func ladder() tier.Ladder {
	return tier.Ladder{
		{Code: "orange", Name: tier.Text{ZH: "橙卡", EN: "Orange"}, Match: tier.All},
		{Code: "silver", Name: tier.Text{ZH: "银卡", EN: "Silver"}, Match: tier.Any,
			Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 100_000}, {Kind: tier.StatusPoints, Min: 2_000}}},
		{Code: "gold", Name: tier.Text{ZH: "金卡", EN: "Gold"}, Match: tier.All,
			Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 500_000}, {Kind: tier.Visits, Min: 3}}},
	}
}

// program gives the brand the ladder with the default settings changed by edit.
func (b *testBundle) program(t testing.TB, edit func(s *tier.Settings)) {
	t.Helper()
	b.programOf(t, ladder(), edit)
}

func (b *testBundle) programOf(t testing.TB, l tier.Ladder, edit func(s *tier.Settings)) {
	t.Helper()
	s := tier.DefaultSettings
	if edit != nil {
		edit(&s)
	}
	_, err := b.svc.PutProgram(ctx, b.tn.ID, l, s)
	require.NoError(t, err)
}

func (b *testBundle) customer(t testing.TB) uuid.UUID {
	t.Helper()
	name := "会员" + uuid.NewString()[:6]
	c, err := b.app.Customers.Create(ctx, b.tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	return c.ID
}

// buy records a purchase of the customer a minute before the clock's time, works the
// subscribers and returns the purchase's ID.
func (b *testBundle) buy(t testing.TB, customer uuid.UUID, amountFen int64) string {
	t.Helper()
	id := "p" + uuid.NewString()
	_, err := b.app.Events.IngestBatch(ctx, b.tn.ID, []event.Draft{{ID: id, CustomerID: customer.String(),
		Type: event.TypePurchase, Channel: "pos", OccurredAt: b.clock.Now().Add(-time.Minute), AmountFen: &amountFen,
		Items: []event.Item{{SKU: "tea", Quantity: 1}}}})
	require.NoError(t, err)
	jobstest.WorkSubscribers(t, b.app.DB.Pool(), b.app.Bus)
	return id
}

// tierOf returns the customer's tier as the module and the customer attribute hold it.
func (b *testBundle) tierOf(t testing.TB, customer uuid.UUID) (tier.Code, any) {
	t.Helper()
	v, err := b.svc.MemberTier(ctx, b.tn.ID, customer, "en")
	require.NoError(t, err)
	c, err := b.app.Customers.Get(ctx, b.tn.ID, customer)
	require.NoError(t, err)
	return v.Member.Tier, c.Attributes[tiers.Attribute]
}

// published returns the tier events published for the customer, oldest first: type and to.
func (b *testBundle) published(t testing.TB, customer uuid.UUID) []string {
	t.Helper()
	rows, err := b.super.Query(ctx, `SELECT type || ':' || coalesce(data->>'to', data->>'key') FROM domain_events
		WHERE tenant_id = $1 AND type LIKE 'tier.%' AND data->>'customer_id' = $2 ORDER BY occurred_at, id`,
		b.tn.ID.UUID(), customer.String())
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// evaluate runs the brand's evaluation job at the clock's time.
func (b *testBundle) evaluate(t testing.TB) int {
	t.Helper()
	n, err := b.svc.Evaluate(ctx, tiers.EvaluateArgs{TenantID: b.tn.ID.UUID()})
	require.NoError(t, err)
	return n
}

// rerun works every completed subscriber job of the brand once more, as River may.
func (b *testBundle) rerun(t testing.TB) {
	t.Helper()
	rows, err := b.app.DB.Pool().Query(ctx, `SELECT args FROM river_job WHERE kind LIKE $1 || '%' AND state = 'completed'`,
		eventbus.KindOf(""))
	require.NoError(t, err)
	raws, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	require.NoError(t, err)
	for _, raw := range raws {
		var args eventbus.JobArgs
		require.NoError(t, json.Unmarshal(raw, &args))
		require.NoError(t, b.app.Bus.Work(ctx, args), "subscriber %s", args.Subscriber)
	}
}
