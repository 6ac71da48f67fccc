package tencent_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/sms/tencent"
)

// rewrite is a transport that changes each request before sending it.
type rewrite func(*http.Request)

// RoundTrip sends a changed copy of r with the default transport.
func (f rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	f(r)
	return http.DefaultTransport.RoundTrip(r)
}

// setBody replaces r's body with body.
func setBody(r *http.Request, body string) {
	r.Body = io.NopCloser(bytes.NewReader([]byte(body)))
	r.ContentLength = int64(len(body))
}

func TestStandInRefusesAlteredRequests(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*http.Request)
		code   string
	}{
		{name: "body changed after signing", code: "AuthFailure.SignatureFailure", change: func(r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			setBody(r, strings.Replace(string(b), "+8613800138000", "+8613900139000", 1))
		}},
		{name: "unknown action (X-TC-Action is not signed)", code: "InvalidAction", change: func(r *http.Request) {
			r.Header.Set("X-TC-Action", "SendSmsNow")
		}},
		{name: "no authorization", code: "AuthFailure.InvalidAuthorization", change: func(r *http.Request) {
			r.Header.Del("Authorization")
		}},
		{name: "host not signed", code: "AuthFailure.InvalidAuthorization", change: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "content-type;host", "content-type", 1))
		}},
		{name: "other version", code: "NoSuchVersion", change: func(r *http.Request) { r.Header.Set("X-TC-Version", "2019-07-11") }},
		{name: "no region", code: "MissingParameter", change: func(r *http.Request) { r.Header.Del("X-TC-Region") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, account := fixture(t)
			c := client(t, srv, tencent.WithHTTPClient(&http.Client{Transport: rewrite(tc.change)}))
			_, err := c.Send(context.Background(), account, secretKey, "13800138000", "1110", []string{"1", "2"})
			require.Equal(t, tc.code, providerCode(t, err))
			require.Empty(t, srv.Sent())
		})
	}
}
