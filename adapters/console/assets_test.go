package console_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console"
)

// The console's assets are served as files, with their types; a directory is not listed.
func TestAssetsAreFilesAndDirectoriesAreNotListed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(console.New(console.Deps{Modules: modules()}))
	t.Cleanup(srv.Close)
	for path, want := range map[string]int{
		"/console/assets/console.css":           http.StatusOK,
		"/console/assets/vendor/htmx.min.js":    http.StatusOK,
		"/console/assets/":                      http.StatusNotFound,
		"/console/assets/vendor/":               http.StatusNotFound,
		"/console/assets/vendor":                http.StatusNotFound,
		"/console/assets/vendor/../":            http.StatusNotFound,
		"/console/assets/nothing-here.js":       http.StatusNotFound,
		"/console/assets/vendor/index.html":     http.StatusNotFound,
		"/console/assets/vendor/echarts.min.js": http.StatusOK,
	} {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equalf(t, want, resp.StatusCode, "%s", path)
		require.Equalf(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), "%s", path)
	}
}
