// Package platformui is the platform's part of the console: the dashboard, team, roles, API
// keys, audit log, channels, webhooks and brand profile of each brand, and the platform
// operator's list of brands.
package platformui

import (
	"embed"

	"github.com/engagehq/engage/adapters/console"
	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/application/platform/apikeys"
	auditapp "github.com/engagehq/engage/application/platform/audit"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/application/platform/tenancy"
	"github.com/engagehq/engage/application/platform/webhooks"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// Slots of the platform's pages, where other modules add parts.
const (
	// DashboardNotices is the top of the dashboard: what needs the admin's attention.
	DashboardNotices console.Slot = "platform.dashboard.notices"
	// DashboardPanels is the dashboard's main column: what modules show of the brand's
	// customers (members, stages, sales, ...), each module its own panels. The team, keys and
	// changes are the side panel beside it.
	DashboardPanels console.Slot = "platform.dashboard.panels"
	// ChannelSettings is the foot of the channels page: what a module sets up over a channel.
	ChannelSettings console.Slot = "platform.channels"
)

//go:embed templates
var templateFS embed.FS

// Deps are the services the platform's pages use.
type Deps struct {
	// Tenants lists the brands for the operator; Tenancy onboards and changes them.
	Tenants *tenants.Directory
	Tenancy *tenancy.Service
	// APIKeys, Access (team and roles), Audit and Channels serve the pages of their names.
	APIKeys  *apikeys.Service
	Access   *accessapp.Service
	Audit    *auditapp.Service
	Channels *channels.Service
	// Webhooks keeps the brand's webhook endpoints and their delivery logs.
	Webhooks *webhooks.Service
}

// handlers serve the platform's pages.
type handlers struct{ d Deps }

// Module is the platform's part of the console.
func Module(d Deps) console.Module {
	h := &handlers{d: d}
	return console.Module{
		Name:      "platform",
		Routes:    h.routes(),
		Menu:      menu,
		Messages:  messages,
		Templates: console.TemplatesOf(templateFS),
		Funcs:     funcs,
		Parts: []console.Part{
			{Slot: DashboardNotices, Gate: console.Needs(access.PermWebhooksRead), Render: h.disabledWebhooksNotice},
		},
	}
}

func (h *handlers) routes() []console.Route {
	get, post, needs := console.Get, console.Post, console.Needs
	return []console.Route{
		get("/", console.AnyAdmin, h.dashboard),
		get("/dashboard/activity.json", needs(access.PermAuditRead), h.activity),
		get("/api-keys", needs(access.PermAPIKeysRead), h.apiKeys),
		post("/api-keys", needs(access.PermAPIKeysWrite), h.createAPIKey),
		post("/api-keys/{id}/revoke", needs(access.PermAPIKeysWrite), h.revokeAPIKey),
		post("/api-keys/{id}/rotate", needs(access.PermAPIKeysWrite), h.rotateAPIKey),
		get("/team", needs(access.PermTeamRead), h.team),
		post("/team/invitations", needs(access.PermTeamWrite), h.invite),
		post("/team/invitations/{id}/revoke", needs(access.PermTeamWrite), h.revokeInvitation),
		post("/team/members/{id}/roles", needs(access.PermTeamWrite), h.changeRoles),
		post("/team/members/{id}/remove", needs(access.PermTeamWrite), h.removeMember),
		get("/audit", needs(access.PermAuditRead), h.auditLog),
		get("/audit/export.csv", needs(access.PermAuditExport), h.auditExport),
		get("/audit/{seq}", needs(access.PermAuditRead), h.auditRecord),
		get("/roles", needs(access.PermRolesRead), h.roles),
		post("/roles", needs(access.PermRolesWrite), h.saveRole),
		post("/roles/{name}/delete", needs(access.PermRolesWrite), h.deleteRole),
		get("/settings/channels", needs(access.PermSettingsRead), h.channels),
		post("/settings/channels/{channel}", needs(access.PermSettingsWrite), h.saveChannel),
		post("/settings/channels/{channel}/test", needs(access.PermSettingsWrite), h.testChannel),
		get("/settings/brand", needs(access.PermTenantRead), h.brand),
		post("/settings/brand", needs(access.PermTenantWrite), h.saveBrand),
		post("/settings/brand/logo", needs(access.PermTenantWrite), h.uploadLogo),
		// Every member sees the brand's logo.
		get("/brand/logo", console.AnyAdmin, h.logo),
		get("/webhooks", needs(access.PermWebhooksRead), h.webhooks),
		post("/webhooks", needs(access.PermWebhooksWrite), h.createWebhook),
		get("/webhooks/{id}", needs(access.PermWebhooksRead), h.webhook),
		post("/webhooks/{id}", needs(access.PermWebhooksWrite), h.updateWebhook),
		post("/webhooks/{id}/pause", needs(access.PermWebhooksWrite), h.webhookState((*webhooks.Service).Pause, "webhooks.paused")),
		post("/webhooks/{id}/resume", needs(access.PermWebhooksWrite), h.webhookState((*webhooks.Service).Resume, "webhooks.resumed")),
		post("/webhooks/{id}/rotate", needs(access.PermWebhooksWrite), h.rotateWebhook),
		post("/webhooks/{id}/test", needs(access.PermWebhooksWrite), h.testWebhook),
		post("/webhooks/{id}/delete", needs(access.PermWebhooksWrite), h.deleteWebhook),
		post("/webhooks/{id}/deliveries/{delivery}/retry", needs(access.PermWebhooksWrite), h.retryDelivery),
		get("/platform/", console.Operator, h.platform),
		post("/platform/tenants", console.Operator, h.createTenant),
		post("/platform/tenants/{slug}/suspend", console.Operator, h.tenantStatus(true)),
		post("/platform/tenants/{slug}/reinstate", console.Operator, h.tenantStatus(false)),
	}
}

// menu is the platform's part of the sidebar; the customers module's entries come between.
var menu = []console.MenuEntry{
	{Label: "nav.dashboard", Path: "/console/", Gate: console.AnyAdmin, Order: 0},
	{Label: "nav.team", Path: "/console/team", ID: "team", Gate: console.Needs(access.PermTeamRead), Order: 60},
	{Label: "nav.roles", Path: "/console/roles", ID: "roles", Gate: console.Needs(access.PermRolesRead), Order: 70},
	{Label: "nav.api_keys", Path: "/console/api-keys", ID: "api-keys", Gate: console.Needs(access.PermAPIKeysRead), Order: 80},
	{Label: "nav.audit", Path: "/console/audit", ID: "audit", Gate: console.Needs(access.PermAuditRead), Order: 90},
	{Label: "nav.channels", Path: "/console/settings/channels", ID: "channels", Gate: console.Needs(access.PermSettingsRead), Order: 100},
	{Label: "nav.webhooks", Path: "/console/webhooks", ID: "webhooks", Gate: console.Needs(access.PermWebhooksRead), Order: 110},
	{Label: "nav.brand", Path: "/console/settings/brand", ID: "brand", Gate: console.Needs(access.PermTenantRead), Order: 130},
}
