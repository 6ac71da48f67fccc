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
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

const testPlatformKey = "egp_test_platform_key"

type testBundle struct {
	url  string
	srv  *Server
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

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(postgres.NewTenantStore(db))
	clock := ports.SystemClock{}
	workers := &riverjobs.Services{}
	client, err := riverjobs.NewClient(db, workers, riverjobs.Config{})
	require.NoError(t, err)
	idem := idempotency.NewService(db, postgres.IdempotencyKeys{}, riverjobs.NewScheduler(client), dir, clock)
	*workers = riverjobs.Services{Idempotency: idem}
	b := &testBundle{db: db, dir: dir, keys: apikeys.NewService(db, postgres.APIKeys{}, dir, clock), logs: &lockedBuffer{}}
	b.srv = New(Deps{
		Tenants: dir, APIKeys: b.keys, Idempotency: idem, PlatformKey: testPlatformKey,
		Ready:   func(ctx context.Context) error { return db.CheckSchema(ctx) },
		Metrics: NewMetrics(db.Pool()),
		Logger:  slog.New(slog.NewJSONHandler(b.logs, nil)),
	})
	hs := httptest.NewServer(b.srv)
	t.Cleanup(hs.Close)
	b.url = hs.URL
	return b
}

// tenantWithKey onboards a tenant and returns it with a key of role.
func (b *testBundle) tenantWithKey(t *testing.T, role access.Role) (tenants.Tenant, string) {
	t.Helper()
	tn := pgtest.NewTenant(t, b.dir)
	c, err := b.keys.Create(context.Background(), tn.ID, "test "+role.String(), role)
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
