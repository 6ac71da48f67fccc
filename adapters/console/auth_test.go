package console_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/kratos/kratostest"
	"github.com/engagehq/engage/domain/access"
)

// In production an admin signs in on the console's own sign-in page, which renders Kratos's
// login flow (the form posts to Kratos), and comes back to the page they asked for; signing
// out ends the Kratos session itself, so the cookie a browser kept no longer opens the console.
func TestSignInThroughKratossLoginFlowAndSignOutEndsTheKratosSession(t *testing.T) {
	t.Parallel()
	b := consoletest.SetupKratos(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	b.Kratos.AddPassword("owner@lotus.example", "correct horse battery")
	tab := b.Browser.Incognito(t)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/team"))
	consoletest.Settle(t, tab, `location.pathname === "/console/auth/login" && !!document.querySelector("[data-test=auth-form]")`)
	require.Equal(t, b.Kratos.URL()+"/self-service/login?flow="+flowOf(t, tab),
		browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=auth-form]").action`)), "the form posts to Kratos")
	require.Equal(t, "Email", consoletest.Text(t, tab, "label:has([name=identifier])"))
	tab.Screenshot(t, "sign-in-en")

	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS("[name=identifier]"), "owner@lotus.example"),
		chromedp.SendKeys(chromedp.CSS("[name=password]"), "wrong password"),
		chromedp.Click(chromedp.CSS("[data-test=auth-submit-password]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=auth-message]")`)
	require.Equal(t, "The email address or password is wrong; check them and try again.", consoletest.Text(t, tab, "[data-test=auth-message]"))
	require.Equal(t, "owner@lotus.example", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[name=identifier]"))), "Kratos kept what was typed")

	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS("[name=password]"), "correct horse battery"),
		chromedp.Click(chromedp.CSS("[data-test=auth-submit-password]")))
	consoletest.Settle(t, tab, `location.pathname === "/console/team" && !!document.querySelector("[data-test=current-brand]")`)
	session := browsertest.Get(t, tab, browsertest.Cookies(b.Kratos.URL()))[b.Kratos.CookieName()]
	require.True(t, b.Kratos.Active(session), "signed in with a Kratos session")

	tab.Run(t, chromedp.Click(chromedp.CSS("form[action='/console/logout'] button")))
	consoletest.Settle(t, tab, `location.pathname === "/console/auth/login" && !!document.querySelector("[data-test=auth-form]")`)
	require.False(t, b.Kratos.Active(session), "Kratos ended the session")
	require.Empty(t, browsertest.Get(t, tab, browsertest.Cookies(b.Kratos.URL()))[b.Kratos.CookieName()], "and cleared the cookie")
	kept := b.Get(t, "/console/team", b.Kratos.Cookie(session))
	kept.Body.Close()
	require.Equal(t, http.StatusSeeOther, kept.StatusCode, "a copy of the old cookie opens nothing")
	require.True(t, strings.HasPrefix(kept.Header.Get("Location"), "/console/login"), kept.Header.Get("Location"))

	// The sign-in page speaks Chinese too.
	tab.Run(t, browsertest.SetCookie("engage_lang", "zh-CN", b.URL), chromedp.Navigate(b.URL+"/console/auth/login"))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=auth-form]")`)
	require.Equal(t, "邮箱", consoletest.Text(t, tab, "label:has([name=identifier])"))
	require.Equal(t, "登录", consoletest.Text(t, tab, "[data-test=auth-submit-password]"))
	tab.Screenshot(t, "sign-in-zh")
	require.Empty(t, tab.JSErrors())
}

// flowOf is the flow ID in the tab's address.
func flowOf(t *testing.T, tab *browsertest.Tab) string {
	t.Helper()
	return browsertest.Get(t, tab, chromedp.Evaluate[string](`new URLSearchParams(location.search).get("flow")`))
}

// client is a browser without a browser: it keeps cookies and follows redirects.
func client(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar}
}

