package console_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/domain/access"
)

// errorPage reads the error page's status, title, message and home link.
const errorPage = `(() => { const p = document.querySelector("[data-test=error-page]"); return p ? [p.dataset.status, p.querySelector("h1").innerText,
  p.querySelector("[data-test=error]").innerText, p.querySelector("[data-test=home]").getAttribute("href")] : null })()`

// A page that does not exist answers 404 in the reader's language, inside the console's layout
// for a signed-in admin (and the platform's for the operator), on its own page otherwise, with
// a link home.
func TestNotFoundPagesInBothLanguages(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	lotus := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, lotus, "owner@lotus.example", access.RoleOwner)
	admin := b.SignIn(t, "owner@lotus.example")
	want := map[string][]string{
		"zh-CN": {"404", "页面不存在", "你要找的页面不存在，可能已被删除，或链接有误。"},
		"en":    {"404", "Page not found", "The page you are looking for does not exist: it may have been deleted, or the link is wrong."},
	}
	platform, err := url.Parse(b.URL + "/console/platform/no-such-page")
	require.NoError(t, err)
	platform.User = url.UserPassword("operator", consoletest.PlatformKey)
	for lang, w := range want {
		admin.Run(t, browsertest.SetCookie("engage_lang", lang, b.URL), chromedp.Navigate(b.URL+"/console/no-such-page"),
			chromedp.WaitVisible(chromedp.CSS("[data-test=error-page]")))
		require.Equal(t, append(w, "/console/"), browsertest.Get(t, admin, chromedp.Evaluate[[]string](errorPage)))
		require.Equal(t, "莲花茶饮", consoletest.Text(t, admin, "[data-test=current-brand]"), "inside the layout")
		require.Equal(t, lang, browsertest.Get(t, admin, chromedp.Evaluate[string]("document.documentElement.lang")))
		admin.Screenshot(t, "404-signed-in-"+lang)

		visitor := b.Browser.Incognito(t)
		visitor.Run(t, browsertest.SetCookie("engage_lang", lang, b.URL), chromedp.Navigate(b.URL+"/console/no-such-page"),
			chromedp.WaitVisible(chromedp.CSS("[data-test=error-page]")))
		require.Equal(t, append(w, "/console/"), browsertest.Get(t, visitor, chromedp.Evaluate[[]string](errorPage)))
		require.Zero(t, browsertest.Get(t, visitor, chromedp.Evaluate[int](`document.querySelectorAll(".sidebar, [data-test=current-brand]").length`)))
		visitor.Screenshot(t, "404-signed-out-"+lang)

		operator := b.Browser.Incognito(t)
		operator.Run(t, browsertest.SetCookie("engage_lang", lang, b.URL), chromedp.Navigate(platform.String()),
			chromedp.WaitVisible(chromedp.CSS("[data-test=error-page]")))
		require.Equal(t, append(w, "/console/platform/"), browsertest.Get(t, operator, chromedp.Evaluate[[]string](errorPage)))
		require.Equal(t, 1, browsertest.Get(t, operator, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=jobs-link]").length`)),
			"inside the platform's layout")
		operator.Screenshot(t, "404-platform-"+lang)
		for _, e := range visitor.JSErrors() {
			require.Contains(t, e, "/console/no-such-page", "the page's own 404 only: its icon and styles load")
		}
	}
	// Without a cookie, the browser's language decides.
	req, err := http.NewRequest(http.MethodGet, b.URL+"/console/no-such-page", nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Contains(t, string(body), "页面不存在")
}

// A failure on the server shows a generic message and the request ID to quote, inside the
// layout, in the admin's language: never the Go error.
func TestServerErrorPageShowsTheRequestIDNotTheError(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	lotus := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, lotus, "owner@lotus.example", access.RoleOwner)
	admin := b.SignIn(t, "owner@lotus.example")
	// The team page reads invitations: without their table it fails.
	_, err := b.PG.SuperConn(t).Exec(context.Background(), "ALTER TABLE invitations RENAME TO invitations_gone")
	require.NoError(t, err)
	for lang, want := range map[string][]string{
		"zh-CN": {"500", "服务器出错了", "服务器出错了，请稍后再试。如果问题一直存在，请把下面的请求编号告诉客服。", "/console/"},
		"en": {"500", "Something went wrong", "Something went wrong on our side. Try again in a moment; if it keeps happening, quote the request ID below to support.",
			"/console/"},
	} {
		admin.Run(t, browsertest.SetCookie("engage_lang", lang, b.URL), chromedp.Navigate(b.URL+"/console/team"),
			chromedp.WaitVisible(chromedp.CSS("[data-test=error-page]")))
		require.Equal(t, want, browsertest.Get(t, admin, chromedp.Evaluate[[]string](errorPage)))
		require.Regexp(t, `^[0-9a-zA-Z-]{8,}$`, consoletest.Text(t, admin, "[data-test=request-id]"))
		page := consoletest.HTML(t, admin)
		for _, leak := range []string{"invitations", "relation", "SQLSTATE", "ERROR"} {
			require.NotContains(t, strings.ReplaceAll(page, "/console/team/invitations", ""), leak)
		}
		require.Equal(t, "莲花茶饮", consoletest.Text(t, admin, "[data-test=current-brand]"), "inside the layout")
		admin.Screenshot(t, "500-"+lang)
	}
}

// The icon: an SVG from the embedded assets, linked from every layout, and /favicon.ico, which
// browsers ask for on their own, answered rather than 404.
func TestFaviconIsServed(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	get := func(path string) (*http.Response, []byte) {
		resp, err := http.Get(b.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, body
	}
	resp, ico := get("/favicon.ico")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, []string{"image/x-icon", "image/vnd.microsoft.icon"}, resp.Header.Get("Content-Type"))
	require.Equal(t, []byte{0, 0, 1, 0}, ico[:4], "an ICO file")
	resp, svg := get("/console/assets/favicon.svg")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "image/svg+xml", resp.Header.Get("Content-Type"))
	require.Contains(t, string(svg), "<svg")

	lotus := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, lotus, "owner@lotus.example", access.RoleOwner)
	admin := b.SignIn(t, "owner@lotus.example")
	icons := `Array.from(document.querySelectorAll("link[rel=icon]"), l => l.getAttribute("href"))`
	require.ElementsMatch(t, []string{"/favicon.ico", "/console/assets/favicon.svg"}, browsertest.Get(t, admin, chromedp.Evaluate[[]string](icons)))
	visitor := b.Browser.Incognito(t)
	visitor.Run(t, chromedp.Navigate(b.URL+"/console/login"), chromedp.WaitVisible(chromedp.CSS("h1")))
	require.ElementsMatch(t, []string{"/favicon.ico", "/console/assets/favicon.svg"}, browsertest.Get(t, visitor, chromedp.Evaluate[[]string](icons)),
		"the sign-in page links it too")
	consoletest.NoJSErrors(t, admin)
	consoletest.NoJSErrors(t, visitor)
}
