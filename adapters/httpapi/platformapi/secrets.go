package platformapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/platform/secrets"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// SecretBody is a tenant secret as shown: masked, never its value.
type SecretBody struct {
	Name      string    `json:"name" example:"wechat.mini_program.app_secret"`
	Hint      string    `json:"hint" example:"••••9f3a" doc:"A mask and, for values of 12 characters or more, their last 4"`
	KeyID     string    `json:"key_id" example:"2025-06" doc:"ID of the master key the value is encrypted under"`
	UpdatedAt time.Time `json:"updated_at"`
}

func secretBody(m secrets.Masked) SecretBody {
	return SecretBody{Name: m.Name, Hint: m.Hint, KeyID: m.KeyID, UpdatedAt: m.UpdatedAt}
}

// secretRef names a secret in the path. putSecretInput repeats the field rather than embed
// this type: huma does not bind the fields of an embedded unexported struct.
type secretRef struct {
	Name string `path:"name" pattern:"^[a-z][a-z0-9_.]{2,63}$" example:"smtp.password" doc:"Secret name: 3-64 lower-case letters, digits, '_' and '.', starting with a letter"`
}

type putSecretBody struct {
	Value string `json:"value" writeOnly:"true" minLength:"1" maxLength:"4096" doc:"The secret. Write-only: stored encrypted and never returned"`
}

type putSecretInput struct {
	Name string `path:"name" pattern:"^[a-z][a-z0-9_.]{2,63}$" example:"smtp.password" doc:"Secret name: 3-64 lower-case letters, digits, '_' and '.', starting with a letter"`
	Body putSecretBody
}

type secretOutput struct {
	Body SecretBody
}

type listSecretsOutput struct {
	Body struct {
		Items []SecretBody `json:"items"`
	}
}

// registerSecrets registers the tenant secret operations: list masked, set, delete. No
// operation returns a value.
func (m *Module) registerSecrets(api huma.API) {
	tags := []string{"Secrets"}
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsRead), huma.Operation{
		OperationID: "list-secrets", Method: http.MethodGet, Path: "/v1/secrets", Tags: tags,
		Summary:     "List secrets",
		Description: "The brand's channel credentials, ordered by name and masked: values are never returned.",
	}, func(ctx context.Context, _ *struct{}) (*listSecretsOutput, error) {
		ms, err := m.deps.Secrets.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.secretError(ctx, err)
		}
		out := &listSecretsOutput{}
		out.Body.Items = make([]SecretBody, len(ms))
		for i, masked := range ms {
			out.Body.Items[i] = secretBody(masked)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "put-secret", Method: http.MethodPut, Path: "/v1/secrets/{name}", Tags: tags,
		Summary: "Set a secret",
		Description: "Stores the value encrypted, replacing any previous value of that name, e.g. " +
			"`wechat.mini_program.app_secret`, `sms.aliyun.access_key_secret`, `smtp.password`. " +
			"The response shows it masked.",
	}, func(ctx context.Context, in *putSecretInput) (*secretOutput, error) {
		masked, err := m.deps.Secrets.Set(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Name, in.Body.Value)
		if err != nil {
			return nil, m.secretError(ctx, err)
		}
		return &secretOutput{Body: secretBody(masked)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "delete-secret", Method: http.MethodDelete, Path: "/v1/secrets/{name}", Tags: tags,
		Summary: "Delete a secret", DefaultStatus: http.StatusNoContent,
		Description: "The channel that used it stops working until it is set again.",
	}, func(ctx context.Context, in *secretRef) (*struct{}, error) {
		if err := m.deps.Secrets.Delete(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Name); err != nil {
			return nil, m.secretError(ctx, err)
		}
		return nil, nil
	})
}

// secretErrors answers what is particular to secrets: a missing secret, a name that arrives
// in the path. A value is never echoed.
var secretErrors = httpapi.ErrorTable{
	{Err: ports.ErrSecretNotFound, Status: http.StatusNotFound, Code: "secret_not_found", Detail: "no such secret"},
	httpapi.InvalidFields(func(field string) string {
		if field == "name" {
			return "path.name"
		}
		return "body." + field
	}),
}

func (m *Module) secretError(ctx context.Context, err error) error {
	return m.kit.MapError(ctx, err, secretErrors, platformErrors)
}
