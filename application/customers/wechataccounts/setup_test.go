package wechataccounts_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// clock is a settable time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now is the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// The brand's Mini Program and Official Account, and their AppSecret.
const (
	miniApp     = "wx0123456789abcdef"
	officialApp = "wxfedcba9876543210"
	appSecret   = "wechat-app-secret-0123456789"
)

type testBundle struct {
	app   *wire.App
	db    *postgres.DB
	clock *clock
	wx    *wechattest.Server
}

// setup wires the service over a fresh database with WeChat's stand-in behind it.
func setup(t *testing.T) *testBundle {
	t.Helper()
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	wx := wechattest.New(t)
	wx.AddApp(miniApp, appSecret)
	wx.AddApp(officialApp, appSecret)
	clk := &clock{now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("test sign-in key"), WeChatAPI: wx.URL(), Workers: 1, NoPeriodicJobs: true, Clock: clk}, db)
	require.NoError(t, err)
	return &testBundle{app: a, db: db, clock: clk, wx: wx}
}

// brand onboards a tenant with both WeChat apps set up.
func (b *testBundle) brand(t *testing.T) tenants.Tenant {
	t.Helper()
	tn := pgtest.NewTenant(t, b.app.Tenants)
	require.NoError(t, b.app.Channels.Save(t.Context(), tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: miniApp}, appSecret))
	require.NoError(t, b.app.Channels.Save(t.Context(), tn.ID, ports.ChannelWeChatOfficialAccount, channels.WeChatApp{AppID: officialApp}, appSecret))
	return tn
}

// login logs openID in from the Mini Program and returns the customer and their token.
func (b *testBundle) login(t *testing.T, tn tenants.Tenant, openID, unionID string) (uuid.UUID, string) {
	t.Helper()
	l, err := b.app.CustomerAuth.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, openID, unionID))
	require.NoError(t, err)
	return l.CustomerID, l.Token
}

// follower links openID of the Official Account to customer, as following it does.
func (b *testBundle) follower(t *testing.T, tn tenants.Tenant, customer uuid.UUID, openID, unionID string) {
	t.Helper()
	require.NoError(t, b.db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		return customersdb.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: officialApp, OpenID: openID, UnionID: unionID,
			CustomerID: customer, LinkedAt: b.clock.Now()})
	}))
}

// actions returns the actions of the tenant's audit trail, oldest first, with their after.
func (b *testBundle) actions(t *testing.T, tn tenants.Tenant) ([]string, []string) {
	t.Helper()
	var actions, afters []string
	require.NoError(t, b.db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT action, coalesce(before::text, '') || coalesce(after::text, '') FROM audit_log ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a, s string
			if err := rows.Scan(&a, &s); err != nil {
				return err
			}
			actions, afters = append(actions, a), append(afters, s)
		}
		return rows.Err()
	}))
	return actions, afters
}

// tags returns the customer's tags with their sources.
func (b *testBundle) tags(t *testing.T, tn tenants.Tenant, customer uuid.UUID) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, b.db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT tag, source FROM customer_tags WHERE customer_id = $1`, customer)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tag, source string
			if err := rows.Scan(&tag, &source); err != nil {
				return err
			}
			out[tag] = source
		}
		return rows.Err()
	}))
	return out
}
