package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	health := b.Do(t, http.MethodGet, "/healthz", "", nil)
	require.Equal(t, http.StatusOK, health.Status)
	ready := b.Do(t, http.MethodGet, "/readyz", "", nil)
	require.Equal(t, http.StatusOK, ready.Status, "%s", ready.Raw)

	// A database whose migrations have not run is not ready.
	stale := pgtest.NewEmpty(t).OpenApp(t)
	cause := stale.CheckSchema(context.Background())
	require.Error(t, cause)
	b.Ready = stale.CheckSchema
	notReady := b.Do(t, http.MethodGet, "/readyz", "", nil)
	require.Equal(t, http.StatusServiceUnavailable, notReady.Status)
	require.Equal(t, "not_ready", notReady.ProblemCode())
	// Why is for the log: the answer, public, says nothing of the database or its schema.
	require.Equal(t, "the service is not ready", notReady.Body["detail"])
	require.NotContains(t, string(notReady.Raw), cause.Error())
	require.Contains(t, b.Logs.String(), "not ready")
}

func TestMetricsCoverOperationsJobsAndPool(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn, token := b.TenantWithKey(t, access.RoleAnalyst)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/tenant", token, nil).Status)

	sched := jobstest.InsertOnly(t, b.DB)
	require.NoError(t, b.DB.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return sched.Enqueue(ctx, idempotency.PurgeArgs{TenantID: tn.ID.UUID()}, ports.JobOptions{})
	}))

	m := b.Do(t, http.MethodGet, "/metrics", "", nil)
	require.Equal(t, http.StatusOK, m.Status)
	text := string(m.Raw)
	require.Contains(t, text, `engage_http_request_duration_seconds_bucket{method="GET",operation="get-tenant",status="200"`)
	require.Contains(t, text, `engage_river_jobs{queue="default",state="available"} 1`)
	require.Contains(t, text, "engage_pgx_pool_total_conns")
	require.Contains(t, text, "engage_pgx_pool_acquires_total")
}

func TestRequestsCarryAnIDIntoResponsesProblemsAndLogs(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn, token := b.TenantWithKey(t, access.RoleAnalyst)

	ok := b.Do(t, http.MethodGet, "/v1/tenant", token, nil, "X-Request-ID", "client-chosen-id-1")
	require.Equal(t, "client-chosen-id-1", ok.Header.Get("X-Request-ID"))
	bad := b.Do(t, http.MethodGet, "/v1/api-keys?limit=0", token, nil, "X-Request-ID", "bad id with spaces")
	generated := bad.Header.Get("X-Request-ID")
	require.Len(t, generated, 24, "an unusable client ID is replaced")
	require.Equal(t, generated, bad.Body["request_id"])

	var line map[string]any
	for _, l := range strings.Split(b.Logs.String(), "\n") {
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
	b := apitest.New(t)
	nf := b.Do(t, http.MethodGet, "/v1/nothing-here", "", nil)
	require.Equal(t, http.StatusNotFound, nf.Status)
	require.Equal(t, "not_found", nf.ProblemCode())
}
