package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// The gadgets module is a throwaway: a permission with its built-in grants, a public event
// type, a subscriber on its own queue, two API operations, a console page with its menu entry
// and messages. It is wired by appending it to the module list, and no shared file names it.
const (
	permGadgetsRead  access.Permission = "gadgets:read"
	permGadgetsWrite access.Permission = "gadgets:write"
	gadgetMade                         = "gadget.made"
)

func init() {
	access.Register(
		access.Definition{Permission: permGadgetsRead, Roles: []access.Role{access.RoleAdmin, access.RoleAnalyst}},
		access.Definition{Permission: permGadgetsWrite, Roles: []access.Role{access.RoleAdmin}},
	)
	webhook.Register(webhook.EventType{Name: gadgetMade, Description: "A gadget was made.", Sample: map[string]any{"name": "widget"}})
}

// gadgets is the module's state: what its subscriber saw, per tenant.
type gadgets struct {
	mu   sync.Mutex
	made map[tenants.ID][]string
}

type gadget struct {
	Name string `json:"name"`
}

type makeGadget struct {
	Body gadget
}

type gadgetList struct {
	Body struct {
		Names []string `json:"names"`
	}
}

func (g *gadgets) module() module.Module {
	return module.Module{
		Name:        "gadgets",
		Permissions: []access.Permission{permGadgetsRead, permGadgetsWrite},
		EventTypes:  []string{gadgetMade},
		Queues:      []riverjobs.Queue{{Name: "gadgets", MaxWorkers: 1}},
		Services:    func(*module.Kernel) (module.Shared, error) { return module.Shared{}, nil },
		Surfaces: func(k *module.Kernel) (module.Surfaces, error) {
			return module.Surfaces{Subscribers: []eventbus.Subscriber{{Name: "gadget_counter", Queue: "gadgets",
				Takes: eventbus.Types(gadgetMade), Handle: func(ctx context.Context, evs []ports.DomainEvent) error {
					tenant, err := k.DB.Tenant(ctx)
					if err != nil {
						return err
					}
					made, err := eventbus.Decode[gadget](evs)
					if err != nil {
						return err
					}
					g.mu.Lock()
					defer g.mu.Unlock()
					for _, m := range made {
						if !slices.Contains(g.made[tenant], m.Name) {
							g.made[tenant] = append(g.made[tenant], m.Name)
						}
					}
					return nil
				}}}}, nil
		},
		API: func(k *module.Kernel) httpapi.Module { return gadgetAPI{g: g, k: k} },
		Terms: console.Terms{
			"zh-CN": {"area.gadgets": "小工具", "perm.gadgets:read": "查看小工具", "perm.gadgets:read.help": "查看做过的小工具。",
				"perm.gadgets:write": "制作小工具", "perm.gadgets:write.help": "制作新的小工具。"},
			"en": {"area.gadgets": "Gadgets", "perm.gadgets:read": "View gadgets", "perm.gadgets:read.help": "See the gadgets made.",
				"perm.gadgets:write": "Make gadgets", "perm.gadgets:write.help": "Make new gadgets."},
		},
		Console: func(*module.Kernel) console.Module {
			return console.Module{
				Name:     "gadgets",
				Messages: console.Messages{"zh-CN": {"gadgets.nav": "小工具"}, "en": {"gadgets.nav": "Gadgets"}},
				Templates: fstest.MapFS{"gadgets.html": {Data: []byte(
					`{{define "title"}}{{t .Lang "gadgets.nav"}}{{end}}{{define "content"}}<p data-test="gadgets">{{.Tenant.Name}}</p>{{end}}`)}},
				Routes: []console.Route{console.Get("/gadgets", console.Needs(permGadgetsRead),
					func(w http.ResponseWriter, r *http.Request) { console.Render(w, r, "gadgets", console.ViewOf(r)) })},
				Menu: []console.MenuEntry{{Label: "gadgets.nav", Path: "/console/gadgets", ID: "gadgets", Gate: console.Needs(permGadgetsRead)}},
			}
		},
	}
}

// gadgetAPI makes gadgets (publishing gadget.made) and lists those the subscriber saw.
type gadgetAPI struct {
	g *gadgets
	k *module.Kernel
}

func (m gadgetAPI) RegisterAPI(api huma.API, _ *httpapi.Kit) {
	httpapi.Register(api, httpapi.Tenant(permGadgetsWrite), huma.Operation{
		OperationID: "make-gadget", Method: http.MethodPost, Path: "/v1/gadgets", Summary: "Make a gadget",
	}, func(ctx context.Context, in *makeGadget) (*struct{}, error) {
		return nil, m.k.DB.InTenant(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, func(ctx context.Context) error {
			return m.k.Bus.Publish(ctx, gadgetMade, in.Body)
		})
	})
	httpapi.Register(api, httpapi.Tenant(permGadgetsRead), huma.Operation{
		OperationID: "list-gadgets", Method: http.MethodGet, Path: "/v1/gadgets", Summary: "Gadgets made",
	}, func(ctx context.Context, _ *struct{}) (*gadgetList, error) {
		m.g.mu.Lock()
		defer m.g.mu.Unlock()
		out := &gadgetList{}
		out.Body.Names = append([]string{}, m.g.made[httpapi.PrincipalFrom(ctx).Tenant.ID]...)
		return out, nil
	})
}

