package kratostest_test

import (
	"io"
	"net/http"
	"testing"

	client "github.com/ory/kratos-client-go"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/kratos/kratostest"
)

// get asks the server's whoami with header set and returns the status, content type and body.
func get(t *testing.T, srv *kratostest.Server, header, value string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/sessions/whoami", nil)
	require.NoError(t, err)
	if header != "" {
		req.Header.Set(header, value)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

func TestWhoamiFindsTheSessionWhereKratosLooks(t *testing.T) {
	t.Parallel()
	srv := kratostest.New(t)
	token := srv.AddSession(kratostest.Valid("a@b.example"))
	for header, value := range map[string]string{
		"X-Session-Token": token,
		"Cookie":          "other=1; " + kratostest.Cookie(token),
		"Authorization":   "Bearer " + token,
	} {
		status, contentType, body := get(t, srv, header, value)
		require.Equal(t, http.StatusOK, status, header)
		require.Equal(t, "application/json; charset=utf-8", contentType)
		var s client.Session
		require.NoError(t, s.UnmarshalJSON([]byte(body)), header)
		require.True(t, s.GetActive())
		require.Equal(t, srv.IdentityID("a@b.example"), s.GetIdentity().Id)
		require.Equal(t, "active", s.Identity.GetState())
		require.True(t, s.Identity.GetVerifiableAddresses()[0].Verified)
	}
}

func TestWhoamiRefusesWhatKratosRefusesWithItsErrorBody(t *testing.T) {
	t.Parallel()
	srv := kratostest.New(t)
	const want = `{"error":{"code":401,"message":"The request could not be authorized",` +
		`"reason":"No valid session credentials found in the request.","status":"Unauthorized"}}`
	for name, token := range map[string]string{
		"missing":           "",
		"unknown":           srv.UnknownToken(),
		"expired":           srv.AddSession(kratostest.Expired("a@b.example")),
		"inactive":          srv.AddSession(kratostest.Inactive("a@b.example")),
		"inactive identity": srv.AddSession(kratostest.Blocked("a@b.example")),
	} {
		status, contentType, body := get(t, srv, "X-Session-Token", token)
		require.Equal(t, http.StatusUnauthorized, status, name)
		require.Equal(t, "application/json; charset=utf-8", contentType, name)
		require.JSONEq(t, want, body, name)
	}
}

func TestRawSessionIsServedUnchecked(t *testing.T) {
	t.Parallel()
	srv := kratostest.New(t)
	s := kratostest.Inactive("a@b.example")
	s.Raw = true
	status, _, body := get(t, srv, "X-Session-Token", srv.AddSession(s))
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `"active":false`)
}
