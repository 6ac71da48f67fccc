package platformdb

import (
	"context"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// Names names the platform's things for the audit trail: the brand, API keys by their names, admins (as
// actors, and as the members a membership change is about) by name or else email,
// invitations by the email invited, webhook endpoints by their description or else URL.
func Names() ports.Namers {
	admins := func(ctx context.Context, ids []string) (map[string]string, error) {
		return postgres.NamesByID(ctx, `SELECT id::text, COALESCE(NULLIF(name, ''), email) FROM admin_users WHERE id = ANY($1)`, ids)
	}
	return ports.Namers{
		"api_key": func(ctx context.Context, ids []string) (map[string]string, error) {
			return postgres.NamesByID(ctx, `SELECT id::text, name FROM api_keys WHERE id = ANY($1)`, ids)
		},
		"tenant": func(ctx context.Context, ids []string) (map[string]string, error) {
			return postgres.NamesByID(ctx, `SELECT id::text, name FROM tenants WHERE id = ANY($1)`, ids)
		},
		"user":       admins,
		"membership": admins,
		"invitation": func(ctx context.Context, ids []string) (map[string]string, error) {
			return postgres.NamesByID(ctx, `SELECT id::text, email FROM invitations WHERE id = ANY($1)`, ids)
		},
		"webhook": func(ctx context.Context, ids []string) (map[string]string, error) {
			return postgres.NamesByID(ctx, `SELECT id::text, COALESCE(NULLIF(description, ''), url) FROM webhook_endpoints WHERE id = ANY($1)`, ids)
		},
	}
}
