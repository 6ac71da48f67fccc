package kratostest_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

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
		"Cookie":          "other=1; " + srv.Cookie(token),
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
	const want = `{"error":{"id":"session_inactive","code":401,"message":"request does not have a valid authentication session",` +
		`"reason":"No active session was found in this request.","status":"Unauthorized"}}`
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

func TestTheStandInIsConfiguredAsEngageShipsKratos(t *testing.T) {
	t.Parallel()
	cfg := kratostest.Shipped(t)
	require.Equal(t, "engage_admin_session", cfg.CookieName)
	require.Equal(t, "http://localhost:8080/console/auth/login", cfg.UI["login"])
	require.Equal(t, "http://localhost:8080/console/auth/error", cfg.UI["error"])
	require.Equal(t, "http://localhost:8080/console/", cfg.ReturnURL)
	moved := cfg.At("http://127.0.0.1:1234")
	require.Equal(t, "http://127.0.0.1:1234/console/auth/login", moved.UI["login"])
	require.Equal(t, []string{"http://127.0.0.1:1234/console/"}, moved.AllowedReturnURLs)
	require.Equal(t, "engage_admin_session", kratostest.New(t).CookieName())
}

// browser is a client that keeps cookies and does not follow redirects, as a test reads them.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and returns the status, Location and body.
func (b *browser) do(method, u string, form url.Values) (int, string, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.t.Context(), method, u, body)
	require.NoError(b.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp.StatusCode, resp.Header.Get("Location"), string(raw)
}

