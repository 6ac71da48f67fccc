package platformapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// brandChanges is what a brand's own admins may change of its profile.
type brandChanges struct {
	Name     *string `json:"name,omitempty" minLength:"1" maxLength:"200"`
	Timezone *string `json:"timezone,omitempty" maxLength:"64" doc:"IANA time zone"`
	Locale   *string `json:"locale,omitempty" enum:"zh-CN,en"`
}

func (m *Module) registerTenant(api huma.API) {
	httpapi.Register(api, httpapi.Tenant(access.PermTenantRead), huma.Operation{
		OperationID: "get-tenant", Method: http.MethodGet, Path: "/v1/tenant", Tags: []string{"Tenant"},
		Summary: "The brand the credential belongs to",
	}, func(ctx context.Context, _ *struct{}) (*tenantOutput, error) {
		return &tenantOutput{Body: tenantBody(httpapi.PrincipalFrom(ctx).Tenant)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermTenantWrite), huma.Operation{
		OperationID: "update-tenant", Method: http.MethodPatch, Path: "/v1/tenant", Tags: []string{"Tenant"},
		Summary: "Change the brand's profile",
	}, func(ctx context.Context, in *struct{ Body brandChanges }) (*tenantOutput, error) {
		t, err := m.deps.Tenancy.Update(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID.String(), tenants.Changes{Name: in.Body.Name, Timezone: in.Body.Timezone, Locale: in.Body.Locale})
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &tenantOutput{Body: tenantBody(t)}, nil
	})
}
