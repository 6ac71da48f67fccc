package webhookhttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/webhookhttp"
	"github.com/engagehq/engage/domain/outbound"
	"github.com/engagehq/engage/ports"
)

func TestSenderPostsTheHeadersAndKeepsTheStartOfTheAnswer(t *testing.T) {
	t.Parallel()
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(strings.Repeat("x", 10_000)))
	}))
	defer srv.Close()
	resp, err := webhookhttp.New(webhookhttp.Options{AllowPrivate: true}).Send(context.Background(), ports.WebhookRequest{
		URL: srv.URL, Headers: map[string]string{"webhook-id": "msg_1"}, Body: []byte(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, resp.Status)
	require.Len(t, resp.Body, webhookhttp.BodyLimit)
	require.Equal(t, http.MethodPost, got.Method)
	require.Equal(t, "msg_1", got.Header.Get("webhook-id"))
}

func TestSenderFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	hit := false
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit = true }))
	defer target.Close()
	srv := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer srv.Close()
	resp, err := webhookhttp.New(webhookhttp.Options{AllowPrivate: true}).Send(context.Background(), ports.WebhookRequest{URL: srv.URL})
	require.NoError(t, err)
	require.Equal(t, http.StatusTemporaryRedirect, resp.Status)
	require.False(t, hit)
}

func TestSenderRefusesPrivateAddressesUnlessAllowed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	// localhost resolves to loopback: a host name does not get around the check.
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	_, err := webhookhttp.New(webhookhttp.Options{}).Send(context.Background(), ports.WebhookRequest{URL: url + "/?token=secret"})
	require.ErrorIs(t, err, outbound.ErrNotAllowed)
	require.NotContains(t, err.Error(), "token=secret", "the URL, which may carry a token, is not in the error")

	// IPv6 forms that lead to an IPv4 address are refused when connecting, before anything is
	// sent: NAT64, IPv4-compatible, IPv4-mapped, 6to4 and Teredo.
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, host := range []string{"[64:ff9b::7f00:1]", "[64:ff9b:1::a9fe:a9fe]", "[::127.0.0.1]", "[::ffff:127.0.0.1]",
		"[2002:7f00:1::1]", "[2001:0:4136:e378:8000:63bf:3fff:fdd2]"} {
		_, err := webhookhttp.New(webhookhttp.Options{}).Send(context.Background(), ports.WebhookRequest{URL: "http://" + host + ":" + port + "/"})
		require.ErrorIsf(t, err, outbound.ErrNotAllowed, "%s", host)
	}
}

func TestSenderGivesUpAfterItsTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	resp, err := webhookhttp.New(webhookhttp.Options{AllowPrivate: true, Timeout: 100 * time.Millisecond}).
		Send(context.Background(), ports.WebhookRequest{URL: srv.URL})
	require.Error(t, err)
	require.GreaterOrEqual(t, resp.Latency, 100*time.Millisecond)
}
