package console_test

import (
	"context"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// modules are the console's modules as the binary wires them; their services stay nil, since
// these tests read what the modules declare and never call a handler.
func modules() []console.Module {
	return web.ConsoleModules(&wire.App{Modules: wire.Modules(), Kernel: module.NewKernel()})
}

// Every route of every module says who may call it: a permission, any admin, or the platform
// operator; so does every menu entry and every part.
func TestEveryModuleRouteDeclaresItsGate(t *testing.T) {
	t.Parallel()
	routes := 0
	for _, m := range modules() {
		for _, rt := range m.Routes {
			require.NotEqualf(t, console.Gate{}, rt.Gate, "%s: %s %s declares no gate", m.Name, rt.Method, rt.Pattern)
			routes++
		}
		for _, e := range m.Menu {
			require.NotEqualf(t, console.Gate{}, e.Gate, "%s: menu entry %s declares no gate", m.Name, e.Label)
		}
		for _, p := range m.Parts {
			require.NotEqualf(t, console.Gate{}, p.Gate, "%s: part of %s declares no gate", m.Name, p.Slot)
		}
	}
	require.Greater(t, routes, 70, "the modules were read")
	require.NotPanics(t, func() { console.New(console.Deps{Modules: modules()}) }, "the console takes them")
}

// The console refuses to be built with a route, menu entry or part that does not say who may
// use it, and with a message or a route that two modules define.
func TestTheConsoleRefusesUndeclaredGatesAndWhatIsDefinedTwice(t *testing.T) {
	t.Parallel()
	ok := func(http.ResponseWriter, *http.Request) {}
	for name, m := range map[string]console.Module{
		"route":          {Routes: []console.Route{console.Get("/probe", console.Gate{}, ok)}},
		"empty needs":    {Routes: []console.Route{console.Get("/probe", console.Needs(""), ok)}},
		"operator route": {Routes: []console.Route{console.Get("/probe", console.Operator, ok)}},
		"admin platform": {Routes: []console.Route{console.Get("/platform/probe", console.AnyAdmin, ok)}},
		"menu entry":     {Menu: []console.MenuEntry{{Label: "nav.dashboard", Path: "/console/probe"}}},
		"part":           {Parts: []console.Part{{Slot: "probe", Render: func(*http.Request) (template.HTML, error) { return "", nil }}}},
	} {
		require.Panicsf(t, func() { console.New(console.Deps{Modules: []console.Module{m}}) }, "a module with an undeclared %s", name)
	}
	own := console.Module{Name: "probe", Messages: console.Messages{"en": {"error.not_found": "Gone."}}}
	require.Panics(t, func() { console.New(console.Deps{Modules: []console.Module{own}}) }, "a message of the console's own")
	twice := console.Module{Name: "probe", Messages: console.Messages{"en": {"probe.title": "Probe"}}}
	require.Panics(t, func() { console.New(console.Deps{Modules: []console.Module{twice, twice}}) }, "a message of another module's")
	require.NotPanics(t, func() { console.New(console.Deps{Modules: []console.Module{twice}}) })
	route := console.Module{Name: "probe", Routes: []console.Route{console.Get("/probe", console.AnyAdmin, ok)}}
	require.Panics(t, func() { console.New(console.Deps{Modules: []console.Module{route, route}}) }, "a route of another module's")
	logout := console.Module{Name: "probe", Routes: []console.Route{console.Post("/logout", console.AnyAdmin, ok)}}
	require.Panics(t, func() { console.New(console.Deps{Modules: []console.Module{logout}}) }, "a route of the console's own")
}

// Every string of every module exists in both languages, and every key a module's template uses
// is the module's or the console's.
func TestEveryModuleStringIsTranslated(t *testing.T) {
	t.Parallel()
	used := regexp.MustCompile(`t \$?\.Lang "([a-z_.]+)"`)
	for _, m := range modules() {
		zh, en := m.Messages["zh-CN"], m.Messages["en"]
		require.NotEmpty(t, en, m.Name)
		for k := range zh {
			require.Containsf(t, en, k, "%s: %s lacks English", m.Name, k)
		}
		for k := range en {
			require.Containsf(t, zh, k, "%s: %s lacks Chinese", m.Name, k)
		}
		err := fs.WalkDir(m.Templates, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			raw, err := fs.ReadFile(m.Templates, path)
			for _, u := range used.FindAllStringSubmatch(string(raw), -1) {
				for _, lang := range []string{"zh-CN", "en"} {
					require.NotEqualf(t, u[1], m.Messages.T(lang, u[1]), "%s: %s uses %s, undefined in %s", m.Name, path, u[1], lang)
				}
			}
			return err
		})
		require.NoError(t, err)
		for _, e := range m.Menu {
			require.NotEqualf(t, e.Label, m.Messages.T("en", e.Label), "%s: menu entry %s is not translated", m.Name, e.Label)
		}
	}
}

