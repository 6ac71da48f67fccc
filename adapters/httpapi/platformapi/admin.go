package platformapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/platform/signin"
	"github.com/engagehq/engage/domain/access"
)

type adminSessionOutput struct {
	Body struct {
		ID     string       `json:"id" format:"uuid"`
		Email  string       `json:"email"`
		Name   string       `json:"name"`
		Brands []adminBrand `json:"brands" doc:"The brands the admin belongs to, with their roles"`
	}
}

type adminBrand struct {
	TenantID string   `json:"tenant_id" format:"uuid"`
	Slug     string   `json:"slug"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Roles    []string `json:"roles"`
}

type redeemInput struct {
	Body struct {
		Token string `json:"token" minLength:"10" maxLength:"200" doc:"The token of a one-time sign-in link"`
	}
}

type redeemOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      struct {
		SessionToken string    `json:"session_token" doc:"Send as X-Session-Token, or rely on the cookie"`
		ExpiresAt    time.Time `json:"expires_at"`
	}
}

func (m *Module) registerAdmin(api huma.API) {
	tags := []string{"Admin sign-in"}
	httpapi.Register(api, httpapi.Admin(), huma.Operation{
		OperationID: "get-admin-session", Method: http.MethodGet, Path: "/v1/admin/session", Tags: tags,
		Summary: "Who is signed in, and their brands",
	}, func(ctx context.Context, _ *struct{}) (*adminSessionOutput, error) {
		u := httpapi.PrincipalFrom(ctx).User
		ms, err := m.deps.Access.Tenants(ctx, *u)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		out := &adminSessionOutput{}
		out.Body.ID, out.Body.Email, out.Body.Name = u.ID.String(), u.Email, u.Name
		out.Body.Brands = []adminBrand{}
		for _, membership := range ms {
			t, err := m.deps.Tenants.Resolve(ctx, membership.TenantID)
			if err != nil {
				return nil, m.mapError(ctx, err)
			}
			out.Body.Brands = append(out.Body.Brands, adminBrand{TenantID: t.ID.String(), Slug: t.Slug, Name: t.Name,
				Status: t.Status.String(), Roles: access.Names(membership.Roles)})
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Public(), huma.Operation{
		OperationID: "redeem-login-link", Errors: []int{http.StatusUnauthorized, http.StatusForbidden}, Method: http.MethodPost, Path: "/v1/admin/login-links/redeem", Tags: tags,
		Summary:     "Sign in with a one-time link (development only)",
		Description: "Spends a link printed by `engage admin login-link` and opens a session. Refused in production. Rate limited per client IP.",
	}, func(ctx context.Context, in *redeemInput) (*redeemOutput, error) {
		if m.deps.SignIn == nil {
			return nil, m.mapError(ctx, signin.ErrDisabled)
		}
		token, err := m.deps.SignIn.Redeem(ctx, in.Body.Token)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		out := &redeemOutput{}
		out.Body.SessionToken = token
		out.Body.ExpiresAt = time.Now().Add(signin.SessionTTL).UTC()
		out.SetCookie = http.Cookie{Name: signin.SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: m.deps.SecureCookies,
			SameSite: http.SameSiteLaxMode, Expires: out.Body.ExpiresAt}
		return out, nil
	})
}
