package customerauth_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/application/platform/secrets"
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

// testTokenKey signs customer tokens in tests.
var testTokenKey = []byte("test customer token key, 32 byte")

// The brand's apps: its Mini Program and its Official Account, and another brand's Mini Program.
const (
	miniApp     = "wx0123456789abcdef"
	officialApp = "wxfedcba9876543210"
	otherApp    = "wx00112233445566aa"
	appSecret   = "mini-program-app-secret-0123456789"
)

type testBundle struct {
	db        *postgres.DB
	dir       *tenants.Directory
	clock     *clock
	wx        *wechattest.Server
	customers *customers.Service
	channels  *channels.Service
	svc       *customerauth.Service
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	clk := &clock{now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	spec, err := secretbox.GenerateSpec("k1")
	require.NoError(t, err)
	keyring, err := secretbox.ParseKeyring(spec)
	require.NoError(t, err)
	audit := platformdb.AuditLog{}
	sec := secrets.NewService(secrets.Deps{Tx: db, Secrets: platformdb.Secrets{}, Cipher: keyring, Audit: audit, Tenants: dir, Clock: clk})
	b := &testBundle{db: db, dir: dir, clock: clk, wx: wechattest.New(t),
		customers: customers.NewService(customers.Deps{Tx: db, Repo: customersdb.Customers{}, Defs: customersdb.AttributeDefs{},
			Audit: audit, Clock: clk}),
		channels: channels.NewService(channels.Deps{Tx: db, Settings: platformdb.ChannelSettings{}, Secrets: sec, Audit: audit, Clock: clk}),
	}
	b.wx.AddApp(miniApp, appSecret)
	b.wx.AddApp(officialApp, appSecret)
	b.wx.AddApp(otherApp, appSecret)
	b.svc = b.service(t, wechat.New(b.wx.URL(), nil))
	return b
}

// service is the service under test calling WeChat through client.
func (b *testBundle) service(t *testing.T, client *wechat.Client) *customerauth.Service {
	t.Helper()
	return b.serviceIn(t, client, false)
}

// productionService is the service as production wires it.
func (b *testBundle) productionService(t *testing.T) *customerauth.Service {
	t.Helper()
	return b.serviceIn(t, wechat.New(b.wx.URL(), nil), true)
}

func (b *testBundle) serviceIn(t *testing.T, client *wechat.Client, production bool) *customerauth.Service {
	t.Helper()
	svc, err := customerauth.NewService(customerauth.Deps{
		Tx: b.db, Accounts: customersdb.WeChatAccounts{}, Links: customersdb.WeChatLinks{}, Sessions: customersdb.CustomerSessions{},
		Families: customersdb.RefreshFamilies{}, Production: production,
		Customers: b.customers, Channels: b.channels,
		WeChat: client, AccessTokens: wechat.NewTokens(client), Tenants: b.dir, Audit: platformdb.AuditLog{},
		Clock: b.clock, TokenKey: testTokenKey,
	})
	require.NoError(t, err)
	return svc
}

// brand onboards a tenant whose Mini Program is appID, with its AppSecret stored.
func (b *testBundle) brand(t *testing.T, appID string) tenants.Tenant {
	t.Helper()
	tn := pgtest.NewTenant(t, b.dir)
	require.NoError(t, b.channels.Save(t.Context(), tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: appID}, appSecret))
	return tn
}

// accounts returns the tenant's WeChat accounts by OpenID.
func (b *testBundle) accounts(t *testing.T, tn tenants.Tenant, openIDs ...string) map[string]ports.WeChatAccount {
	t.Helper()
	out := map[string]ports.WeChatAccount{}
	require.NoError(t, b.db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		for _, app := range []string{miniApp, officialApp, otherApp} {
			for _, o := range openIDs {
				a, err := customersdb.WeChatAccounts{}.Get(ctx, app, o)
				if err == nil {
					out[o] = a
				}
			}
		}
		return nil
	}))
	return out
}

// auditEntry is one row of the audit trail, as far as these tests look.
type auditEntry struct {
	Action, ActorKind, ActorID, TargetID string
	After                                map[string]any
}

// trail returns the tenant's audit trail about customers, oldest first.
func (b *testBundle) trail(t *testing.T, tn tenants.Tenant) []auditEntry {
	t.Helper()
	var out []auditEntry
	require.NoError(t, b.db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT action, actor_kind, actor_id, target_id, coalesce(after::text, 'null') FROM audit_log
			WHERE target_type = 'customer' ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e     auditEntry
				after string
			)
			if err := rows.Scan(&e.Action, &e.ActorKind, &e.ActorID, &e.TargetID, &after); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(after), &e.After); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	}))
	return out
}