// The console checks a route's gate before its handler runs: a page of a throwaway module
// answers the admin whose role grants its permission and refuses one whose role does not, who
// does not see it in the menu either; a page for any admin answers both.
func TestTheConsoleChecksEveryRoutesGateBeforeItsHandler(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("console gate test"), Workers: 1, NoPeriodicJobs: true}, pg.OpenApp(t))
	require.NoError(t, err)
	page := func(w http.ResponseWriter, r *http.Request) { console.Render(w, r, "probe", console.ViewOf(r)) }
	probe := console.Module{
		Name:     "probe",
		Messages: console.Messages{"zh-CN": {"probe.nav": "探针"}, "en": {"probe.nav": "Probe"}},
		Templates: fstest.MapFS{"probe.html": {Data: []byte(
			`{{define "title"}}{{t .Lang "probe.nav"}}{{end}}{{define "content"}}<p data-test="probe">{{.Path}}</p>{{end}}`)}},
		Routes: []console.Route{
			console.Get("/probe/team", console.Needs(access.PermTeamWrite), page),
			console.Get("/probe/anyone", console.AnyAdmin, page),
		},
		Menu: []console.MenuEntry{{Label: "probe.nav", Path: "/console/probe/team", ID: "probe", Gate: console.Needs(access.PermTeamWrite)}},
	}
	srv := httptest.NewServer(console.New(console.Deps{Tenants: a.Tenants, Access: a.Access, Authorizer: a.Authorizer,
		Identity: a.Identity, SignIn: a.SignIn, CSRFKey: []byte("gate test"), Modules: []console.Module{probe}}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	tn, err := a.Tenancy.Create(ctx, tenants.Draft{Slug: "lotus-tea", Name: "莲花茶饮"})
	require.NoError(t, err)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(cookie, path string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Accept-Language", "en")
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	signIn := func(email string, role access.Role) string {
		_, err := a.Access.AddAdmin(ctx, tn.ID, email, "", []access.Role{role})
		require.NoError(t, err)
		token, err := a.SignIn.IssueLink(ctx, email)
		require.NoError(t, err)
		resp, err := client.Get(srv.URL + "/console/login?token=" + token)
		require.NoError(t, err)
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			if c.Name == "engage_session" {
				return c.Name + "=" + c.Value
			}
		}
		t.Fatal("no session cookie")
		return ""
	}
	owner, analyst := signIn("owner@lotus.example", access.RoleOwner), signIn("analyst@lotus.example", access.RoleAnalyst)

	status, body := get(owner, "/console/probe/team")
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `<p data-test="probe">/console/probe/team</p>`)
	require.Contains(t, body, `data-nav="probe"`)
	status, body = get(analyst, "/console/probe/team")
	require.Equal(t, http.StatusForbidden, status)
	require.Contains(t, body, "Your role does not allow this page.")
	require.NotContains(t, body, `data-test="probe"`, "the handler never ran")
	status, body = get(analyst, "/console/probe/anyone")
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `<p data-test="probe">/console/probe/anyone</p>`)
	require.NotContains(t, body, `data-nav="probe"`, "the menu leaves out what the analyst may not open")
	require.Contains(t, body, "<title>Probe · Engage</title>", "the page's title is the module's message")
}
