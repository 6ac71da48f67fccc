package kratos_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/kratos"
	"github.com/engagehq/engage/adapters/kratos/kratostest"
	"github.com/engagehq/engage/ports"
)

// browser starts a flow of kind at srv as a browser does and returns the flow's ID and the
// browser's Cookie header for srv.
func browser(t *testing.T, srv *kratostest.Server, kind string, cookies ...*http.Cookie) (string, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	u, err := url.Parse(srv.URL())
	require.NoError(t, err)
	jar.SetCookies(u, cookies)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(srv.URL() + "/self-service/" + kind + "/browser?return_to=" + url.QueryEscape("http://console.test/console/"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	to, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	var header []string
	for _, c := range jar.Cookies(u) {
		header = append(header, c.String())
	}
	return to.Query().Get("flow"), strings.Join(header, "; ")
}

func provider(t *testing.T, srv *kratostest.Server) *kratos.Provider {
	t.Helper()
	p, err := kratos.New(srv.URL(), srv.CookieName(), nil)
	require.NoError(t, err)
	return p
}

// The provider reads a flow's form for the browser that started it, with the browser's
// cookies, and says why it cannot: another browser's (refused), unknown or expired (gone),
// settings without a session.
func TestFlowIsReadForItsOwnBrowserOnly(t *testing.T) {
	t.Parallel()
	srv := kratostest.New(t)
	srv.ServeConsoleAt("http://console.test")
	p := provider(t, srv)
	id, cookie := browser(t, srv, "login")

	f, err := p.Flow(t.Context(), ports.FlowLogin, id, cookie)
	require.NoError(t, err)
	require.Equal(t, srv.URL()+"/self-service/login?flow="+id, f.Action)
	require.Equal(t, "POST", f.Method)
	names := map[string]ports.AuthNode{}
	for _, n := range f.Nodes {
		names[n.Name+"/"+n.Value] = n
		if n.Name != "method" {
			names[n.Name] = n
		}
	}
	require.Equal(t, "hidden", names["csrf_token"].InputType)
	require.NotEmpty(t, names["csrf_token"].Value)
	require.Equal(t, "password", names["password"].InputType)
	require.True(t, names["identifier"].Required)
	require.Equal(t, int64(1070004), names["identifier"].Label.ID)
	require.Equal(t, "submit", names["method/password"].InputType)

	_, err = p.Flow(t.Context(), ports.FlowLogin, id, "")
	require.ErrorIs(t, err, ports.ErrFlowRefused, "without the browser's anti-CSRF cookie")
	_, otherCookie := browser(t, srv, "login")
	_, err = p.Flow(t.Context(), ports.FlowLogin, id, otherCookie)
	require.ErrorIs(t, err, ports.ErrFlowRefused, "with another browser's")
	_, err = p.Flow(t.Context(), ports.FlowLogin, "00000000-0000-4000-8000-000000000000", cookie)
	require.ErrorIs(t, err, ports.ErrFlowGone)
	_, err = p.Flow(t.Context(), ports.FlowRegistration, id, cookie)
	require.ErrorIs(t, err, ports.ErrFlowGone, "a login flow is no registration flow")

	for _, kind := range []ports.FlowKind{ports.FlowRegistration, ports.FlowRecovery, ports.FlowVerification} {
		id, cookie := browser(t, srv, string(kind))
		f, err := p.Flow(t.Context(), kind, id, cookie)
		require.NoError(t, err, kind)
		require.Equal(t, srv.URL()+"/self-service/"+string(kind)+"?flow="+id, f.Action)
	}

	token := srv.AddSession(kratostest.Valid("a@b.example"))
	id, cookie = browser(t, srv, "settings", &http.Cookie{Name: srv.CookieName(), Value: token})
	f, err = p.Flow(t.Context(), ports.FlowSettings, id, cookie)
	require.NoError(t, err)
	require.Contains(t, f.Nodes, ports.AuthNode{Group: "profile", Type: "input", Name: "traits.email", InputType: "email", Value: "a@b.example",
		Autocomplete: "email", Required: true, Label: ports.AuthText{ID: 1070002, Type: "info", Text: "Email", Context: map[string]any{"title": "Email"}}})
	_, err = p.Flow(t.Context(), ports.FlowSettings, id, strings.ReplaceAll(cookie, token, srv.UnknownToken()))
	require.ErrorIs(t, err, ports.ErrNoSession)
}

func TestAnExpiredFlowIsGone(t *testing.T) {
	t.Parallel()
	cfg := kratostest.Shipped(t).At("http://console.test")
	cfg.FlowLifespan = time.Nanosecond
	srv := kratostest.NewWith(t, cfg)
	id, cookie := browser(t, srv, "login")
	_, err := provider(t, srv).Flow(t.Context(), ports.FlowLogin, id, cookie)
	require.ErrorIs(t, err, ports.ErrFlowGone)
}

// A flow's error is read by its ID: what Kratos said, with its status and stable ID.
func TestFlowErrorIsKratossError(t *testing.T) {
	t.Parallel()
	srv := kratostest.New(t)
	srv.ServeConsoleAt("http://console.test")
	p := provider(t, srv)
	_, err := p.FlowError(t.Context(), "00000000-0000-4000-8000-000000000000")
	require.ErrorIs(t, err, ports.ErrFlowGone)

	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(srv.URL() + "/self-service/login/browser?return_to=" + url.QueryEscape("https://evil.example/"))
	require.NoError(t, err)
	resp.Body.Close()
	to, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "/console/auth/error", to.Path)
	e, err := p.FlowError(t.Context(), to.Query().Get("id"))
	require.NoError(t, err)
	require.Equal(t, ports.AuthError{Code: http.StatusBadRequest, ID: "self_service_flow_return_to_forbidden",
		Reason: `Requested return_to URL "https://evil.example/" is not allowed.`, Message: "The request was malformed or contained invalid parameters"}, e)
}

// The logout URL is made for the session cookie alone; without a live session there is none.
func TestLogoutURLIsMadeForTheSessionCookie(t *testing.T) {
	t.Parallel()
	srv := kratostest.New(t)
	p := provider(t, srv)
	_, err := p.LogoutURL(t.Context(), "ory_kratos_session=x; engage_session=y", "")
	require.ErrorIs(t, err, ports.ErrNoSession)
	require.Zero(t, srv.Requests(), "no session cookie, no question to Kratos")
	_, err = p.LogoutURL(t.Context(), srv.Cookie(srv.UnknownToken()), "")
	require.ErrorIs(t, err, ports.ErrNoSession)

	token := srv.AddSession(kratostest.Valid("a@b.example"))
	u, err := p.LogoutURL(t.Context(), "lang=en; "+srv.Cookie(token), "")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(u, srv.URL()+"/self-service/logout?token="), u)
	require.True(t, srv.Active(token), "making the URL ends nothing")
}