// fetch GETs u with c in English and returns the final URL, status and body.
func fetch(t *testing.T, c *http.Client, u string) (*url.URL, int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Language", "en")
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.Request.URL, resp.StatusCode, string(body)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// Kratos's UI URLs in the shipped configuration are console pages: each self-service flow
// renders its form, a flow of another browser is refused with a way to start again, a flow
// Kratos forgot starts again, and an error Kratos sends the browser to is explained.
func TestKratosUIURLsAreConsolePages(t *testing.T) {
	t.Parallel()
	b := consoletest.SetupKratos(t)
	b.Member(t, b.Brand(t, "lotus-tea", "莲花茶饮"), "owner@lotus.example", access.RoleOwner)
	for kind, field := range map[string]string{"login": "identifier", "registration": "traits.email", "recovery": "email", "verification": "email"} {
		at, status, body := fetch(t, client(t), b.URL+"/console/auth/"+kind)
		require.Equal(t, http.StatusOK, status, "%s: %s", kind, body)
		require.Equal(t, "/console/auth/"+kind, at.Path, kind)
		require.NotEmpty(t, at.Query().Get("flow"), "%s: Kratos started a flow and sent the browser back with it", kind)
		require.Contains(t, body, `action="`+b.Kratos.URL()+"/self-service/"+kind+"?flow="+at.Query().Get("flow")+`"`, kind)
		require.Contains(t, body, `name="`+field+`"`, kind)
		require.Regexp(t, csrfField, body, "%s carries Kratos's anti-CSRF token", kind)
	}

	// Settings need a session: without one the browser signs in first.
	at, _, _ := fetch(t, client(t), b.URL+"/console/auth/settings")
	require.Equal(t, "/console/auth/login", at.Path)
	signedIn := client(t)
	u, err := url.Parse(b.Kratos.URL())
	require.NoError(t, err)
	signedIn.Jar.SetCookies(u, []*http.Cookie{{Name: b.Kratos.CookieName(), Value: b.Kratos.AddSession(kratostest.Valid("owner@lotus.example")), Path: "/"}})
	at, status, body := fetch(t, signedIn, b.URL+"/console/auth/settings")
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "/console/auth/settings", at.Path)
	require.Contains(t, body, `value="owner@lotus.example"`)

	// A flow is its browser's: another browser's copy of the link is refused, not looped.
	mine := client(t)
	at, _, body = fetch(t, mine, b.URL+"/console/auth/login")
	_, status, body2 := fetch(t, client(t), at.String())
	require.Equal(t, http.StatusForbidden, status)
	require.Contains(t, body2, "This page belongs to another browser or is no longer valid. Start again.")
	require.Contains(t, body2, `data-test="auth-again"`)

	// A form posted to Kratos from another browser ends on the error page, explained.
	token := csrfField.FindStringSubmatch(body)[1]
	other := client(t)
	fetch(t, other, b.URL+"/console/auth/login") // it has an anti-CSRF cookie of its own
	resp, err := other.PostForm(b.Kratos.URL()+"/self-service/login?flow="+at.Query().Get("flow"),
		url.Values{"csrf_token": {token}, "method": {"password"}, "identifier": {"owner@lotus.example"}, "password": {"x"}})
	require.NoError(t, err)
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, "/console/auth/error", resp.Request.URL.Path)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, string(raw), "请求被拒绝", "in the browser's language (none given: Chinese)")

	// A flow Kratos does not know starts again; an error it does not know is not found.
	at, status, _ = fetch(t, client(t), b.URL+"/console/auth/login?flow=00000000-0000-4000-8000-000000000000")
	require.Equal(t, http.StatusOK, status)
	require.NotEqual(t, "00000000-0000-4000-8000-000000000000", at.Query().Get("flow"))
	_, status, _ = fetch(t, client(t), b.URL+"/console/auth/error?id=00000000-0000-4000-8000-000000000000")
	require.Equal(t, http.StatusNotFound, status)
}
