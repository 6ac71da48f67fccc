package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/domain/access"
)

func TestRateLimitsAnswer429WithRetryAfter(t *testing.T) {
	t.Parallel()
	tight := ratelimit.Limits{Default: ratelimit.Rate{PerSecond: 0.01, Burst: 3}}
	b := apitest.NewWith(t, apitest.Options{APILimits: &tight})
	_, key := b.TenantWithKey(t, access.RoleAnalyst)
	_, other := b.TenantWithKey(t, access.RoleAnalyst)
	for range 3 {
		require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/tenant", key, nil).Status)
	}
	limited := b.Do(t, http.MethodGet, "/v1/tenant", key, nil)
	require.Equal(t, http.StatusTooManyRequests, limited.Status)
	require.Equal(t, "rate_limited", limited.ProblemCode())
	require.NotEmpty(t, limited.Header.Get("Retry-After"))
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/tenant", other, nil).Status, "each key has its own bucket")

	// Sign-in attempts are limited per client IP (10 at once, then 5 a minute).
	for range 10 {
		require.Equal(t, http.StatusUnauthorized, b.Do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": "guessing-0123456789"}).Status)
	}
	blocked := b.Do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": "guessing-0123456789"})
	require.Equal(t, http.StatusTooManyRequests, blocked.Status)
	require.NotEmpty(t, blocked.Header.Get("Retry-After"))
}
