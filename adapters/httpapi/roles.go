package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// RoleBody is a role and what it grants.
type RoleBody struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Builtin     bool     `json:"builtin"`
	Permissions []string `json:"permissions"`
}

type rolesOutput struct {
	Body struct {
		Items       []RoleBody `json:"items"`
		Permissions []string   `json:"permissions" doc:"Every permission a role can be given"`
	}
}

type roleOutput struct{ Body RoleBody }

// RolePath names a role in the path.
type RolePath struct {
	Name string `path:"name" pattern:"^[a-z][a-z0-9_]{1,39}$"`
}

type saveRoleInput struct {
	RolePath
	Body struct {
		Description string   `json:"description,omitempty" maxLength:"500"`
		Permissions []string `json:"permissions" maxItems:"100" uniqueItems:"true"`
	}
}

func permStrings(ps []access.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func customRoleBody(r ports.CustomRole) RoleBody {
	return RoleBody{Name: r.Name, Description: r.Description, Permissions: permStrings(r.Permissions)}
}

func (s *Server) registerRoles() {
	tags := []string{"Roles"}
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "list-roles", Method: http.MethodGet, Path: "/v1/roles", Tags: tags,
		Summary: "List roles and permissions", Description: "Built-in roles first, then the brand's own.",
	}, access.PermRolesRead), func(ctx context.Context, _ *struct{}) (*rolesOutput, error) {
		custom, err := s.deps.Access.Roles(ctx, principalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		out := &rolesOutput{}
		for _, r := range access.BuiltinRoles {
			out.Body.Items = append(out.Body.Items, RoleBody{Name: r.String(), Builtin: true, Permissions: permStrings(access.BuiltinGrants(r))})
		}
		for _, r := range custom {
			out.Body.Items = append(out.Body.Items, customRoleBody(r))
		}
		out.Body.Permissions = permStrings(access.Permissions())
		return out, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "save-role", Method: http.MethodPut, Path: "/v1/roles/{name}", Tags: tags,
		Summary: "Create or change a brand-defined role", Description: "A role can hold only permissions you hold yourself.",
	}, access.PermRolesWrite), func(ctx context.Context, in *saveRoleInput) (*roleOutput, error) {
		p := principalFrom(ctx)
		r, err := s.deps.Access.SaveRole(ctx, p.Tenant.ID, p.Roles, in.Name, in.Body.Description, in.Body.Permissions)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		return &roleOutput{Body: customRoleBody(r)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "delete-role", Method: http.MethodDelete, Path: "/v1/roles/{name}", Tags: tags,
		Summary: "Delete a brand-defined role", DefaultStatus: http.StatusNoContent,
	}, access.PermRolesWrite), func(ctx context.Context, in *RolePath) (*struct{}, error) {
		return nil, mapError(ctx, s.deps.Logger, s.deps.Access.DeleteRole(ctx, principalFrom(ctx).Tenant.ID, in.Name))
	})
}
