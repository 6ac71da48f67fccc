// Package platformapi is the platform module's part of the API: brand tenants for platform
// operators, and for each brand its profile, API keys, admin sign-in, team, roles, audit trail,
// secrets and webhooks.
package platformapi

import (
	"context"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/application/platform/apikeys"
	auditapp "github.com/engagehq/engage/application/platform/audit"
	"github.com/engagehq/engage/application/platform/secrets"
	"github.com/engagehq/engage/application/platform/signin"
	"github.com/engagehq/engage/application/platform/tenancy"
	"github.com/engagehq/engage/application/platform/webhooks"
	"github.com/engagehq/engage/tenants"
)

// Deps are the platform services the operations call. Any may be nil when only the OpenAPI
// document is wanted.
type Deps struct {
	Tenants  *tenants.Directory
	Tenancy  *tenancy.Service
	APIKeys  *apikeys.Service
	Access   *accessapp.Service
	Audit    *auditapp.Service
	Secrets  *secrets.Service
	Webhooks *webhooks.Service
	// SignIn redeems local sign-in links; nil where they are disabled (production).
	SignIn *signin.Service
	// SecureCookies marks session cookies Secure (everywhere but plain-HTTP development).
	SecureCookies bool
}

// Module is the platform module's operations.
type Module struct {
	deps Deps
	kit  *httpapi.Kit
}

// New returns the platform module's operations, calling the services of deps.
func New(deps Deps) *Module { return &Module{deps: deps} }

// RegisterAPI registers the platform's operations on api. A Module serves one server.
func (m *Module) RegisterAPI(api huma.API, kit *httpapi.Kit) {
	api.OpenAPI().Tags = append(api.OpenAPI().Tags,
		&huma.Tag{Name: "Tenant", Description: "The brand itself: its name, plan and settings."},
		&huma.Tag{Name: "Team", Description: "The brand's admins: members, their roles, invitations."},
		&huma.Tag{Name: "Roles", Description: "Built-in and brand-defined roles and the permissions they grant."},
		&huma.Tag{Name: "API keys", Description: "Partners' credentials: issued with a role, shown once, rotated, revoked."},
		&huma.Tag{Name: "Audit", Description: "The brand's tamper-evident trail of every admin and partner change."},
		&huma.Tag{Name: "Secrets", Description: "Channel credentials, stored encrypted and never shown again."},
		&huma.Tag{Name: "Webhooks", Description: "Endpoints that receive the brand's events, signed, with their delivery logs."},
		&huma.Tag{Name: "Admin sign-in", Description: "Admins' sessions: one-time links in development, Kratos in production."},
		&huma.Tag{Name: "Platform", Description: "The platform operator's operations: onboarding, suspending and reinstating brands."})
	m.kit = kit
	m.registerPlatformTenants(api)
	m.registerTenant(api)
	m.registerAPIKeys(api)
	m.registerAdmin(api)
	m.registerTeam(api)
	m.registerRoles(api)
	m.registerAudit(api)
	m.registerSecrets(api)
	m.registerWebhooks(api)
}

// mapError answers the platform's refusals.
func (m *Module) mapError(ctx context.Context, err error) error {
	return m.kit.MapError(ctx, err, platformErrors)
}
