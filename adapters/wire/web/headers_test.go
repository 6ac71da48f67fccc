package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/tenants"
)

// Every answer says nosniff; production adds HSTS, development (plain http on localhost) not.
func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	t.Parallel()
	for _, production := range []bool{false, true} {
		pg := pgtest.New(t)
		a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
			SignInKey: []byte("headers test"), NoPeriodicJobs: true, Production: production}, pg.OpenApp(t))
		require.NoError(t, err)
		_, err = a.Tenancy.Create(t.Context(), tenants.Draft{Slug: "lotus-tea", Name: "莲花茶饮"})
		require.NoError(t, err)
		jobs := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("river")) })
		srv := httptest.NewServer(web.Handler(a, web.Options{PlatformKey: "egp_headers_test", Jobs: jobs}))
		t.Cleanup(srv.Close)
		for _, path := range []string{"/openapi.json", "/openapi.yaml", "/t/lotus-tea/openapi.json", "/t/nobody/openapi.json",
			"/docs", "/healthz", "/readyz", "/v1/tenant", "/console/login", "/console/assets/console.css", "/platform/jobs/",
			"/nowhere"} {
			resp, err := http.Get(srv.URL + path)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equalf(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), "%s (%d)", path, resp.StatusCode)
			if production {
				require.Equalf(t, "max-age=63072000; includeSubDomains", resp.Header.Get("Strict-Transport-Security"), "%s", path)
			} else {
				require.Emptyf(t, resp.Header.Get("Strict-Transport-Security"), "%s: no HSTS for development's plain http", path)
			}
		}
		// Without ServeMetrics (production's way), /metrics is not on this handler.
		resp, err := http.Get(srv.URL + "/metrics")
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode)
	}
}
