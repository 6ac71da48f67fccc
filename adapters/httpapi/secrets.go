package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/application/secrets"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
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
func registerSecrets(api huma.API, svc *secrets.Service, log *slog.Logger) {
	tags := []string{"Secrets"}
	huma.Register(api, tenantOperation(huma.Operation{
		OperationID: "list-secrets", Method: http.MethodGet, Path: "/v1/secrets", Tags: tags,
		Summary:     "List secrets",
		Description: "The brand's channel credentials, ordered by name and masked: values are never returned.",
	}, access.PermSettingsRead), func(ctx context.Context, _ *struct{}) (*listSecretsOutput, error) {
		ms, err := svc.List(ctx, principalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, mapSecretError(ctx, log, err)
		}
		out := &listSecretsOutput{}
		out.Body.Items = make([]SecretBody, len(ms))
		for i, m := range ms {
			out.Body.Items[i] = secretBody(m)
		}
		return out, nil
	})

	huma.Register(api, tenantOperation(huma.Operation{
		OperationID: "put-secret", Method: http.MethodPut, Path: "/v1/secrets/{name}", Tags: tags,
		Summary: "Set a secret",
		Description: "Stores the value encrypted, replacing any previous value of that name, e.g. " +
			"`wechat.mini_program.app_secret`, `sms.aliyun.access_key_secret`, `smtp.password`. " +
			"The response shows it masked.",
	}, access.PermSettingsWrite), func(ctx context.Context, in *putSecretInput) (*secretOutput, error) {
		m, err := svc.Set(ctx, principalFrom(ctx).Tenant.ID, in.Name, in.Body.Value)
		if err != nil {
			return nil, mapSecretError(ctx, log, err)
		}
		return &secretOutput{Body: secretBody(m)}, nil
	})

	huma.Register(api, tenantOperation(huma.Operation{
		OperationID: "delete-secret", Method: http.MethodDelete, Path: "/v1/secrets/{name}", Tags: tags,
		Summary: "Delete a secret", DefaultStatus: http.StatusNoContent,
		Description: "The channel that used it stops working until it is set again.",
	}, access.PermSettingsWrite), func(ctx context.Context, in *secretRef) (*struct{}, error) {
		if err := svc.Delete(ctx, principalFrom(ctx).Tenant.ID, in.Name); err != nil {
			return nil, mapSecretError(ctx, log, err)
		}
		return nil, nil
	})
}

// mapSecretError maps what is particular to secrets (a missing secret, a name that arrives in
// the path) and leaves the rest to mapError. A value is never echoed.
func mapSecretError(ctx context.Context, log *slog.Logger, err error) error {
	var fe *tenants.FieldError
	switch {
	case errors.Is(err, ports.ErrSecretNotFound):
		return problem(ctx, http.StatusNotFound, "secret_not_found", "no such secret")
	case errors.As(err, &fe):
		var fields []*FieldDetail
		for _, e := range unjoin(err) {
			if !errors.As(e, &fe) {
				continue
			}
			location := "body." + fe.Field
			if fe.Field == "name" {
				location = "path.name"
			}
			fields = append(fields, field(location, fe.Err.Error(), nil))
		}
		return problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "the request has invalid fields", fields...)
	}
	return mapError(ctx, log, err)
}
