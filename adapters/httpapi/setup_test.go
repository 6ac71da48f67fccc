package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

const testPlatformKey = "egp_test_platform_key"

type testBundle struct {
	pg   *pgtest.Database
	url  string
	srv  *Server
	app  *wire.App
	db   *postgres.DB
	dir  *tenants.Directory
	keys *apikeys.Service
	logs *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func setup(t *testing.T) *testBundle { return setupWith(t, testOptions{}) }

// testOptions vary the service a test runs against.
type testOptions struct {
	// kratosURL makes admins sign in through Kratos (a stand-in) instead of local links.
	kratosURL string
	// database shares another bundle's database, as a second instance of the service.
	database *pgtest.Database
	// wechatAPI points the WeChat client at a stand-in.
	wechatAPI string
	// apiLimits replaces the default per-credential rate limits.
	apiLimits *ratelimit.Limits
}

func setupWith(t *testing.T, o testOptions) *testBundle {
	t.Helper()
	pg := o.database
	if pg == nil {
		pg = pgtest.New(t)
	}
	db := pg.OpenApp(t)
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: testSecretsKey, SignInKey: []byte("test sign-in key"),
		KratosURL: o.kratosURL, WeChatAPI: o.wechatAPI, Workers: 1, NoPeriodicJobs: true, Logger: log}, db)
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	listening := make(chan struct{})
	go a.Listener.Run(ctx, func() { close(listening) })
	t.Cleanup(stop)
	<-listening

	b := &testBundle{pg: pg, app: a, db: db, dir: a.Tenants, keys: a.APIKeys, logs: logs}
	apiLimits := ratelimit.DefaultAPILimits
	if o.apiLimits != nil {
		apiLimits = *o.apiLimits
	}
	b.srv = New(Deps{
		Tenants: a.Tenants, Tenancy: a.Tenancy, APIKeys: a.APIKeys, Access: a.Access, Audit: a.Audit, Secrets: a.Secrets,
		Customers: a.Customers, CustomerAuth: a.CustomerAuth, Events: a.Events, Idempotency: a.Idempotency, Identity: a.Identity, SignIn: a.SignIn,
		Merges: a.Merges, Privacy: a.Privacy, Imports: a.Imports, Authorizer: a.Authorizer, Tx: db,
		Webhooks: a.Webhooks,
		AuditLog: platformdb.AuditLog{}, Limiter: ratelimit.New(ratelimit.Options{}), APILimits: apiLimits,
		WeChatAccounts: a.WeChatAccounts, Checkins: a.Checkins, Membership: a.Membership,
		SignInLimits: ratelimit.DefaultSignInLimits, PlatformKey: testPlatformKey,
		Ready:   func(ctx context.Context) error { return db.CheckSchema(ctx) },
		Metrics: NewMetrics(db.Pool()),
		Logger:  log,

		PublicURL: testPublicURL,
		Tags:      a.Tags, Lifecycle: a.Lifecycle, Segments: a.Segments,
	})
	hs := httptest.NewServer(b.srv)
	t.Cleanup(hs.Close)
	b.url = hs.URL
	return b
}

// testPublicURL is the API's external base URL in tests.
const testPublicURL = "https://api.engage.test"

// testSecretsKey is a fixed keyring for tests: key ID t1, 32 bytes of 0x01.
const testSecretsKey = "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="

// tenantWithKey onboards a tenant and returns it with a key of role.
func (b *testBundle) tenantWithKey(t *testing.T, role access.Role) (tenants.Tenant, string) {
	t.Helper()
	tn := pgtest.NewTenant(t, b.dir)
	c, err := b.keys.Create(context.Background(), tn.ID, nil, "test "+role.String(), role)
	require.NoError(t, err)
	return tn, c.Token
}

type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// problemCode returns the problem's code field.
func (r response) problemCode() string {
	code, _ := r.body["code"].(string)
	return code
}

// fields returns the locations of the problem's fields at fault.
func (r response) fields() []string {
	var out []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m["location"].(string))
		}
	}
	return out
}

// do sends a request; body may be nil, a string (sent as is) or a value encoded as JSON.
func (b *testBundle) do(t *testing.T, method, path, token string, body any, headers ...string) response {
	t.Helper()
	var r io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(v)
	case []byte:
		r = bytes.NewReader(v)
	default:
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.url+path, r)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") && len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &out.body), "%s", raw)
	}
	return out
}
