package wechat_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/ports"
)

// clock is a settable time for Tokens.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)} }

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

// cachedWeChat is a stand-in with app wx1 (secret "s3cret"), Tokens in front of a Client for
// it, and the clock Tokens reads.
func cachedWeChat(t *testing.T) (*wechattest.Server, *wechat.Tokens, *clock) {
	t.Helper()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "s3cret")
	clk := newClock()
	return srv, wechat.NewTokens(wechat.New(srv.URL(), nil), wechat.WithClock(clk.Now)), clk
}

func TestTokensServesACachedTokenWithoutAsking(t *testing.T) {
	t.Parallel()
	srv, tokens, clk := cachedWeChat(t)
	token, expiresIn, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
	require.NoError(t, err)
	require.Equal(t, 7200*time.Second, expiresIn)

	clk.Advance(10 * time.Minute)
	again, expiresIn, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
	require.NoError(t, err)
	require.Equal(t, token, again)
	require.Equal(t, 110*time.Minute, expiresIn, "what is left of it")
	require.Equal(t, 1, srv.Calls("wx1"))
}

func TestTokensRefreshOnlyNearExpiry(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		age       time.Duration
		wantCalls int
		wantNew   bool
	}{
		{"an hour old is served from the cache", time.Hour, 1, false},
		{"just over five minutes left is served from the cache", 7200*time.Second - 5*time.Minute - time.Second, 1, false},
		{"five minutes left is refreshed", 7200*time.Second - 5*time.Minute, 2, true},
		{"a minute left is refreshed", 7200*time.Second - time.Minute, 2, true},
		{"expired is refreshed", 3 * time.Hour, 2, true},
	}
	for _, tc := range cases {
		srv, tokens, clk := cachedWeChat(t)
		first, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
		require.NoError(t, err, tc.name)

		clk.Advance(tc.age)
		srv.Advance(tc.age)
		token, expiresIn, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.wantCalls, srv.Calls("wx1"), tc.name)
		require.Equal(t, tc.wantNew, token != first, tc.name)
		require.True(t, srv.ValidToken("wx1", token), tc.name)
		if tc.wantNew {
			require.Equal(t, 7200*time.Second, expiresIn, tc.name)
		}
	}
}

func TestTokensNeverServeATokenForAnotherSecret(t *testing.T) {
	t.Parallel()
	srv, tokens, _ := cachedWeChat(t)
	token, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
	require.NoError(t, err)

	_, _, err = tokens.StableToken(t.Context(), "wx1", "wrong", false)
	var pe *ports.ProviderError
	require.ErrorAs(t, err, &pe, "a wrong secret is asked about, not served the cached token")
	require.Equal(t, "40125", pe.Code)

	srv.AddApp("wx1", "rotated")
	again, _, err := tokens.StableToken(t.Context(), "wx1", "rotated", false)
	require.NoError(t, err)
	require.Equal(t, token, again, "WeChat's token outlives the secret change")
	_, _, err = tokens.StableToken(t.Context(), "wx1", "s3cret", false)
	require.ErrorAs(t, err, &pe, "the old secret is refused although its token is still cached")
	require.Equal(t, "40125", pe.Code)
	require.Equal(t, 4, srv.Calls("wx1"))

	_, _, err = tokens.StableToken(t.Context(), "wx1", "rotated", false)
	require.NoError(t, err)
	require.Equal(t, 4, srv.Calls("wx1"), "the new secret's token is cached")
}

func TestTokensForceRefreshBypassesTheCache(t *testing.T) {
	t.Parallel()
	srv, tokens, clk := cachedWeChat(t)
	first, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
	require.NoError(t, err)

	forced, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", true)
	require.NoError(t, err)
	require.NotEqual(t, first, forced)
	require.False(t, srv.ValidToken("wx1", first))
	require.Equal(t, 2, srv.Calls("wx1"))

	cached, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
	require.NoError(t, err)
	require.Equal(t, forced, cached, "the forced token replaces the cached one")

	clk.Advance(wechat.ForceInterval - time.Second)
	again, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", true)
	require.NoError(t, err)
	require.Equal(t, forced, again, "WeChat allows one forced refresh per 30 s")
	require.Equal(t, 2, srv.Calls("wx1"))

	clk.Advance(time.Second)
	later, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", true)
	require.NoError(t, err)
	require.NotEqual(t, forced, later)
	require.True(t, srv.ValidToken("wx1", later))
	require.Equal(t, 3, srv.Calls("wx1"))
}

func TestTokensDoNotCacheRefusals(t *testing.T) {
	t.Parallel()
	srv, tokens, _ := cachedWeChat(t)
	srv.Limit("wx1")
	_, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
	var pe *ports.ProviderError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "45009", pe.Code)

	srv.Unlimit("wx1")
	token, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
	require.NoError(t, err)
	require.True(t, srv.ValidToken("wx1", token))
	require.Equal(t, 2, srv.Calls("wx1"))
}

func TestTokensConcurrentCallersOverHTTPMakeOneRequest(t *testing.T) {
	t.Parallel()
	srv, tokens, _ := cachedWeChat(t)
	const n = 50
	got := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			token, _, err := tokens.StableToken(t.Context(), "wx1", "s3cret", false)
			if err == nil {
				got[i] = token
			}
		})
	}
	wg.Wait()
	require.Equal(t, 1, srv.Calls("wx1"))
	for _, token := range got {
		require.Equal(t, got[0], token)
	}
	require.True(t, srv.ValidToken("wx1", got[0]))
}
