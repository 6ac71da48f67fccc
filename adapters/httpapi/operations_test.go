package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	b := setup(t)
	health := b.do(t, http.MethodGet, "/healthz", "", nil)
	require.Equal(t, http.StatusOK, health.status)
	ready := b.do(t, http.MethodGet, "/readyz", "", nil)
	require.Equal(t, http.StatusOK, ready.status, "%s", ready.raw)

	// A database whose migrations have not run is not ready.
	stale := pgtest.NewEmpty(t).OpenApp(t)
	require.Error(t, stale.CheckSchema(context.Background()))
	b.srv.deps.Ready = stale.CheckSchema
	notReady := b.do(t, http.MethodGet, "/readyz", "", nil)
	require.Equal(t, http.StatusServiceUnavailable, notReady.status)
	require.Equal(t, "not_ready", notReady.problemCode())
}

func TestMetricsCoverOperationsJobsAndPool(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, token := b.tenantWithKey(t, access.RoleAnalyst)
	require.Equal(t, http.StatusOK, b.do(t, http.MethodGet, "/v1/tenant", token, nil).status)

	sched := jobstest.InsertOnly(t, b.db)
	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return sched.Enqueue(ctx, idempotency.PurgeArgs{TenantID: tn.ID.UUID()}, ports.JobOptions{})
	}))

	m := b.do(t, http.MethodGet, "/metrics", "", nil)
	require.Equal(t, http.StatusOK, m.status)
	text := string(m.raw)
	require.Contains(t, text, `engage_http_request_duration_seconds_bucket{method="GET",operation="get-tenant",status="200"`)
	require.Contains(t, text, `engage_river_jobs{queue="default",state="available"} 1`)
	require.Contains(t, text, "engage_pgx_pool_total_conns")
	require.Contains(t, text, "engage_pgx_pool_acquires_total")
}

func TestRequestsCarryAnIDIntoResponsesProblemsAndLogs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, token := b.tenantWithKey(t, access.RoleAnalyst)

	ok := b.do(t, http.MethodGet, "/v1/tenant", token, nil, "X-Request-ID", "client-chosen-id-1")
	require.Equal(t, "client-chosen-id-1", ok.header.Get("X-Request-ID"))
	bad := b.do(t, http.MethodGet, "/v1/api-keys?limit=0", token, nil, "X-Request-ID", "bad id with spaces")
	generated := bad.header.Get("X-Request-ID")
	require.Len(t, generated, 24, "an unusable client ID is replaced")
	require.Equal(t, generated, bad.body["request_id"])

	var line map[string]any
	for _, l := range strings.Split(b.logs.String(), "\n") {
		if strings.Contains(l, "client-chosen-id-1") {
			require.NoError(t, json.Unmarshal([]byte(l), &line))
		}
	}
	require.NotNil(t, line, "the request was logged as JSON")
	require.Equal(t, tn.ID.String(), line["tenant"])
	require.Equal(t, "get-tenant", line["operation"])
	require.EqualValues(t, 200, line["status"])
}

func TestUnknownRoutesAndMethodsAreProblems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	nf := b.do(t, http.MethodGet, "/v1/nothing-here", "", nil)
	require.Equal(t, http.StatusNotFound, nf.status)
	require.Equal(t, "not_found", nf.problemCode())
}
