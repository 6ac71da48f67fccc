package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/domain/access"
)

func (s *Server) registerTenant() {
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "get-tenant", Method: http.MethodGet, Path: "/v1/tenant", Tags: []string{"Tenant"},
		Summary: "The brand the credential belongs to",
	}, access.PermTenantRead), func(ctx context.Context, _ *struct{}) (*tenantOutput, error) {
		return &tenantOutput{Body: tenantBody(principalFrom(ctx).Tenant)}, nil
	})
}
