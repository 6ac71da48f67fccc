package console_test

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
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

const platformKey = "egp_console_test"

type testBundle struct {
	url     string
	app     *wire.App
	browser *browsertest.Browser
}

// setup starts Engage, API and console, on a fresh database, and a headless browser.
func setup(t *testing.T) *testBundle { return setupWith(t, func(*wire.Config) {}) }

// setupWith is setup with the wiring adjusted, e.g. to point at providers' stand-ins.
func setupWith(t *testing.T, adjust func(*wire.Config)) *testBundle {
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
	srv := httptest.NewServer(web.Handler(a, web.Options{PlatformKey: platformKey,
		APILimits: ratelimit.DefaultAPILimits, SignInLimits: ratelimit.DefaultSignInLimits}))
	t.Cleanup(srv.Close)
	return &testBundle{url: srv.URL, app: a, browser: browsertest.New(t)}
}

// setupOwner is setup with the brand lotus-tea and its owner owner@lotus.example signed in.
func setupOwner(t *testing.T) (*testBundle, tenants.Tenant, *browsertest.Tab) {
	t.Helper()
	b := setup(t)
	tn := b.brand(t, "lotus-tea", "莲花茶饮")
	b.member(t, tn, "owner@lotus.example", access.RoleOwner)
	return b, tn, b.signIn(t, "owner@lotus.example")
}

// brand onboards a brand.
func (b *testBundle) brand(t *testing.T, slug, name string) tenants.Tenant {
	t.Helper()
	tn, err := b.app.Tenancy.Create(context.Background(), tenants.Draft{Slug: slug, Name: name})
	require.NoError(t, err)
	return tn
}

// member makes email a member of tn with roles.
func (b *testBundle) member(t *testing.T, tn tenants.Tenant, email string, roles ...access.Role) {
	t.Helper()
	_, err := b.app.Access.AddAdmin(context.Background(), tn.ID, email, "", roles)
	require.NoError(t, err)
}

// link is a one-time sign-in URL for email.
func (b *testBundle) link(t *testing.T, email string) string {
	t.Helper()
	token, err := b.app.SignIn.IssueLink(context.Background(), email)
	require.NoError(t, err)
	return b.url + "/console/login?token=" + token
}

// signIn opens a fresh browser context signed in as email.
func (b *testBundle) signIn(t *testing.T, email string) *browsertest.Tab {
	t.Helper()
	tab := b.browser.Incognito(t)
	tab.Run(t, chromedp.Navigate(b.link(t, email)), chromedp.WaitVisible(chromedp.CSS("[data-test=current-brand]")))
	return tab
}

// text waits for the first element matching css to show some text and returns it, read in one
// script run so that a page still settling cannot pull the node away mid-read.
func text(t *testing.T, tab *browsertest.Tab, css string) string {
	t.Helper()
	quoted, err := json.Marshal(css)
	require.NoError(t, err)
	return strings.TrimSpace(browsertest.Get(t, tab, chromedp.Poll[string](`(() => { const e = document.querySelector(`+string(quoted)+`); return e ? e.innerText : null })()`)))
}

// html is the page's whole markup.
func html(t *testing.T, tab *browsertest.Tab) string {
	t.Helper()
	return browsertest.Get(t, tab, chromedp.Evaluate[string]("document.documentElement.outerHTML"))
}

// acceptConfirms makes the page's confirm dialogs answer yes.
func acceptConfirms(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	browsertest.Get(t, tab, chromedp.Evaluate[bool]("window.confirm = () => true; true"))
}

// waitFor polls until the JavaScript expression is true and htmx has finished swapping and
// settling, so that elements it just swapped in have their behaviour attached.
func waitFor(t *testing.T, tab *browsertest.Tab, expr string) {
	t.Helper()
	browsertest.Get(t, tab, chromedp.Poll[bool]("("+expr+") && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"))
}

// quiet waits until no htmx request, swap or settle is under way: the sections a page loads
// after it move what is below them, and a click at a moving button misses.
func quiet(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	waitFor(t, tab, "true")
}

// settle waits until the JavaScript expression is true across a page load: a click that
// navigates destroys the page a plain wait would be watching, so errors while the next page
// loads are retried. It also waits for the sections the page loads with htmx, which move what
// is below them: a click at a moving button misses.
func settle(t *testing.T, tab *browsertest.Tab, expr string) {
	t.Helper()
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(tab.Ctx, 2*time.Second)
		defer cancel()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added") && (`+expr+`)`))
		return err == nil && ok
	}, 15*time.Second, 50*time.Millisecond, "the page never showed %s", expr)
}

// location is the tab's current path and query.
func location(t *testing.T, tab *browsertest.Tab) string {
	t.Helper()
	return browsertest.Get(t, tab, chromedp.Evaluate[string]("location.pathname + location.search"))
}

func noJSErrors(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	require.Empty(t, tab.JSErrors())
}

// get fetches path with a cookie header, outside the browser.
func (b *testBundle) get(t *testing.T, path, cookie string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.url+path, nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", cookie)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	require.NoError(t, err)
	return resp
}

// sessionCookie signs email in outside the browser and returns the Cookie header to send.
func (b *testBundle) sessionCookie(t *testing.T, email string) string {
	t.Helper()
	resp := b.get(t, strings.TrimPrefix(b.link(t, email), b.url), "")
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

func pageOf(n int) ports.Page { return ports.Page{Limit: n} }

func auditFilter(action string) ports.AuditFilter { return ports.AuditFilter{Action: action} }

func portsQuery(search string) ports.CustomerQuery { return ports.CustomerQuery{Search: search} }

// noNetworkErrorsBut422 allows the browser's log of refused forms (422) and nothing else.
func noNetworkErrorsBut422(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	for _, e := range tab.JSErrors() {
		require.Contains(t, e, "status of 422 (Unprocessable Entity)")
	}
}
