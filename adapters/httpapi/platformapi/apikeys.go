package platformapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/platform/apikeys"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/apikey"
)

// APIKeyBody is an API key as listed: never its secret.
type APIKeyBody struct {
	ID         string     `json:"id" format:"uuid"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix" example:"egk_Xq3vT9aB" doc:"The start of the key, to recognise it"`
	Role       string     `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty" doc:"Set on a rotated key: it works until then"`
}

func apiKeyBody(k apikey.Key) APIKeyBody {
	return APIKeyBody{ID: k.ID.String(), Name: k.Name, Prefix: k.DisplayPrefix(), Role: k.Role.String(),
		CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt, ExpiresAt: k.ExpiresAt}
}

type createAPIKeyBody struct {
	Name string `json:"name" minLength:"1" maxLength:"100" example:"POS integration"`
	Role string `json:"role" pattern:"^[a-z][a-z0-9_]{1,39}$" example:"store_staff" doc:"A built-in role (owner, admin, marketer, loyalty_operator, store_staff, analyst, auditor) or one the brand defined"`
}

type createdAPIKeyOutput struct {
	Body struct {
		APIKeyBody
		Secret string `json:"secret" doc:"The key itself. Shown once: store it now."`
	}
}

func createdAPIKey(c apikeys.Created) *createdAPIKeyOutput {
	out := &createdAPIKeyOutput{}
	out.Body.APIKeyBody = apiKeyBody(c.Key)
	out.Body.Secret = c.Token
	return out
}

type listAPIKeysOutput struct {
	Body struct {
		Items      []APIKeyBody `json:"items"`
		NextCursor string       `json:"next_cursor,omitempty"`
	}
}

// APIKeyPath names an API key in the path.
type APIKeyPath struct {
	ID string `path:"id" format:"uuid" doc:"API key ID"`
}

func (r APIKeyPath) parse(ctx context.Context) (uuid.UUID, error) {
	return httpapi.ParseUUID(ctx, "path.id", r.ID)
}

type rotateInput struct {
	APIKeyPath
	Body struct {
		OverlapSeconds *int `json:"overlap_seconds,omitempty" minimum:"0" maximum:"604800" doc:"How long the old key keeps working, in seconds; 86400 (a day) when absent"`
	}
}

type apiKeyOutput struct {
	Body APIKeyBody
}

func (m *Module) registerAPIKeys(api huma.API) {
	tags := []string{"API keys"}
	httpapi.Register(api, httpapi.Tenant(access.PermAPIKeysRead), huma.Operation{
		OperationID: "list-api-keys", Method: http.MethodGet, Path: "/v1/api-keys", Tags: tags,
		Summary: "List API keys", Description: "Newest first.",
	}, func(ctx context.Context, in *struct{ httpapi.PageQuery }) (*listAPIKeysOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		ks, err := m.deps.APIKeys.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, page)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		ks, next := httpapi.Paginate(ks, page, func(k apikey.Key) string { return k.ID.String() })
		out := &listAPIKeysOutput{}
		out.Body.Items = make([]APIKeyBody, len(ks))
		for i, k := range ks {
			out.Body.Items[i] = apiKeyBody(k)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermAPIKeysRead), huma.Operation{
		OperationID: "get-api-key", Method: http.MethodGet, Path: "/v1/api-keys/{id}", Tags: tags,
		Summary: "Get an API key",
	}, func(ctx context.Context, in *APIKeyPath) (*apiKeyOutput, error) {
		id, err := in.parse(ctx)
		if err != nil {
			return nil, err
		}
		k, err := m.deps.APIKeys.Get(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &apiKeyOutput{Body: apiKeyBody(k)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermAPIKeysWrite), httpapi.Creates(huma.Operation{
		OperationID: "create-api-key", Errors: []int{http.StatusForbidden}, Method: http.MethodPost, Path: "/v1/api-keys", Tags: tags,
		Summary: "Create an API key", DefaultStatus: http.StatusCreated,
		Description: "The secret is in this response only; Engage keeps just its hash.",
	}, "/v1/api-keys/{id}"), func(ctx context.Context, in *struct{ Body createAPIKeyBody }) (*createdAPIKeyOutput, error) {
		role, err := access.ParseRole(in.Body.Role)
		if err != nil {
			return nil, roleProblem(ctx, "body.role", err)
		}
		p := httpapi.PrincipalFrom(ctx)
		c, err := m.deps.APIKeys.Create(ctx, p.Tenant.ID, p.Roles, in.Body.Name, role)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return createdAPIKey(c), nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermAPIKeysWrite), httpapi.Creates(huma.Operation{
		OperationID: "rotate-api-key", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/api-keys/{id}/rotate", Tags: tags,
		Summary: "Rotate an API key", DefaultStatus: http.StatusCreated,
		Description: "Issues a successor with the same name and role. The old key keeps working for the overlap, then expires.",
	}, "/v1/api-keys/{id}"), func(ctx context.Context, in *rotateInput) (*createdAPIKeyOutput, error) {
		id, err := in.parse(ctx)
		if err != nil {
			return nil, err
		}
		overlap := 24 * time.Hour
		if in.Body.OverlapSeconds != nil {
			overlap = time.Duration(*in.Body.OverlapSeconds) * time.Second
		}
		c, err := m.deps.APIKeys.Rotate(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, overlap)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return createdAPIKey(c), nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermAPIKeysWrite), huma.Operation{
		OperationID: "revoke-api-key", Errors: []int{http.StatusConflict}, Method: http.MethodDelete, Path: "/v1/api-keys/{id}", Tags: tags,
		Summary: "Revoke an API key", Description: "The key stops working at once; revoking twice changes nothing.",
	}, func(ctx context.Context, in *APIKeyPath) (*apiKeyOutput, error) {
		id, err := in.parse(ctx)
		if err != nil {
			return nil, err
		}
		k, err := m.deps.APIKeys.Revoke(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &apiKeyOutput{Body: apiKeyBody(k)}, nil
	})
}
