package platformapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
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

func (m *Module) registerRoles(api huma.API) {
	tags := []string{"Roles"}
	httpapi.Register(api, httpapi.Tenant(access.PermRolesRead), huma.Operation{
		OperationID: "list-roles", Method: http.MethodGet, Path: "/v1/roles", Tags: tags,
		Summary: "List roles and permissions", Description: "Built-in roles first, then the brand's own.",
	}, func(ctx context.Context, _ *struct{}) (*rolesOutput, error) {
		custom, err := m.deps.Access.Roles(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.mapError(ctx, err)
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

	httpapi.Register(api, httpapi.Tenant(access.PermRolesWrite), huma.Operation{
		OperationID: "save-role", Errors: []int{http.StatusForbidden}, Method: http.MethodPut, Path: "/v1/roles/{name}", Tags: tags,
		Summary: "Create or change a brand-defined role", Description: "A role can hold only permissions you hold yourself.",
	}, func(ctx context.Context, in *saveRoleInput) (*roleOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		r, err := m.deps.Access.SaveRole(ctx, p.Tenant.ID, p.Roles, in.Name, in.Body.Description, in.Body.Permissions)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &roleOutput{Body: customRoleBody(r)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermRolesWrite), huma.Operation{
		OperationID: "delete-role", Errors: []int{http.StatusConflict, http.StatusForbidden}, Method: http.MethodDelete, Path: "/v1/roles/{name}", Tags: tags,
		Summary: "Delete a brand-defined role", DefaultStatus: http.StatusNoContent,
	}, func(ctx context.Context, in *RolePath) (*struct{}, error) {
		return nil, m.mapError(ctx, m.deps.Access.DeleteRole(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Name))
	})
}
