package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi"
)

// River's UI answers everything with a strict policy, and takes a change only from its own
// pages (the browser says same-origin), or from what no form can send: JSON with an Origin
// of ours, or JSON with a bearer credential.
func TestTheJobUITakesChangesOnlyFromItsOwnPagesOrJSONThatNoFormSends(t *testing.T) {
	t.Parallel()
	const key, public = "egp_jobs_test", "https://engage.example.com"
	reached := 0
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{PlatformKey: key, PublicURL: public,
		Jobs: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++; w.WriteHeader(http.StatusOK) })}))
	t.Cleanup(srv.Close)

	for _, tc := range []struct {
		name                              string
		method, contentType, site, origin string
		bearer                            bool
		want                              int
	}{
		{"its own page's fetch, text/plain", http.MethodPost, "text/plain;charset=UTF-8", "same-origin", srv.URL, false, http.StatusOK},
		{"its own page's bodyless PUT", http.MethodPut, "", "same-origin", srv.URL, false, http.StatusOK},
		{"a cross-site form", http.MethodPost, "text/plain", "cross-site", "https://evil.example", false, http.StatusForbidden},
		{"a same-site form", http.MethodPost, "application/x-www-form-urlencoded", "same-site", "https://jobs.engage.example.com", false, http.StatusForbidden},
		{"a cross-site fetch claiming JSON", http.MethodPost, "application/json", "cross-site", "https://evil.example", false, http.StatusForbidden},
		{"another Origin without fetch metadata", http.MethodPost, "application/json", "", "https://evil.example", false, http.StatusForbidden},
		{"no Origin, no fetch metadata, text/plain", http.MethodPost, "text/plain", "", "", false, http.StatusForbidden},
		{"no Origin, no fetch metadata, JSON with basic credentials", http.MethodPost, "application/json", "", "", false, http.StatusForbidden},
		{"a user-typed navigation posting a form", http.MethodPost, "multipart/form-data; boundary=x", "none", "", false, http.StatusForbidden},
		{"our public Origin, JSON", http.MethodPost, "application/json", "", public, false, http.StatusOK},
		{"our public Origin, a form", http.MethodPost, "application/x-www-form-urlencoded", "", public, false, http.StatusForbidden},
		{"a script with the bearer key, JSON", http.MethodPost, "application/json; charset=utf-8", "", "", true, http.StatusOK},
		{"a script with the bearer key, text/plain", http.MethodPost, "text/plain", "", "", true, http.StatusForbidden},
		{"a cross-site read", http.MethodGet, "", "cross-site", "", false, http.StatusOK},
	} {
		before := reached
		req, err := http.NewRequest(tc.method, srv.URL+"/platform/jobs/api/jobs/delete", strings.NewReader(`{"ids":["1"]}`))
		require.NoError(t, err)
		if tc.bearer {
			req.Header.Set("Authorization", "Bearer "+key)
		} else {
			req.SetBasicAuth("operator", key)
		}
		for h, v := range map[string]string{"Content-Type": tc.contentType, "Sec-Fetch-Site": tc.site, "Origin": tc.origin} {
			if v != "" {
				req.Header.Set(h, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, tc.want, resp.StatusCode, tc.name)
		require.Equal(t, tc.want == http.StatusOK, reached > before, "%s: reached River", tc.name)
		require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'", tc.name)
		require.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'", tc.name)
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), tc.name)
	}
}
