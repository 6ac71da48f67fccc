// Package customersapi is the customers module's part of the API: customer profiles and their
// custom attributes, Mini Program login and members' self-service, events and event types,
// check-ins, WeChat accounts, tags, lifecycle, merges, imports, privacy and segments.
package customersapi

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/checkins"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/application/customers/customerimport"
	"github.com/engagehq/engage/application/customers/customermerge"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/events"
	lifecycleapp "github.com/engagehq/engage/application/customers/lifecycle"
	"github.com/engagehq/engage/application/customers/membership"
	"github.com/engagehq/engage/application/customers/privacy"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/customers/tags"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/tenants"
)

// Deps are the customers module's services the operations call. Any may be nil when only the
// OpenAPI document is wanted.
type Deps struct {
	// Tenants finds the brand a Mini Program logs in to.
	Tenants   *tenants.Directory
	Customers *customers.Service
	// CustomerAuth logs customers in from the Mini Program and checks their tokens; nil refuses
	// customer operations.
	CustomerAuth *customerauth.Service
	Events       *events.Service
	// WeChatAccounts manages customers' WeChat links and fan tag imports.
	WeChatAccounts *wechataccounts.Service
	// Checkins makes member codes and checks members in.
	Checkins *checkins.Service
	// Membership summarises a member's membership.
	Membership *membership.Service
	// Merges merges duplicate customers; Privacy downloads and erases customers' data;
	// Imports imports customers from CSV files.
	Merges  *customermerge.Service
	Privacy *privacy.Service
	Imports *customerimport.Service
	// Tags tags customers; Lifecycle serves the brand's lifecycle rules and stage counts.
	Tags      *tags.Service
	Lifecycle *lifecycleapp.Service
	// Segments serves segments, auto-tag rules and customer exports.
	Segments *segments.Service
}

// Module is the customers module's operations. It checks the tokens of customer operations
// (httpapi.CustomerTokens) and types each brand's attributes and event types in the brand's
// own document (httpapi.BrandSchemas).
type Module struct {
	deps Deps
	kit  *httpapi.Kit
}

// New returns the customers module's operations, calling the services of deps.
func New(deps Deps) *Module { return &Module{deps: deps} }

// RegisterAPI registers the customers module's operations on api. A Module serves one server.
func (m *Module) RegisterAPI(api huma.API, kit *httpapi.Kit) {
	m.kit = kit
	api.OpenAPI().Tags = append(api.OpenAPI().Tags,
		&huma.Tag{Name: "Customers", Description: "Customer profiles, custom attributes, search, import, export, merging and privacy " +
			"(PIPL download and erasure). Partners name customers by Engage's ID or by their own external ID."},
		&huma.Tag{Name: "Customer events", Description: "The activity stream: purchases, visits and the brand's own event types, " +
			"sent in batches, with each customer's timeline and activity aggregates."},
		&huma.Tag{Name: "Tags", Description: "Labels on customers, set by admins and partners, auto-tag rules or WeChat fan tags."},
		&huma.Tag{Name: "Lifecycle", Description: "Lifecycle stages (new, active, at risk, lapsed, won back) and the brand's rules."},
		&huma.Tag{Name: "Segments", Description: "Saved segments and auto-tag rules over a typed tree of conditions, live counts and previews."},
		&huma.Tag{Name: "WeChat accounts", Description: "Customers' WeChat logins and the Official Account's fan tags."},
		&huma.Tag{Name: "Mini Program", Description: "What a brand's Mini Program calls: login with a WeChat code, then the member's " +
			"own profile, membership, timeline and check-in code with the customer token."})
	api.OpenAPI().Components.SecuritySchemes[httpapi.SchemeCustomer] = &huma.SecurityScheme{Type: "http", Scheme: "bearer",
		Description: "A customer token, ect_..., from POST /v1/mini/{tenant}/login or /refresh; valid 2 hours"}
	m.registerCustomers(api)
	m.registerMini(api)
	m.registerEvents(api)
	m.registerEventTypes(api)
	m.registerSelfService(api)
	m.registerCheckins(api)
	m.registerWeChatAccounts(api)
	m.registerTags(api)
	m.registerLifecycle(api)
	m.registerMerge(api)
	m.registerImports(api)
	m.registerPrivacy(api)
	m.registerSegments(api)
}
