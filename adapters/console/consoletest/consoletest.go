// Package consoletest starts Engage (API and console) on a fresh database with a headless
// browser, for the tests of the console kit and of every module's pages, and holds the small
// waits and reads those tests share.
package consoletest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/kratos/kratostest"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// PlatformKey is the platform operator's key of every bundle.
const PlatformKey = "egp_console_test"

// Bundle is a running Engage and a browser to drive its console.
type Bundle struct {
	// URL is the server's base URL.
	URL string
	// App is the wiring behind it, for arranging data and checking what pages did; PG is its
	// database.
	App *wire.App
	PG  *pgtest.Database
	// Browser is a headless Chromium whose tabs the test signs in.
	Browser *browsertest.Browser
	// Kratos is the stand-in admins sign in with, and WeChat the stand-in customers log in
	// with, for a bundle from SetupKratos; nil otherwise.
	Kratos *kratostest.Server
	WeChat *wechattest.Server
}

// Setup starts Engage, API and console, on a fresh database, and a headless browser.
func Setup(t *testing.T) *Bundle { return SetupWith(t, func(*wire.Config) {}) }

// SetupWith is Setup with the wiring adjusted, e.g. to point at providers' stand-ins.
func SetupWith(t *testing.T, adjust func(*wire.Config)) *Bundle {
	t.Helper()
	return setup(t, adjust, nil, func(*wire.App, *web.Options) {}, nil)
}

// SetupKratos is Setup as production runs: ENGAGE_ENV=production (no local sign-in links,
// Secure cookies) with admins signing in through a stand-in Kratos configured as Engage ships
// it (deploy/kratos/kratos.yml: its cookie name, its UI URLs on this console), customers
// logging in through a stand-in WeChat that knows the Mini Program Furnish configures, and
// River's job UI served to the platform operator.
func SetupKratos(t *testing.T) *Bundle {
	t.Helper()
	return SetupKratosWith(t, nil)
}

// SetupKratosWith is SetupKratos with wrap (when not nil) around the whole HTTP surface, to
// watch what reaches it.
func SetupKratosWith(t *testing.T, wrap func(http.Handler) http.Handler) *Bundle {
	t.Helper()
	kratos, wx := kratostest.New(t), wechattest.New(t)
	wx.AddApp(miniApp, miniSecret)
	b := setup(t, func(c *wire.Config) {
		c.Production, c.SignInKey, c.KratosURL, c.WeChatAPI = true, nil, kratos.URL(), wx.URL()
	}, kratos, func(a *wire.App, o *web.Options) {
		ui, err := web.JobsUI(t.Context(), a)
		require.NoError(t, err)
		o.KratosBrowserURL, o.Jobs = kratos.URL(), ui
	}, wrap)
	kratos.ServeConsoleAt(b.URL)
	b.WeChat = wx
	return b
}

// setup starts Engage on a fresh database with the wiring and HTTP options adjusted.
func setup(t *testing.T, adjust func(*wire.Config), kratos *kratostest.Server, options func(*wire.App, *web.Options),
	wrap func(http.Handler) http.Handler) *Bundle {
	t.Helper()
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	cfg := wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("console test"), Workers: 1, NoPeriodicJobs: true}
	adjust(&cfg)
	a, err := wire.New(cfg, db)
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	listening := make(chan struct{})
	go a.Listener.Run(ctx, func() { close(listening) })
	<-listening
	// The public URL is the server's own, known once it listens and before it serves.
	srv := httptest.NewUnstartedServer(nil)
	publicURL := "http://" + srv.Listener.Addr().String()
	o := web.Options{PlatformKey: PlatformKey, APILimits: ratelimit.DefaultAPILimits, SignInLimits: ratelimit.DefaultSignInLimits,
		PublicURL: publicURL}
	options(a, &o)
	var h http.Handler = web.Handler(a, o)
	if wrap != nil {
		h = wrap(h)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return &Bundle{URL: srv.URL, App: a, PG: pg, Browser: browsertest.New(t), Kratos: kratos}
}

// SetupOwner is Setup with the brand lotus-tea and its owner owner@lotus.example signed in.
func SetupOwner(t *testing.T) (*Bundle, tenants.Tenant, *browsertest.Tab) {
	t.Helper()
	b := Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	return b, tn, b.SignIn(t, "owner@lotus.example")
}

// Brand onboards a brand.
func (b *Bundle) Brand(t *testing.T, slug, name string) tenants.Tenant {
	t.Helper()
	tn, err := b.App.Tenancy.Create(context.Background(), tenants.Draft{Slug: slug, Name: name})
	require.NoError(t, err)
	return tn
}

