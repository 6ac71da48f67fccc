package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

var errNoStamp = errors.New("no such stamp")

// stampErrors are the throwaway module's own refusals.
var stampErrors = httpapi.ErrorTable{
	{Err: errNoStamp, Status: http.StatusNotFound, Code: "stamp_not_found", Detail: "no such stamp"},
}

// stamps is a throwaway module: one operation with its own permission check and error table,
// and a schema of its own in every brand's document. Nothing of the kit names it.
type stamps struct{ kit *httpapi.Kit }

type stampInput struct {
	Name string `path:"name" maxLength:"20"`
}

type stampOutput struct {
	Body struct {
		Name   string `json:"name"`
		Tenant string `json:"tenant"`
	}
}

func (m *stamps) RegisterAPI(api huma.API, kit *httpapi.Kit) {
	m.kit = kit
	httpapi.Register(api, httpapi.Tenant(access.PermTeamWrite), huma.Operation{
		OperationID: "get-stamp", Method: http.MethodGet, Path: "/v1/stamps/{name}", Summary: "A stamp",
	}, func(ctx context.Context, in *stampInput) (*stampOutput, error) {
		if in.Name == "lost" {
			return nil, m.kit.MapError(ctx, errNoStamp, stampErrors)
		}
		out := &stampOutput{}
		out.Body.Name, out.Body.Tenant = in.Name, httpapi.PrincipalFrom(ctx).Tenant.Slug
		return out, nil
	})
}

func (m *stamps) BrandSchemas(_ context.Context, t tenants.Tenant) (httpapi.BrandPatch, error) {
	return httpapi.BrandPatch{Source: t.Slug, Patch: func(schemas map[string]any) {
		schemas["BrandStamp"] = map[string]any{"type": "object", "title": "Stamp of " + t.Slug}
	}}, nil
}

// A module adds its operations and its part of the brands' documents by being listed: it is
// authenticated, authorised and answered by the kit like every other module's.
func TestAModuleAddsItsAPIWithoutEditingTheKit(t *testing.T) {
	t.Parallel()
	b := apitest.NewWith(t, apitest.Options{Modules: []httpapi.Module{&stamps{}}})
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	analyst := b.APIKey(t, tn, access.RoleAnalyst)

	ok := b.Do(t, http.MethodGet, "/v1/stamps/gold", owner, nil)
	require.Equal(t, http.StatusOK, ok.Status, "%s", ok.Raw)
	require.Equal(t, tn.Slug, ok.Body["tenant"])
	require.Equal(t, http.StatusUnauthorized, b.Do(t, http.MethodGet, "/v1/stamps/gold", "", nil).Status)
	denied := b.Do(t, http.MethodGet, "/v1/stamps/gold", analyst, nil)
	require.Equal(t, http.StatusForbidden, denied.Status)
	require.Equal(t, "forbidden", denied.ProblemCode())
	lost := b.Do(t, http.MethodGet, "/v1/stamps/lost", owner, nil)
	require.Equal(t, http.StatusNotFound, lost.Status)
	require.Equal(t, "stamp_not_found", lost.ProblemCode())

	doc := b.Srv.API().OpenAPI()
	require.Contains(t, doc.Paths["/v1/stamps/{name}"].Get.Description, "Requires permission `team:write`")
	r := b.Do(t, http.MethodGet, "/t/"+tn.Slug+"/openapi.json", "", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	brand, err := openapi3.NewLoader().LoadFromData(r.Raw)
	require.NoError(t, err)
	require.Equal(t, "Stamp of "+tn.Slug, brand.Components.Schemas["BrandStamp"].Value.Title)
	require.Contains(t, brand.Components.Schemas, "BrandAttributes", "the customers module patches the same document")
}

// bare registers an operation without saying who may call it.
type bare struct{}

func (bare) RegisterAPI(api huma.API, _ *httpapi.Kit) {
	huma.Register(api, huma.Operation{OperationID: "bare", Method: http.MethodGet, Path: "/v1/bare"},
		func(context.Context, *struct{}) (*struct{}, error) { return nil, nil })
}

// unknownPermission registers an operation needing a permission nobody can hold.
type unknownPermission struct{}

func (unknownPermission) RegisterAPI(api huma.API, _ *httpapi.Kit) {
	httpapi.Register(api, httpapi.Tenant(access.Permission("stamps:lick")), huma.Operation{
		OperationID: "lick", Method: http.MethodPost, Path: "/v1/lick",
	}, func(context.Context, *struct{}) (*struct{}, error) { return nil, nil })
}

// The kit enforces the declarations: a server with an operation that says nothing of who may
// call it, or names an unknown permission, does not start.
func TestAnOperationWithoutACallerStopsTheServer(t *testing.T) {
	t.Parallel()
	require.PanicsWithError(t, "GET /v1/bare declares no caller: register it with httpapi.Register", func() {
		httpapi.New(httpapi.Deps{Modules: []httpapi.Module{bare{}}})
	})
	require.PanicsWithError(t, `POST /v1/lick declares unknown permission "stamps:lick"`, func() {
		httpapi.New(httpapi.Deps{Modules: []httpapi.Module{unknownPermission{}}})
	})
	require.PanicsWithError(t, "GET /v1/me names nothing that checks its customer token", func() {
		httpapi.New(httpapi.Deps{Modules: []httpapi.Module{customerWithoutTokens{}}})
	})
}

// An operation registered on a running server without Register is never served: the kit
// fails closed.
func TestAnOperationAddedWithoutACallerIsNotServed(t *testing.T) {
	t.Parallel()
	srv := httpapi.New(httpapi.Deps{})
	ran := false
	huma.Register(srv.API(), huma.Operation{OperationID: "late", Method: http.MethodGet, Path: "/v1/late"},
		func(context.Context, *struct{}) (*struct{}, error) { ran = true; return nil, nil })
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/late", nil))
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.False(t, ran)
}

// customerWithoutTokens registers a customer operation with nothing to check its tokens.
type customerWithoutTokens struct{}

func (customerWithoutTokens) RegisterAPI(api huma.API, _ *httpapi.Kit) {
	httpapi.Register(api, httpapi.Customer(nil), huma.Operation{OperationID: "me", Method: http.MethodGet, Path: "/v1/me"},
		func(context.Context, *struct{}) (*struct{}, error) { return nil, nil })
}
