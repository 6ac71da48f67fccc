package wechat_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/ports"
)

// tamper is an HTTP transport that changes each request before sending it, to make the
// stand-in see requests the Client would never send.
type tamper func(*http.Request)

// RoundTrip sends a tampered copy of r with the default transport.
func (f tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	f(r)
	return http.DefaultTransport.RoundTrip(r)
}

// withBody replaces a request's body.
func withBody(body string) tamper {
	return func(r *http.Request) {
		r.Body = io.NopCloser(bytes.NewBufferString(body))
		r.ContentLength = int64(len(body))
	}
}

func TestStableTokenIsIssuedAndReusedUntilForced(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "s3cret")
	c := wechat.New(srv.URL(), nil)

	token, expiresIn, err := c.StableToken(t.Context(), "wx1", "s3cret", false)
	require.NoError(t, err)
	require.Equal(t, 7200*time.Second, expiresIn)
	require.True(t, srv.ValidToken("wx1", token))

	again, _, err := c.StableToken(t.Context(), "wx1", "s3cret", false)
	require.NoError(t, err)
	require.Equal(t, token, again, "normal mode returns the current token")

	forced, expiresIn, err := c.StableToken(t.Context(), "wx1", "s3cret", true)
	require.NoError(t, err)
	require.NotEqual(t, token, forced)
	require.Equal(t, 7200*time.Second, expiresIn)
	require.True(t, srv.ValidToken("wx1", forced))
	require.False(t, srv.ValidToken("wx1", token), "forcing replaces the old token")
	require.Equal(t, 3, srv.Calls("wx1"), "the Client itself caches nothing")
}

func TestStableTokenRefusalIsAProviderErrorWithWeChatsCode(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "s3cret")
	srv.AddApp("wxlimited", "s3cret")
	srv.Limit("wxlimited")
	cases := []struct {
		name, appID, secret string
		tamper              tamper
		code, message       string
	}{
		{name: "unknown appid", appID: "wxnobody", secret: "s3cret", code: "40013", message: "invalid appid"},
		{name: "missing appid", appID: "", secret: "s3cret", code: "41002", message: "appid missing"},
		{name: "wrong secret", appID: "wx1", secret: "wrong", code: "40125", message: "invalid appsecret"},
		{name: "missing secret", appID: "wx1", secret: "", code: "41004", message: "appsecret missing"},
		{name: "daily quota spent", appID: "wxlimited", secret: "s3cret", code: "45009", message: "reach max api daily quota limit"},
		{
			name: "other grant_type", appID: "wx1", secret: "s3cret", code: "40002", message: "invalid grant_type",
			tamper: withBody(`{"grant_type":"password","appid":"wx1","secret":"s3cret"}`),
		},
		{
			name: "malformed body", appID: "wx1", secret: "s3cret", code: "47001", message: "data format error",
			tamper: withBody(`{"appid":`),
		},
		{
			name: "GET", appID: "wx1", secret: "s3cret", code: "43002", message: "require POST method",
			tamper: func(r *http.Request) { r.Method = http.MethodGet },
		},
	}
	for _, tc := range cases {
		var hc *http.Client
		if tc.tamper != nil {
			hc = &http.Client{Transport: tc.tamper}
		}
		token, _, err := wechat.New(srv.URL(), hc).StableToken(t.Context(), tc.appID, tc.secret, false)
		require.Empty(t, token, tc.name)
		var pe *ports.ProviderError
		require.ErrorAs(t, err, &pe, tc.name)
		require.Equal(t, "wechat", pe.Provider, tc.name)
		require.Equal(t, tc.code, pe.Code, tc.name)
		require.Contains(t, pe.Message, tc.message+" rid: ", tc.name)
	}
}

func TestStableTokenTransportFailureIsAnOrdinaryError(t *testing.T) {
	t.Parallel()
	answering := func(status int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	down := wechattest.New(t)
	down.Close()
	cases := []struct {
		name, url, want string
	}{
		{"unreachable server", down.URL(), "connect"},
		{"5xx", answering(http.StatusBadGateway, `<html>502 Bad Gateway</html>`), "HTTP status 502"},
		{"4xx", answering(http.StatusNotFound, `{"errcode":0}`), "HTTP status 404"},
		{"not JSON", answering(http.StatusOK, `<html>busy</html>`), "not JSON"},
		{"no token", answering(http.StatusOK, `{"errcode":0,"errmsg":"ok"}`), "no access_token"},
		{"no lifetime", answering(http.StatusOK, `{"access_token":"abc"}`), "no access_token or expires_in"},
	}
	for _, tc := range cases {
		_, _, err := wechat.New(tc.url, nil).StableToken(t.Context(), "wx1", "topsecret", false)
		require.ErrorContains(t, err, tc.want, tc.name)
		require.ErrorContains(t, err, "wechat: stable_token for wx1", tc.name)
		require.NotContains(t, err.Error(), "topsecret", tc.name)
		var pe *ports.ProviderError
		require.False(t, errors.As(err, &pe), tc.name)
	}
}

func TestStableTokenTrimsTheBaseURL(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "s3cret")
	_, _, err := wechat.New(" "+srv.URL()+"/ ", nil).StableToken(t.Context(), "wx1", "s3cret", false)
	require.NoError(t, err)
}
