package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// brandChanges is what a brand's own admins may change of its profile.
type brandChanges struct {
	Name     *string `json:"name,omitempty" minLength:"1" maxLength:"200"`
	Timezone *string `json:"timezone,omitempty" maxLength:"64" doc:"IANA time zone"`
	Locale   *string `json:"locale,omitempty" enum:"zh-CN,en"`
}

func (s *Server) registerTenant() {
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "get-tenant", Method: http.MethodGet, Path: "/v1/tenant", Tags: []string{"Tenant"},
		Summary: "The brand the credential belongs to",
	}, access.PermTenantRead), func(ctx context.Context, _ *struct{}) (*tenantOutput, error) {
		return &tenantOutput{Body: tenantBody(principalFrom(ctx).Tenant)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "update-tenant", Method: http.MethodPatch, Path: "/v1/tenant", Tags: []string{"Tenant"},
		Summary: "Change the brand's profile",
	}, access.PermTenantWrite), func(ctx context.Context, in *struct{ Body brandChanges }) (*tenantOutput, error) {
		t, err := s.deps.Tenancy.Update(ctx, principalFrom(ctx).Tenant.ID.String(), tenants.Changes{Name: in.Body.Name, Timezone: in.Body.Timezone, Locale: in.Body.Locale})
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		return &tenantOutput{Body: tenantBody(t)}, nil
	})
}
