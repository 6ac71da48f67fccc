package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/apikey"
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
	id, err := uuid.Parse(r.ID)
	if err != nil {
		return id, problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "malformed ID", field("path.id", "expected a UUID", r.ID))
	}
	return id, nil
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

func (s *Server) registerAPIKeys() {
	tags := []string{"API keys"}
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "list-api-keys", Method: http.MethodGet, Path: "/v1/api-keys", Tags: tags,
		Summary: "List API keys", Description: "Newest first.",
	}, access.PermAPIKeysRead), func(ctx context.Context, in *struct{ PageQuery }) (*listAPIKeysOutput, error) {
		page, err := in.page(ctx)
		if err != nil {
			return nil, err
		}
		ks, err := s.deps.APIKeys.List(ctx, principalFrom(ctx).Tenant.ID, page)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		ks, next := paginate(ks, page, func(k apikey.Key) string { return k.ID.String() })
		out := &listAPIKeysOutput{}
		out.Body.Items = make([]APIKeyBody, len(ks))
		for i, k := range ks {
			out.Body.Items[i] = apiKeyBody(k)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "get-api-key", Method: http.MethodGet, Path: "/v1/api-keys/{id}", Tags: tags,
		Summary: "Get an API key",
	}, access.PermAPIKeysRead), func(ctx context.Context, in *APIKeyPath) (*apiKeyOutput, error) {
		id, err := in.parse(ctx)
		if err != nil {
			return nil, err
		}
		k, err := s.deps.APIKeys.Get(ctx, principalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		return &apiKeyOutput{Body: apiKeyBody(k)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "create-api-key", Method: http.MethodPost, Path: "/v1/api-keys", Tags: tags,
		Summary: "Create an API key", DefaultStatus: http.StatusCreated,
		Description: "The secret is in this response only; Engage keeps just its hash.",
	}, access.PermAPIKeysWrite), func(ctx context.Context, in *struct{ Body createAPIKeyBody }) (*createdAPIKeyOutput, error) {
		role, err := access.ParseRole(in.Body.Role)
		if err != nil {
			return nil, roleProblem(ctx, "body.role", err)
		}
		p := principalFrom(ctx)
		c, err := s.deps.APIKeys.Create(ctx, p.Tenant.ID, p.Roles, in.Body.Name, role)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		return createdAPIKey(c), nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "rotate-api-key", Method: http.MethodPost, Path: "/v1/api-keys/{id}/rotate", Tags: tags,
		Summary: "Rotate an API key", DefaultStatus: http.StatusCreated,
		Description: "Issues a successor with the same name and role. The old key keeps working for the overlap, then expires.",
	}, access.PermAPIKeysWrite), func(ctx context.Context, in *rotateInput) (*createdAPIKeyOutput, error) {
		id, err := in.parse(ctx)
		if err != nil {
			return nil, err
		}
		overlap := 24 * time.Hour
		if in.Body.OverlapSeconds != nil {
			overlap = time.Duration(*in.Body.OverlapSeconds) * time.Second
		}
		c, err := s.deps.APIKeys.Rotate(ctx, principalFrom(ctx).Tenant.ID, id, overlap)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		return createdAPIKey(c), nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "revoke-api-key", Method: http.MethodDelete, Path: "/v1/api-keys/{id}", Tags: tags,
		Summary: "Revoke an API key", Description: "The key stops working at once; revoking twice changes nothing.",
	}, access.PermAPIKeysWrite), func(ctx context.Context, in *APIKeyPath) (*apiKeyOutput, error) {
		id, err := in.parse(ctx)
		if err != nil {
			return nil, err
		}
		k, err := s.deps.APIKeys.Revoke(ctx, principalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		return &apiKeyOutput{Body: apiKeyBody(k)}, nil
	})
}
