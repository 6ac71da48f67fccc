package ratelimit_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/ratelimit"
)

func TestRetryAfterSecondsRoundsUpToAtLeastOne(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		wait time.Duration
		want int
	}{
		{0, 1}, {-time.Second, 1}, {time.Nanosecond, 1}, {time.Second, 1},
		{time.Second + time.Nanosecond, 2}, {11500 * time.Millisecond, 12}, {12 * time.Second, 12},
		{time.Hour, 3600},
	} {
		require.Equalf(t, tc.want, ratelimit.RetryAfterSeconds(tc.wait), "%s", tc.wait)
	}
}

// signIn serves a request from remoteAddr through h.
func signIn(h http.Handler, remoteAddr string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/auth/sign-in", nil)
	req.RemoteAddr = remoteAddr
	req.Header.Set("X-Forwarded-For", "203.0.113.99") // ignored: any client can send it
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestByIPAnswers429WithRetryAfterAndAProblemPastTheBurst(t *testing.T) {
	t.Parallel()
	l, clock := newLimiter(t, 0)
	served := 0
	h := l.ByIP(ratelimit.DefaultSignInLimits.Default, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		served++
		w.WriteHeader(http.StatusNoContent)
	}))

	// One IP, whatever its port, shares one bucket of 10.
	for i := range 10 {
		addr := "192.0.2.1:" + []string{"40000", "40001"}[i%2]
		require.Equal(t, http.StatusNoContent, signIn(h, addr).Code)
	}
	limited := signIn(h, "192.0.2.1:40002")
	require.Equal(t, http.StatusTooManyRequests, limited.Code)
	require.Equal(t, "12", limited.Header().Get("Retry-After"))
	require.Equal(t, "application/problem+json", limited.Header().Get("Content-Type"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(limited.Body.Bytes(), &body))
	require.Equal(t, map[string]any{
		"title": "Too Many Requests", "status": float64(429), "code": "rate_limited",
		"detail": "too many requests; retry after 12 seconds",
	}, body)
	require.Equal(t, 10, served, "a limited request never reaches the handler")

	// Another IP has its own bucket, IPv6 included.
	require.Equal(t, http.StatusNoContent, signIn(h, "198.51.100.7:40000").Code)
	require.Equal(t, http.StatusNoContent, signIn(h, "[2001:db8::1]:443").Code)

	// The Retry-After is honest: waiting it out gets a token.
	clock.Advance(11 * time.Second)
	again := signIn(h, "192.0.2.1:40003")
	require.Equal(t, http.StatusTooManyRequests, again.Code)
	require.Equal(t, "1", again.Header().Get("Retry-After"))
	clock.Advance(time.Second)
	require.Equal(t, http.StatusNoContent, signIn(h, "192.0.2.1:40003").Code)
}

func TestByIPKeysAnAddressWithoutAPortAsItIs(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter(t, 0)
	h := l.ByIP(ratelimit.Rate{PerSecond: 1, Burst: 1}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	require.Equal(t, http.StatusOK, signIn(h, "@").Code)
	require.Equal(t, http.StatusTooManyRequests, signIn(h, "@").Code)
	require.Equal(t, http.StatusOK, signIn(h, "192.0.2.1").Code)
}