// cookie is the value of the browser's cookie name for u, "" without one.
func (b *browser) cookie(u, name string) string {
	parsed, err := url.Parse(u)
	require.NoError(b.t, err)
	for _, c := range b.client.Jar.Cookies(parsed) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// startLogin starts a login flow in b and returns its ID, read from where Kratos sent b.
func startLogin(t *testing.T, srv *kratostest.Server, b *browser, returnTo string) string {
	t.Helper()
	status, location, _ := b.do(http.MethodGet, srv.URL()+"/self-service/login/browser?return_to="+url.QueryEscape(returnTo), nil)
	require.Equal(t, http.StatusSeeOther, status)
	u, err := url.Parse(location)
	require.NoError(t, err)
	require.Equal(t, "/console/auth/login", u.Path, "sent to the configured UI")
	return u.Query().Get("flow")
}

func loginFlow(t *testing.T, srv *kratostest.Server, b *browser, id string) (int, client.LoginFlow, string) {
	t.Helper()
	status, _, body := b.do(http.MethodGet, srv.URL()+"/self-service/login/flows?id="+id, nil)
	var f client.LoginFlow
	if status == http.StatusOK {
		require.NoError(t, f.UnmarshalJSON([]byte(body)))
	}
	return status, f, body
}

// csrfOf is the value of the flow's csrf_token node.
func csrfOf(t *testing.T, f client.LoginFlow) string {
	t.Helper()
	for _, n := range f.Ui.Nodes {
		if a := n.Attributes.UiNodeInputAttributes; a != nil && a.Name == "csrf_token" {
			return a.Value.(string)
		}
	}
	t.Fatal("no csrf_token node")
	return ""
}

// A login flow is read only by the browser that started it, signs in with the right password
// and the browser's own anti-CSRF token, and sends mistakes back to its UI with Kratos's message.
func TestLoginFlowChecksItsBrowserItsTokenAndThePassword(t *testing.T) {
	t.Parallel()
	srv := kratostest.New(t)
	srv.ServeConsoleAt("http://console.test")
	srv.AddPassword("a@b.example", "correct horse battery")
	b := newBrowser(t)
	id := startLogin(t, srv, b, "http://console.test/console/team")

	status, f, _ := loginFlow(t, srv, b, id)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, srv.URL()+"/self-service/login?flow="+id, f.Ui.Action)
	require.Equal(t, "http://console.test/console/team", f.GetReturnTo())
	token := csrfOf(t, f)

	status, _, body := loginFlow(t, srv, newBrowser(t), id)
	require.Equal(t, http.StatusForbidden, status, "another browser (no anti-CSRF cookie) cannot read it")
	require.Contains(t, body, `"id":"security_csrf_violation"`)
	status, _, body = loginFlow(t, srv, b, "00000000-0000-4000-8000-000000000000")
	require.Equal(t, http.StatusNotFound, status)
	require.Contains(t, body, `"code":404`)

	submit := func(b *browser, form url.Values) (int, string) {
		status, location, _ := b.do(http.MethodPost, f.Ui.Action, form)
		return status, location
	}
	status, location := submit(b, url.Values{"csrf_token": {token}, "method": {"password"}, "identifier": {"a@b.example"}, "password": {"wrong"}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "http://console.test/console/auth/login?flow="+id, location)
	_, f, _ = loginFlow(t, srv, b, id)
	require.Equal(t, int64(4000006), f.Ui.Messages[0].Id)

	intruder := newBrowser(t)
	startLogin(t, srv, intruder, "http://console.test/console/")
	status, location = submit(intruder, url.Values{"csrf_token": {token}, "method": {"password"}, "identifier": {"a@b.example"}, "password": {"correct horse battery"}})
	require.Equal(t, http.StatusSeeOther, status, "a form posted from another browser (its own anti-CSRF cookie) is refused")
	require.True(t, strings.HasPrefix(location, "http://console.test/console/auth/error?id="), location)
	errID := strings.TrimPrefix(location, "http://console.test/console/auth/error?id=")
	status, _, body = intruder.do(http.MethodGet, srv.URL()+"/self-service/errors?id="+errID, nil)
	require.Equal(t, http.StatusOK, status)
	var fe client.FlowError
	require.NoError(t, fe.UnmarshalJSON([]byte(body)))
	require.Equal(t, "security_csrf_violation", fe.Error["id"])
	require.Empty(t, intruder.cookie(srv.URL(), srv.CookieName()))

	status, location = submit(b, url.Values{"csrf_token": {token}, "method": {"password"}, "identifier": {"A@b.example"}, "password": {"correct horse battery"}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "http://console.test/console/team", location)
	session := b.cookie(srv.URL(), srv.CookieName())
	require.True(t, srv.Active(session), "the cookie carries a live session")
	status, _, _ = get(t, srv, "X-Session-Token", session)
	require.Equal(t, http.StatusOK, status)
}

func TestAnExpiredFlowIsGoneAndReturnURLsMustBeAllowed(t *testing.T) {
	t.Parallel()
	cfg := kratostest.Shipped(t).At("http://console.test")
	cfg.FlowLifespan = time.Nanosecond
	srv := kratostest.NewWith(t, cfg)
	b := newBrowser(t)
	id := startLogin(t, srv, b, "http://console.test/console/")
	status, _, body := loginFlow(t, srv, b, id)
	require.Equal(t, http.StatusGone, status)
	require.Contains(t, body, `"id":"self_service_flow_expired"`)

	for _, bad := range []string{"https://evil.example/console/", "/console/", "http://console.test/elsewhere"} {
		status, location, _ := b.do(http.MethodGet, srv.URL()+"/self-service/login/browser?return_to="+url.QueryEscape(bad), nil)
		require.Equal(t, http.StatusSeeOther, status, bad)
		require.True(t, strings.HasPrefix(location, "http://console.test/console/auth/error?id="), "%s: %s", bad, location)
	}
}

// Sign-out takes the session cookie and the logout token of its session; it ends the session
// and clears the cookie.
func TestLogoutEndsTheCookiesSession(t *testing.T) {
	t.Parallel()
	srv := kratostest.New(t)
	srv.ServeConsoleAt("http://console.test")
	b := newBrowser(t)
	status, _, body := b.do(http.MethodGet, srv.URL()+"/self-service/logout/browser", nil)
	require.Equal(t, http.StatusUnauthorized, status, "no session, no logout URL")
	require.Contains(t, body, `"id":"session_inactive"`)

	token := srv.AddSession(kratostest.Valid("a@b.example"))
	u, err := url.Parse(srv.URL())
	require.NoError(t, err)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: srv.CookieName(), Value: token, Path: "/"}})
	other := srv.AddSession(kratostest.Valid("c@d.example"))

	status, _, body = b.do(http.MethodGet, srv.URL()+"/self-service/logout/browser?return_to="+url.QueryEscape("http://console.test/console/login"), nil)
	require.Equal(t, http.StatusOK, status)
	var lf client.LogoutFlow
	require.NoError(t, lf.UnmarshalJSON([]byte(body)))
	require.True(t, strings.HasPrefix(lf.LogoutUrl, srv.URL()+"/self-service/logout?"), lf.LogoutUrl)

	status, location, _ := b.do(http.MethodGet, srv.URL()+"/self-service/logout?token=ory_lo_wrong", nil)
	require.Equal(t, http.StatusSeeOther, status)
	require.True(t, strings.HasPrefix(location, "http://console.test/console/auth/error?id="), location)
	require.True(t, srv.Active(token), "a wrong logout token ends nothing")

	status, location, _ = b.do(http.MethodGet, lf.LogoutUrl, nil)
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "http://console.test/console/login", location)
	require.False(t, srv.Active(token))
	require.Empty(t, b.cookie(srv.URL(), srv.CookieName()), "the cookie is cleared")
	require.True(t, srv.Active(other), "other sessions go on")
	status, _, _ = get(t, srv, "X-Session-Token", token)
	require.Equal(t, http.StatusUnauthorized, status)
}
