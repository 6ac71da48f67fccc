package platformapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// TenantBody is a brand tenant as the API shows it.
type TenantBody struct {
	ID        string    `json:"id" format:"uuid" doc:"Tenant ID"`
	Slug      string    `json:"slug" example:"lotus-tea" doc:"URL-safe unique name"`
	Name      string    `json:"name" example:"莲花茶饮" doc:"Brand name"`
	Status    string    `json:"status" enum:"active,suspended" doc:"Suspended tenants' requests are refused with tenant_suspended"`
	Timezone  string    `json:"timezone" example:"Asia/Shanghai" doc:"IANA time zone for schedules and reports"`
	Locale    string    `json:"locale" enum:"zh-CN,en" doc:"Default language"`
	Plan      string    `json:"plan" enum:"trial,standard,enterprise" doc:"Sets the brand's rate limits"`
	CreatedAt time.Time `json:"created_at" doc:"RFC 3339"`
	UpdatedAt time.Time `json:"updated_at" doc:"RFC 3339"`
}

func tenantBody(t tenants.Tenant) TenantBody {
	return TenantBody{ID: t.ID.String(), Slug: t.Slug, Name: t.Name, Status: t.Status.String(), Timezone: t.Timezone,
		Locale: t.Locale, Plan: t.Plan, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

type tenantOutput struct {
	Body TenantBody
}

// TenantPath names a tenant in the path by slug or ID.
type TenantPath struct {
	Tenant string `path:"tenant" maxLength:"64" doc:"Tenant slug or ID"`
}

type createTenantInput struct {
	Body struct {
		Slug     string `json:"slug" minLength:"3" maxLength:"40" pattern:"^[a-z][a-z0-9-]*[a-z0-9]$" example:"lotus-tea" doc:"URL-safe unique name"`
		Name     string `json:"name" minLength:"1" maxLength:"200" example:"莲花茶饮"`
		Timezone string `json:"timezone,omitempty" maxLength:"64" default:"Asia/Shanghai" doc:"IANA time zone"`
		Locale   string `json:"locale,omitempty" enum:"zh-CN,en" default:"zh-CN"`
		Plan     string `json:"plan,omitempty" enum:"trial,standard,enterprise" default:"standard"`
	}
}

type updateTenantInput struct {
	TenantPath
	Body struct {
		Name     *string `json:"name,omitempty" minLength:"1" maxLength:"200"`
		Timezone *string `json:"timezone,omitempty" maxLength:"64"`
		Locale   *string `json:"locale,omitempty" enum:"zh-CN,en"`
		Plan     *string `json:"plan,omitempty" enum:"trial,standard,enterprise"`
	}
}

type listTenantsInput struct {
	httpapi.PageQuery
}

type listTenantsOutput struct {
	Body struct {
		Items      []TenantBody `json:"items"`
		NextCursor string       `json:"next_cursor,omitempty" doc:"Cursor of the next page; absent on the last page"`
	}
}

type platformInviteInput struct {
	TenantPath
	Body struct {
		Email string   `json:"email" format:"email" maxLength:"254"`
		Roles []string `json:"roles" minItems:"1" maxItems:"10" uniqueItems:"true" doc:"Built-in or brand-defined role names"`
	}
}

type issueKeyInput struct {
	TenantPath
	Body createAPIKeyBody
}

func (m *Module) registerPlatformTenants(api huma.API) {
	httpapi.Register(api, httpapi.Platform(), httpapi.Creates(huma.Operation{
		OperationID: "platform-create-tenant", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/platform/tenants",
		Summary: "Onboard a brand tenant", DefaultStatus: http.StatusCreated,
	}, "/v1/platform/tenants/{slug}"), func(ctx context.Context, in *createTenantInput) (*tenantOutput, error) {
		t, err := m.deps.Tenancy.Create(ctx, tenants.Draft{Slug: in.Body.Slug, Name: in.Body.Name, Timezone: in.Body.Timezone, Locale: in.Body.Locale, Plan: in.Body.Plan})
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &tenantOutput{Body: tenantBody(t)}, nil
	})

	httpapi.Register(api, httpapi.Platform(), huma.Operation{
		OperationID: "platform-list-tenants", Method: http.MethodGet, Path: "/v1/platform/tenants",
		Summary: "List brand tenants", Description: "Ordered by slug.",
	}, func(ctx context.Context, in *listTenantsInput) (*listTenantsOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		ts, err := m.deps.Tenants.List(ctx, page.After, page.Limit)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		ts, next := httpapi.Paginate(ts, page, func(t tenants.Tenant) string { return t.Slug })
		out := &listTenantsOutput{}
		out.Body.Items = make([]TenantBody, len(ts))
		for i, t := range ts {
			out.Body.Items[i] = tenantBody(t)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Platform(), huma.Operation{
		OperationID: "platform-get-tenant", Method: http.MethodGet, Path: "/v1/platform/tenants/{tenant}",
		Summary: "Get a brand tenant",
	}, func(ctx context.Context, in *TenantPath) (*tenantOutput, error) {
		t, err := m.deps.Tenants.Lookup(ctx, in.Tenant)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &tenantOutput{Body: tenantBody(t)}, nil
	})

	httpapi.Register(api, httpapi.Platform(), huma.Operation{
		OperationID: "platform-update-tenant", Errors: []int{http.StatusConflict}, Method: http.MethodPatch, Path: "/v1/platform/tenants/{tenant}",
		Summary: "Change a brand tenant's profile",
	}, func(ctx context.Context, in *updateTenantInput) (*tenantOutput, error) {
		t, err := m.deps.Tenancy.Update(ctx, in.Tenant, tenants.Changes{Name: in.Body.Name, Timezone: in.Body.Timezone, Locale: in.Body.Locale, Plan: in.Body.Plan})
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &tenantOutput{Body: tenantBody(t)}, nil
	})

	httpapi.Register(api, httpapi.Platform(), huma.Operation{
		OperationID: "platform-suspend-tenant", Method: http.MethodPost, Path: "/v1/platform/tenants/{tenant}/suspend",
		Summary: "Suspend a brand tenant", Description: "Its requests are refused with 403 tenant_suspended; its data stays intact.",
	}, func(ctx context.Context, in *TenantPath) (*tenantOutput, error) {
		t, err := m.deps.Tenancy.Suspend(ctx, in.Tenant)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &tenantOutput{Body: tenantBody(t)}, nil
	})

	httpapi.Register(api, httpapi.Platform(), huma.Operation{
		OperationID: "platform-reinstate-tenant", Method: http.MethodPost, Path: "/v1/platform/tenants/{tenant}/reinstate",
		Summary: "Reinstate a suspended brand tenant",
	}, func(ctx context.Context, in *TenantPath) (*tenantOutput, error) {
		t, err := m.deps.Tenancy.Reinstate(ctx, in.Tenant)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &tenantOutput{Body: tenantBody(t)}, nil
	})

	httpapi.Register(api, httpapi.Platform(), huma.Operation{
		OperationID: "platform-invite-admin", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/platform/tenants/{tenant}/invitations",
		Summary: "Invite a brand's admin", DefaultStatus: http.StatusCreated,
		Description: "Onboards a brand's first owner: the answer carries the invitation's link (`accept_url`), emailed to them " +
			"through the brand's or the platform's mail server (`email_sent`); the invitation also becomes a membership at their first verified " +
			"sign-in. A pending invitation to the same email is replaced (`replaced`).",
	}, func(ctx context.Context, in *platformInviteInput) (*createdInvitationOutput, error) {
		t, err := m.deps.Tenants.Lookup(ctx, in.Tenant)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		roles, err := parseRoleList(ctx, in.Body.Roles)
		if err != nil {
			return nil, err
		}
		return m.invite(ctx, t.ID, nil, in.Body.Email, roles)
	})

	httpapi.Register(api, httpapi.Platform(), huma.Operation{
		OperationID: "platform-issue-api-key", Method: http.MethodPost, Path: "/v1/platform/tenants/{tenant}/api-keys",
		Summary: "Issue an API key for a tenant", DefaultStatus: http.StatusCreated,
		Description: "Bootstraps a brand's first partner integration. The secret is in the response only.",
	}, func(ctx context.Context, in *issueKeyInput) (*createdAPIKeyOutput, error) {
		t, err := m.deps.Tenants.Lookup(ctx, in.Tenant)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		role, err := access.ParseRole(in.Body.Role)
		if err != nil {
			return nil, roleProblem(ctx, "body.role", err)
		}
		c, err := m.deps.APIKeys.Create(ctx, t.ID, nil, in.Body.Name, role)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return createdAPIKey(c), nil
	})
}
