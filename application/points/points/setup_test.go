package points_test

import (
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
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

// testBundle is the wired service over a test database, one brand in Shanghai, a clock, and a
// superuser's connection (one goroutine at a time) to read what row-level security hides.
type testBundle struct {
	pg    *pgtest.Database
	app   *wire.App
	svc   *points.Service
	tn    tenants.Tenant
	clock *clock
	super *pgx.Conn
}

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	return setupWith(t, func(*wire.Config) {})
}

// setupWith is setup with a change to the wiring (a WeChat stand-in's address).
func setupWith(t testing.TB, edit func(*wire.Config)) *testBundle {
	t.Helper()
	pg := pgtest.New(t)
	c := &clock{now: time.Date(2026, 3, 10, 10, 0, 0, 0, shanghai)}
	cfg := wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("points test"), NoPeriodicJobs: true, Clock: c}
	edit(&cfg)
	a, err := wire.New(cfg, pg.OpenApp(t))
	require.NoError(t, err)
	return &testBundle{pg: pg, app: a, svc: module.Get[*points.Service](a.Kernel), tn: pgtest.NewTenant(t, a.Tenants), clock: c,
		super: pg.SuperConn(t)}
}

var ctx = context.Background()

// customer creates a customer of the brand.
func (b *testBundle) customer(t testing.TB) uuid.UUID {
	t.Helper()
	name := "会员" + uuid.NewString()[:6]
	c, err := b.app.Customers.Create(ctx, b.tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	return c.ID
}

// program changes the brand's program from the defaults.
func (b *testBundle) program(t testing.TB, edit func(s *program.Settings)) {
	t.Helper()
	s := program.Defaults()
	edit(&s)
	require.NoError(t, b.svc.SetSettings(ctx, b.tn.ID, s))
}

// purchase is a purchase of the customer now.
func (b *testBundle) purchase(customer uuid.UUID, id string, amountFen int64) points.Purchase {
	return points.Purchase{ID: id, Customer: customer, AmountFen: amountFen, OccurredAt: b.clock.Now(),
		Items: []event.Item{{SKU: "tea-oolong", Quantity: 1}}}
}

// work works every subscriber job waiting, as River would.
func (b *testBundle) work(t testing.TB) int {
	t.Helper()
	return jobstest.WorkSubscribers(t, b.app.DB.Pool(), b.app.Bus)
}

// listen gives the brand a partner's webhook endpoint for every points event type: the bus
// stores only what some subscriber wants, and these tests read what was published from
// domain_events.
func (b *testBundle) listen(t testing.TB) {
	t.Helper()
	_, _, err := b.app.Webhooks.Create(ctx, b.tn.ID, webhook.Draft{URL: "https://crm.example.com/hooks",
		EventTypes: ledger.EventTypes})
	require.NoError(t, err)
}

// balances returns the customer's balance and pending points per wallet.
func (b *testBundle) balances(t testing.TB, customer uuid.UUID) map[string][2]int64 {
	t.Helper()
	views, err := b.svc.Wallets(ctx, b.tn.ID, customer)
	require.NoError(t, err)
	out := map[string][2]int64{}
	for _, v := range views {
		out[string(v.Wallet)] = [2]int64{v.Balance, v.Pending}
	}
	return out
}

// checkLedger asserts the ledger's invariants for every account of the brand, as the
// superuser reads the tables: each balance is the sum of its entries, each lot its amount less
// its draws, the usable lots hold the balance and the pending lots the pending points, and no
// balance is below zero unless negative allows it, and each entry is of its operation's customer.
func (b *testBundle) checkLedger(t testing.TB, negative bool) {
	t.Helper()
	conn := b.super
	var bad []string
	rows, err := conn.Query(ctx, `
		WITH sums AS (SELECT customer_id, wallet, sum(points) AS points, sum(pending) AS pending FROM points_entries
		              WHERE tenant_id = $1 GROUP BY 1, 2),
		     lots AS (SELECT customer_id, wallet,
		                     sum(remaining) FILTER (WHERE NOT pending AND (expires_at IS NULL OR expires_at > $2)) AS usable,
		                     sum(remaining) FILTER (WHERE pending) AS held,
		                     sum(remaining) FILTER (WHERE NOT pending AND expires_at <= $2) AS expired
		              FROM points_lots WHERE tenant_id = $1 GROUP BY 1, 2)
		SELECT b.customer_id || '/' || b.wallet || ': ' || concat_ws(', ',
			CASE WHEN b.balance <> coalesce(s.points, 0) THEN 'balance ' || b.balance || ' <> entries ' || coalesce(s.points, 0) END,
			CASE WHEN b.pending <> coalesce(s.pending, 0) THEN 'pending ' || b.pending || ' <> entries ' || coalesce(s.pending, 0) END,
			CASE WHEN greatest(b.balance, 0) <> coalesce(l.usable, 0) + coalesce(l.expired, 0)
				THEN 'balance ' || b.balance || ' <> usable lots ' || coalesce(l.usable, 0) || ' + expired ' || coalesce(l.expired, 0) END,
			CASE WHEN b.pending <> coalesce(l.held, 0) THEN 'pending ' || b.pending || ' <> pending lots ' || coalesce(l.held, 0) END,
			CASE WHEN b.balance < 0 AND NOT $3 THEN 'negative ' || b.balance END)
		FROM points_balances b
		LEFT JOIN sums s USING (customer_id, wallet) LEFT JOIN lots l USING (customer_id, wallet)
		WHERE b.tenant_id = $1`, b.tn.ID.UUID(), b.clock.Now(), negative)
	require.NoError(t, err)
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		if line[len(line)-2:] != ": " {
			bad = append(bad, line)
		}
	}
	require.NoError(t, rows.Err())
	rows, err = conn.Query(ctx, `SELECT l.id::text || ': amount ' || l.amount || ', remaining ' || l.remaining || ', drawn ' || coalesce(sum(d.points), 0)
		FROM points_lots l LEFT JOIN points_draws d ON d.tenant_id = l.tenant_id AND d.lot_id = l.id
		WHERE l.tenant_id = $1 GROUP BY l.id, l.amount, l.remaining HAVING l.amount - coalesce(sum(d.points), 0) <> l.remaining`, b.tn.ID.UUID())
	require.NoError(t, err)
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		bad = append(bad, "lot "+line)
	}
	require.NoError(t, rows.Err())
	rows, err = conn.Query(ctx, `SELECT 'entry ' || e.id::text || ' of ' || e.customer_id::text || ', its operation of ' || o.customer_id::text
		FROM points_entries e JOIN points_operations o ON o.tenant_id = e.tenant_id AND o.id = e.operation_id
		WHERE e.tenant_id = $1 AND e.customer_id <> o.customer_id`, b.tn.ID.UUID())
	require.NoError(t, err)
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		bad = append(bad, line)
	}
	require.NoError(t, rows.Err())
	require.Empty(t, bad, fmt.Sprintf("ledger invariants at %s", b.clock.Now()))
}

// pageOf is the first page of n.
func pageOf(n int) ports.Page { return ports.Page{Limit: n} }

// decodeJob decodes a subscriber job's args.
func decodeJob(tb testing.TB, raw []byte) eventbus.JobArgs {
	tb.Helper()
	var args eventbus.JobArgs
	require.NoError(tb, json.Unmarshal(raw, &args))
	return args
}
