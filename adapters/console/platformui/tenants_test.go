package platformui_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/consoletest"
)

func TestPlatformOperatorsOnboardAndSuspendBrands(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	b.Brand(t, "lotus-tea", "莲花茶饮")
	do := func(method, path, key string, form url.Values) (int, string) {
		req, _ := http.NewRequest(method, b.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if key != "" {
			req.SetBasicAuth("operator", key)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	status, _ := do(http.MethodGet, "/console/platform/", "", nil)
	require.Equal(t, http.StatusUnauthorized, status)
	status, page := do(http.MethodGet, "/console/platform/", consoletest.PlatformKey, nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, page, `data-slug="lotus-tea"`)
	require.Contains(t, page, `href="/platform/jobs/"`)
	csrf := regexp.MustCompile(`name="_csrf" value="([0-9a-f]+)"`).FindStringSubmatch(page)[1]

	status, page = do(http.MethodPost, "/console/platform/tenants", consoletest.PlatformKey, url.Values{"_csrf": {csrf}, "slug": {"Bad Slug"}, "name": {"x"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, page, `data-test="error-slug"`)
	require.Contains(t, page, `value="Bad Slug"`)
	status, page = do(http.MethodPost, "/console/platform/tenants", consoletest.PlatformKey, url.Values{"_csrf": {csrf}, "slug": {"new-brand"}, "name": {"新品牌"},
		"timezone": {"Asia/Shanghai"}, "locale": {"zh-CN"}, "plan": {"trial"}})
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `data-slug="new-brand"`)
	status, _ = do(http.MethodPost, "/console/platform/tenants/new-brand/suspend", consoletest.PlatformKey, url.Values{})
	require.Equal(t, http.StatusForbidden, status, "no CSRF token, no change")
	status, page = do(http.MethodPost, "/console/platform/tenants/new-brand/suspend", consoletest.PlatformKey, url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusOK, status)
	got, err := b.App.Tenants.Lookup(context.Background(), "new-brand")
	require.NoError(t, err)
	require.False(t, got.Active())
	require.Contains(t, page, `data-test="tenant-status">`)
}
