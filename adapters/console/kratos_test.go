package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/kratos/kratostest"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// With Kratos, the console sends browsers to Kratos's login flow and accepts its session cookie.
func TestKratosSignInRedirectsAndItsSessionOpensTheConsole(t *testing.T) {
	t.Parallel()
	kratos := kratostest.New(t)
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		KratosURL: kratos.URL(), Workers: 1, NoPeriodicJobs: true}, db)
	require.NoError(t, err)
	srv := httptest.NewServer(web.Handler(a, web.Options{PlatformKey: consoletest.PlatformKey, KratosBrowserURL: "https://auth.brand.example",
		PublicURL: "https://engage.brand.example", APILimits: ratelimit.DefaultAPILimits, SignInLimits: ratelimit.DefaultSignInLimits}))
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, err := client.Get(srv.URL + "/console/team")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, err = client.Get(srv.URL + resp.Header.Get("Location"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "https://auth.brand.example/self-service/login/browser?return_to="+url.QueryEscape("https://engage.brand.example/console/team"),
		resp.Header.Get("Location"), "Kratos takes absolute return URLs only")

	tn, err := a.Tenancy.Create(context.Background(), tenants.Draft{Slug: "lotus-tea", Name: "莲花茶饮"})
	require.NoError(t, err)
	_, err = a.Access.Invite(context.Background(), tn.ID, nil, "owner@lotus.example", []access.Role{access.RoleOwner})
	require.NoError(t, err)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/console/team", nil)
	req.Header.Set("Cookie", kratos.Cookie(kratos.AddSession(kratostest.Valid("owner@lotus.example"))))
	resp, err = client.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the invitation was accepted at first sign-in: %s", body)
	require.True(t, strings.Contains(string(body), "owner@lotus.example"))
}
