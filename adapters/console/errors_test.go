package console_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// broken is page data whose template fails as it runs.
type broken struct{ *console.View }

// Fail is what the broken page calls.
func (broken) Fail() (string, error) {
	return "", errors.New("dial tcp: lookup api.weixin.qq.com on 10.0.0.2:53: no such host")
}

// What goes wrong behind a page (a handler's error, its panic, a template that fails as it
// runs) answers 500 with the console's own message in the admin's language and the request ID
// to quote: never the Go error, the address in it, or a word of English in the Chinese page.
func TestWhatGoesWrongIsAnsweredInTheAdminsLanguageWithTheRequestID(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("console errors test"), Workers: 1, NoPeriodicJobs: true}, pg.OpenApp(t))
	require.NoError(t, err)
	goErr := errors.New("sql: connection refused by 10.0.0.3:5432")
	probe := console.Module{
		Name:      "probe",
		Templates: fstest.MapFS{"broken.html": {Data: []byte(`{{define "title"}}x{{end}}{{define "content"}}<p>{{.Fail}}</p>{{end}}`)}},
		Routes: []console.Route{
			console.Get("/probe/error", console.AnyAdmin, func(w http.ResponseWriter, r *http.Request) { console.Internal(w, r, goErr) }),
			console.Get("/probe/panic", console.AnyAdmin, func(http.ResponseWriter, *http.Request) { panic(goErr) }),
			console.Get("/probe/broken", console.AnyAdmin, func(w http.ResponseWriter, r *http.Request) {
				console.Render(w, r, "broken", broken{console.ViewOf(r)})
			}),
		},
	}
	srv := httptest.NewServer(console.New(console.Deps{Tenants: a.Tenants, Access: a.Access, Authorizer: a.Authorizer,
		Identity: a.Identity, SignIn: a.SignIn, CSRFKey: []byte("errors test"), Modules: []console.Module{probe}}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	tn, err := a.Tenancy.Create(ctx, tenants.Draft{Slug: "lotus-tea", Name: "莲花茶饮"})
	require.NoError(t, err)
	_, err = a.Access.AddAdmin(ctx, tn.ID, "owner@lotus.example", "", []access.Role{access.RoleOwner})
	require.NoError(t, err)
	token, err := a.SignIn.IssueLink(ctx, "owner@lotus.example")
	require.NoError(t, err)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.URL + "/console/login?token=" + token)
	require.NoError(t, err)
	resp.Body.Close()
	var cookie string
	for _, c := range resp.Cookies() {
		if c.Name == "engage_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	require.NotEmpty(t, cookie)

	for _, path := range []string{"/console/probe/error", "/console/probe/panic", "/console/probe/broken"} {
		for _, htmx := range []bool{false, true} {
			req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			require.NoError(t, err)
			req.Header.Set("Cookie", cookie)
			req.Header.Set("Accept-Language", "zh-CN")
			req.Header.Set("X-Request-ID", "req-7f3a9c21")
			if htmx {
				req.Header.Set("HX-Request", "true")
			}
			resp, err := client.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			require.Equal(t, http.StatusInternalServerError, resp.StatusCode, path)
			require.Contains(t, string(body), "服务器出错了", path)
			require.Contains(t, string(body), "req-7f3a9c21", path)
			for _, leak := range []string{"sql:", "no such host", "10.0.0.", "dial tcp", "panic", "template", "Internal Server Error"} {
				require.NotContains(t, string(body), leak, path)
			}
		}
	}
}
