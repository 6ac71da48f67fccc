// Package apitest starts the whole API (the kit with every module's operations) on a test
// server over a test database and sends it requests: the setup the tests of the kit and of
// each module's operations share.
package apitest

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

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/application/platform/apikeys"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// PlatformKey is the platform operator's key in tests.
const PlatformKey = "egp_test_platform_key"

// PublicURL is the API's external base URL in tests.
const PublicURL = "https://api.engage.test"

// SecretsKey is a fixed keyring for tests: key ID t1, 32 bytes of 0x01.
const SecretsKey = "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="

// Bundle is the API served on a test server, with the app behind it.
type Bundle struct {
	PG   *pgtest.Database
	URL  string
	Srv  *httpapi.Server
	App  *wire.App
	DB   *postgres.DB
	Dir  *tenants.Directory
	Keys *apikeys.Service
	// Logs holds the service's log lines, JSON.
	Logs *LockedBuffer
	// Ready answers /readyz (the schema check); a test may replace it before its requests.
	Ready func(ctx context.Context) error
}

// LockedBuffer is a buffer that log lines are written to from several goroutines.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write implements io.Writer.
func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written.
func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Options vary the service a test runs against.
type Options struct {
	// KratosURL makes admins sign in through Kratos (a stand-in) instead of local links.
	KratosURL string
	// Database shares another bundle's database, as a second instance of the service.
	Database *pgtest.Database
	// WeChatAPI points the WeChat client at a stand-in.
	WeChatAPI string
	// APILimits replaces the default per-credential rate limits.
	APILimits *ratelimit.Limits
	// SignInLimits replaces the default per-address limits of public operations.
	SignInLimits *ratelimit.Limits
	// Modules add operations after every module's.
	Modules []httpapi.Module
}

// New starts the API on a new test database.
func New(t *testing.T) *Bundle { return NewWith(t, Options{}) }

// NewWith starts the API as o says.
func NewWith(t *testing.T, o Options) *Bundle {
	t.Helper()
	pg := o.Database
	if pg == nil {
		pg = pgtest.New(t)
	}
	db := pg.OpenApp(t)
	logs := &LockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: SecretsKey, SignInKey: []byte("test sign-in key"),
		KratosURL: o.KratosURL, WeChatAPI: o.WeChatAPI, Workers: 1, NoPeriodicJobs: true, Logger: log}, db)
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	listening := make(chan struct{})
	go a.Listener.Run(ctx, func() { close(listening) })
	t.Cleanup(stop)
	<-listening

	b := &Bundle{PG: pg, App: a, DB: db, Dir: a.Tenants, Keys: a.APIKeys, Logs: logs, Ready: db.CheckSchema}
	apiLimits := ratelimit.DefaultAPILimits
	if o.APILimits != nil {
		apiLimits = *o.APILimits
	}
	signInLimits := ratelimit.DefaultSignInLimits
	if o.SignInLimits != nil {
		signInLimits = *o.SignInLimits
	}
	b.Srv = httpapi.New(httpapi.Deps{
		Modules: append(web.APIModules(a), o.Modules...),
		Tenants: a.Tenants, APIKeys: a.APIKeys, Access: a.Access, Idempotency: a.Idempotency, Identity: a.Identity,
		Authorizer: a.Authorizer, Tx: db, AuditLog: platformdb.AuditLog{},
		Limiter: ratelimit.New(ratelimit.Options{}), APILimits: apiLimits, SignInLimits: signInLimits, ServeMetrics: true,
		PlatformKey: PlatformKey,
		Ready:       func(ctx context.Context) error { return b.Ready(ctx) },
		Metrics:     httpapi.NewMetrics(db.Pool()),
		Logger:      log,
		PublicURL:   PublicURL,
	})
	hs := httptest.NewServer(b.Srv)
	t.Cleanup(hs.Close)
	t.Cleanup(func() {
		// Every answer the test saw is one the OpenAPI document lists.
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, httpapi.UndocumentedAnswer) {
				t.Errorf("the API answered what its document does not list: %s", line)
			}
		}
	})
	b.URL = hs.URL
	return b
}

// APIKey issues a key of role in tn and returns its secret.
func (b *Bundle) APIKey(t *testing.T, tn tenants.Tenant, role access.Role) string {
	t.Helper()
	c, err := b.Keys.Create(context.Background(), tn.ID, nil, "test "+role.String(), role)
	require.NoError(t, err)
	return c.Token
}

// TenantWithKey onboards a tenant and returns it with a key of role.
func (b *Bundle) TenantWithKey(t *testing.T, role access.Role) (tenants.Tenant, string) {
	t.Helper()
	tn := pgtest.NewTenant(t, b.Dir)
	return tn, b.APIKey(t, tn, role)
}

// Admin signs email in through a one-time link, as a member of tn with roles, and returns the
// session token.
func (b *Bundle) Admin(t *testing.T, tn tenants.Tenant, email string, roles ...access.Role) string {
	t.Helper()
	_, err := b.App.Access.AddAdmin(context.Background(), tn.ID, email, "", roles)
	require.NoError(t, err)
	link, err := b.App.SignIn.IssueLink(context.Background(), email)
	require.NoError(t, err)
	r := b.Do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": link})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	return r.Body["session_token"].(string)
}

// As sends a request as a signed-in admin acting in the brand slug.
func (b *Bundle) As(t *testing.T, session, slug, method, path string, body any) Response {
	t.Helper()
	return b.Do(t, method, path, "", body, "X-Session-Token", session, "X-Engage-Tenant", slug)
}

// Response is an answer of the API.
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
	// Body is the decoded JSON body, if it is JSON.
	Body map[string]any
}

// ProblemCode returns the problem's code field.
func (r Response) ProblemCode() string {
	code, _ := r.Body["code"].(string)
	return code
}

// Fields returns the locations of the problem's fields at fault.
func (r Response) Fields() []string {
	var out []string
	errs, _ := r.Body["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m["location"].(string))
		}
	}
	return out
}

// Do sends a request with token as its bearer credential ("" for none) and headers as name,
// value pairs; body may be nil, a string or []byte (sent as is) or a value encoded as JSON.
func (b *Bundle) Do(t *testing.T, method, path, token string, body any, headers ...string) Response {
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
	req, err := http.NewRequest(method, b.URL+path, r)
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
	out := Response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") && len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &out.Body), "%s", raw)
	}
	return out
}

// React works the pending jobs of every subscriber to domain events (the reactions to stored
// customer events, the webhooks'), in turn until none is left, and says how many it worked.
func (b *Bundle) React(t *testing.T) int {
	t.Helper()
	return jobstest.WorkSubscribers(t, b.DB.Pool(), b.App.Bus)
}
