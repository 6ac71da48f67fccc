package aliyun_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/sms/aliyun"
)

// rewrite is a transport that changes each request before sending it.
type rewrite func(*http.Request)

// RoundTrip sends a changed copy of r with the default transport.
func (f rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	f(r)
	return http.DefaultTransport.RoundTrip(r)
}

func TestStandInRefusesAlteredRequests(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*http.Request)
		code   string
	}{
		{name: "phone number changed after signing", code: "SignatureDoesNotMatch", change: func(r *http.Request) {
			q := r.URL.Query()
			q.Set("PhoneNumbers", "13900139000")
			r.URL.RawQuery = q.Encode()
		}},
		{name: "signature removed", code: "MissingSignature", change: func(r *http.Request) {
			q := r.URL.Query()
			q.Del("Signature")
			r.URL.RawQuery = q.Encode()
		}},
		{name: "other version", code: "InvalidVersion", change: func(r *http.Request) {
			q := r.URL.Query()
			q.Set("Version", "2018-01-01")
			r.URL.RawQuery = q.Encode()
		}},
		{name: "other path", code: "InvalidApi.NotFound", change: func(r *http.Request) { r.URL.Path = "/sms" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, account := fixture(t)
			c := client(t, srv, aliyun.WithHTTPClient(&http.Client{Transport: rewrite(tc.change)}))
			_, err := c.Send(context.Background(), account, secret, "13800138000", "SMS_154950909",
				map[string]string{"code": "1", "name": "a"})
			require.Equal(t, tc.code, providerCode(t, err))
			require.Empty(t, srv.Sent())
		})
	}
}

func TestSignatureMismatchShowsTheServerStringToSign(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	err := client(t, srv).Verify(context.Background(), account, "wrong")
	require.ErrorContains(t, err, "server string to sign is:GET&%2F&AccessKeyId%3D"+keyID)
}
