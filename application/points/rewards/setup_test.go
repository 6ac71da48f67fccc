package rewards_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/rewards"
	domain "github.com/engagehq/engage/domain/points/rewards"
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

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testBundle is the wired services over a test database, one brand in Shanghai, a clock and a
// superuser's connection (one goroutine at a time) to read what row-level security hides.
type testBundle struct {
	app   *wire.App
	svc   *rewards.Service
	pts   *points.Service
	tn    tenants.Tenant
	clock *clock
	super *pgx.Conn
}

var ctx = ports.WithActor(context.Background(), ports.Actor{Kind: ports.ActorUser, ID: "test-admin"})

func setup(t testing.TB) *testBundle {
	t.Helper()
	pg := pgtest.New(t)
	c := &clock{now: time.Date(2026, 3, 10, 10, 0, 0, 0, shanghai)}
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("rewards test"), NoPeriodicJobs: true, Clock: c}, pg.OpenApp(t))
	require.NoError(t, err)
	return &testBundle{app: a, svc: module.Get[*rewards.Service](a.Kernel), pts: module.Get[*points.Service](a.Kernel),
		tn: pgtest.NewTenant(t, a.Tenants), clock: c, super: pg.SuperConn(t)}
}

// customer creates a customer of the brand with points to spend.
func (b *testBundle) customer(t testing.TB, pts int64) uuid.UUID {
	t.Helper()
	name := "会员" + uuid.NewString()[:6]
	c, err := b.app.Customers.Create(ctx, b.tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	if pts > 0 {
		_, err = b.pts.Adjust(ctx, b.tn.ID, points.Adjustment{Customer: c.ID, Points: pts, ReasonCode: "goodwill"})
		require.NoError(t, err)
	}
	return c.ID
}

// reward adds a reward of 500 points with the stock given (nil: unlimited), edited.
func (b *testBundle) reward(t testing.TB, stock *int64, edit func(r *domain.Reward)) rewards.View {
	t.Helper()
	r := domain.Reward{Kind: domain.KindVoucher, Status: domain.StatusActive, Title: domain.Text{ZH: "乌龙茶一杯", EN: "An oolong tea"},
		Points: 500, Stock: stock, VoucherDays: 30, Category: "drinks"}
	if edit != nil {
		edit(&r)
	}
	v, err := b.svc.Create(ctx, b.tn.ID, r)
	require.NoError(t, err)
	return v
}

// balance is the customer's spendable points now.
func (b *testBundle) balance(t testing.TB, c uuid.UUID) int64 {
	t.Helper()
	views, err := b.pts.Wallets(ctx, b.tn.ID, c)
	require.NoError(t, err)
	for _, v := range views {
		if v.Wallet == "points" {
			return v.Balance
		}
	}
	return 0
}

// count runs a counting query as the superuser over the brand's rows.
func (b *testBundle) count(t testing.TB, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, b.super.QueryRow(ctx, sql, append([]any{b.tn.ID.UUID()}, args...)...).Scan(&n))
	return n
}

// claimed is the reward's stock row's claimed count.
func (b *testBundle) claimed(t testing.TB, reward uuid.UUID) int64 {
	return b.count(t, `SELECT claimed FROM reward_stock WHERE tenant_id = $1 AND reward_id = $2`, reward)
}

// checkLedger asserts that every balance of the brand is the sum of its entries and its lots'
// remaining points, and that no lot is drawn beyond its amount.
func (b *testBundle) checkLedger(t testing.TB) {
	t.Helper()
	require.Zero(t, b.count(t, `SELECT count(*) FROM points_balances bal WHERE bal.tenant_id = $1 AND (
		bal.balance <> (SELECT coalesce(sum(points), 0) FROM points_entries e WHERE e.tenant_id = $1 AND e.customer_id = bal.customer_id AND e.wallet = bal.wallet)
		OR bal.balance <> (SELECT coalesce(sum(remaining), 0) FROM points_lots l WHERE l.tenant_id = $1 AND l.customer_id = bal.customer_id
			AND l.wallet = bal.wallet AND NOT l.pending AND (l.expires_at IS NULL OR l.expires_at > $2)))`, b.clock.Now()))
	require.Zero(t, b.count(t, `SELECT count(*) FROM points_lots l WHERE l.tenant_id = $1 AND l.amount - l.remaining <>
		(SELECT coalesce(sum(points), 0) FROM points_draws d WHERE d.tenant_id = $1 AND d.lot_id = l.id)`))
}

func ptr[T any](v T) *T { return &v }

// pageOf is the first page of n.
func pageOf(n int) ports.Page { return ports.Page{Limit: n} }
