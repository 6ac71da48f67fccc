package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/httpapi/apitest"
)

// /docs is the API reference with every asset served by the binary: it names no other host,
// and Chromium (which has no network here) shows every operation of the document.
func TestDocsWorkOfflineFromTheBinary(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	page := b.Do(t, http.MethodGet, "/docs", "", nil)
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Header.Get("Content-Type"), "text/html")
	require.Contains(t, page.Header.Get("Content-Security-Policy"), "script-src 'self';")
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(page.Raw), -1)
	require.NotEmpty(t, refs)
	for _, ref := range refs {
		require.Truef(t, strings.HasPrefix(ref[1], "/docs/assets/"), "%s is served by the binary", ref[1])
		asset := b.Do(t, http.MethodGet, ref[1], "", nil)
		require.Equalf(t, http.StatusOK, asset.Status, "%s", ref[1])
	}
	js := b.Do(t, http.MethodGet, "/docs/assets/swagger-ui-bundle.js", "", nil)
	require.Contains(t, js.Header.Get("Content-Type"), "javascript")

	tab := browsertest.New(t).Tab(t)
	tab.Run(t, chromedp.Navigate(b.URL+"/docs"), chromedp.WaitVisible(chromedp.CSS(".opblock-summary-path")))
	ops := browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll(".opblock").length`))
	require.Greater(t, ops, 100, "every operation of the document is shown")
	title := browsertest.Get(t, tab, chromedp.Text(chromedp.CSS(".info .title")))
	require.Contains(t, title, "Engage API")
	tab.Screenshot(t, "docs")
}