// Member makes email a member of tn with roles; with Kratos (SetupKratos), by an invitation
// that the admin's first signed-in request accepts, as production does.
func (b *Bundle) Member(t *testing.T, tn tenants.Tenant, email string, roles ...access.Role) {
	t.Helper()
	var err error
	if b.Kratos != nil {
		_, err = b.App.Access.Invite(context.Background(), tn.ID, nil, email, roles)
	} else {
		_, err = b.App.Access.AddAdmin(context.Background(), tn.ID, email, "", roles)
	}
	require.NoError(t, err)
}

// Link is a one-time sign-in URL for email.
func (b *Bundle) Link(t *testing.T, email string) string {
	t.Helper()
	token, err := b.App.SignIn.IssueLink(context.Background(), email)
	require.NoError(t, err)
	return b.URL + "/console/login?token=" + token
}

// SignIn opens a fresh browser context signed in as email: with a Kratos session cookie for a
// bundle from SetupKratos, else with a one-time link.
func (b *Bundle) SignIn(t *testing.T, email string) *browsertest.Tab {
	t.Helper()
	tab := b.Browser.Incognito(t)
	if b.Kratos != nil {
		token := b.Kratos.AddSession(kratostest.Valid(email))
		tab.Run(t, browsertest.SetCookie(b.Kratos.CookieName(), token, b.Kratos.URL()), chromedp.Navigate(b.URL+"/console/"),
			chromedp.WaitVisible(chromedp.CSS("[data-test=current-brand]")))
		return tab
	}
	tab.Run(t, chromedp.Navigate(b.Link(t, email)), chromedp.WaitVisible(chromedp.CSS("[data-test=current-brand]")))
	return tab
}

// Get fetches path with a cookie header, outside the browser, without following redirects.
func (b *Bundle) Get(t *testing.T, path, cookie string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", cookie)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	require.NoError(t, err)
	return resp
}

// SessionCookie signs email in outside the browser and returns the Cookie header to send:
// through Kratos for a bundle from SetupKratos, else with a one-time link.
func (b *Bundle) SessionCookie(t *testing.T, email string) string {
	t.Helper()
	if b.Kratos != nil {
		return b.Kratos.Cookie(b.Kratos.AddSession(kratostest.Valid(email)))
	}
	resp := b.Get(t, strings.TrimPrefix(b.Link(t, email), b.URL), "")
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	for _, c := range resp.Cookies() {
		if c.Name == "engage_session" {
			return c.Name + "=" + c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// Text waits for the first element matching css to show some text and returns it, read in one
// script run so that a page still settling cannot pull the node away mid-read.
func Text(t *testing.T, tab *browsertest.Tab, css string) string {
	t.Helper()
	quoted, err := json.Marshal(css)
	require.NoError(t, err)
	return strings.TrimSpace(browsertest.Get(t, tab, chromedp.Poll[string](`(() => { const e = document.querySelector(`+string(quoted)+`); return e ? e.innerText : null })()`)))
}

// HTML is the page's whole markup.
func HTML(t *testing.T, tab *browsertest.Tab) string {
	t.Helper()
	return browsertest.Get(t, tab, chromedp.Evaluate[string]("document.documentElement.outerHTML"))
}

// AcceptConfirms makes the page's confirm dialogs answer yes.
func AcceptConfirms(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	browsertest.Get(t, tab, chromedp.Evaluate[bool]("window.confirm = () => true; true"))
}

// WaitFor polls until the JavaScript expression is true and htmx has finished swapping and
// settling, so that elements it just swapped in have their behaviour attached.
func WaitFor(t *testing.T, tab *browsertest.Tab, expr string) {
	t.Helper()
	browsertest.Get(t, tab, chromedp.Poll[bool]("("+expr+") && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"))
}

// Quiet waits until no htmx request, swap or settle is under way: the sections a page loads
// after it move what is below them, and a click at a moving button misses.
func Quiet(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	WaitFor(t, tab, "true")
}

// Settle waits until the JavaScript expression is true across a page load: a click that
// navigates destroys the page a plain wait would be watching, so errors while the next page
// loads are retried. It also waits for the sections the page loads with htmx, which move what
// is below them: a click at a moving button misses.
func Settle(t *testing.T, tab *browsertest.Tab, expr string) {
	t.Helper()
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(tab.Ctx, 2*time.Second)
		defer cancel()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added") && (`+expr+`)`))
		return err == nil && ok
	}, 15*time.Second, 50*time.Millisecond, "the page never showed %s", expr)
}

// Location is the tab's current path and query.
func Location(t *testing.T, tab *browsertest.Tab) string {
	t.Helper()
	return browsertest.Get(t, tab, chromedp.Evaluate[string]("location.pathname + location.search"))
}

// NoJSErrors fails the test if the page logged any error.
func NoJSErrors(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	require.Empty(t, tab.JSErrors())
}

// NoNetworkErrorsBut422 allows the browser's log of refused forms (422) and nothing else.
func NoNetworkErrorsBut422(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	for _, e := range tab.JSErrors() {
		require.Contains(t, e, "status of 422 (Unprocessable Entity)")
	}
}