func TestAModuleAppendedToTheListWorksEndToEnd(t *testing.T) {
	t.Parallel()
	g := &gadgets{made: map[tenants.ID][]string{}}
	pg := pgtest.New(t)
	a, err := wire.NewWith(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("module test"), NoPeriodicJobs: true}, pg.OpenApp(t), append(wire.Modules(), g.module()))
	require.NoError(t, err)
	srv := httptest.NewServer(web.Handler(a, web.Options{PlatformKey: "egp_module_test"}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	tn, err := a.Tenancy.Create(ctx, tenants.Draft{Slug: "lotus-tea", Name: "莲花茶饮"})
	require.NoError(t, err)
	key := func(role access.Role) string {
		k, err := a.APIKeys.Create(ctx, tn.ID, nil, "test "+role.String(), role)
		require.NoError(t, err)
		return k.Token
	}
	admin, analyst, staff := key(access.RoleAdmin), key(access.RoleAnalyst), key(access.RoleStoreStaff)
	call := func(method, path, token string, body any) (int, []byte) {
		var in io.Reader
		if body != nil {
			raw, err := json.Marshal(body)
			require.NoError(t, err)
			in = bytes.NewReader(raw)
		}
		req, err := http.NewRequest(method, srv.URL+path, in)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, out
	}

	status, raw := call(http.MethodPost, "/v1/webhooks", admin, map[string]any{"url": "https://crm.example.com/hooks",
		"event_types": []string{gadgetMade}})
	require.Equal(t, http.StatusCreated, status, "%s", raw)
	var endpoint struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(raw, &endpoint))

	// Its permission, granted to the roles it names, guards its operations.
	status, raw = call(http.MethodPost, "/v1/gadgets", admin, gadget{Name: "widget"})
	require.Equal(t, http.StatusNoContent, status, "%s", raw)
	status, _ = call(http.MethodPost, "/v1/gadgets", analyst, gadget{Name: "sprocket"})
	require.Equal(t, http.StatusForbidden, status)
	status, _ = call(http.MethodGet, "/v1/gadgets", staff, nil)
	require.Equal(t, http.StatusForbidden, status)

	// Its event reaches its subscriber through its own job, and webhooks subscribed to it get
	// theirs (an endpoint receives what happens after it subscribed).
	require.Equal(t, 2, jobstest.WorkSubscribers(t, a.DB.Pool(), a.Bus), "the gadget counter's job and the webhooks'")
	status, raw = call(http.MethodGet, "/v1/gadgets", analyst, nil)
	require.Equal(t, http.StatusOK, status, "%s", raw)
	require.JSONEq(t, `{"names":["widget"]}`, string(raw))
	status, raw = call(http.MethodGet, "/v1/webhooks/"+endpoint.ID+"/deliveries", admin, nil)
	require.Equal(t, http.StatusOK, status, "%s", raw)
	require.Contains(t, string(raw), `"event_type":"gadget.made"`)

	// Its page and menu entry are in the console for those who hold its permission.
	cookie := func(email string, role access.Role) string {
		_, err := a.Access.AddAdmin(ctx, tn.ID, email, "", []access.Role{role})
		require.NoError(t, err)
		token, err := a.SignIn.IssueLink(ctx, email)
		require.NoError(t, err)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
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
	pageAt := func(path, cookie string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Accept-Language", "zh-CN")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	page := func(cookie string) (int, string) { return pageAt("/console/gadgets", cookie) }
	status, body := page(cookie("analyst@lotus.example", access.RoleAnalyst))
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `<p data-test="gadgets">莲花茶饮</p>`)
	require.Contains(t, body, `data-nav="gadgets"`)
	require.Contains(t, body, "小工具")
	status, body = page(cookie("staff@lotus.example", access.RoleStoreStaff))
	require.Equal(t, http.StatusForbidden, status)
	require.NotContains(t, body, `data-test="gadgets"`)

	// The platform's roles page names its permissions, in their own area, as the module named
	// them: no shared file names them.
	status, body = pageAt("/console/roles", cookie("owner@lotus.example", access.RoleOwner))
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `data-area="gadgets"><legend>小工具</legend>`)
	require.Contains(t, body, "查看小工具")
	require.Contains(t, body, "制作新的小工具。")
	require.NotContains(t, body, ">gadgets:read<")
}
