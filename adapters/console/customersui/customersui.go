// Package customersui is the customers module's part of the console: the customer list and
// 360° view, WeChat accounts, tags and auto-tags, lifecycle, segments, imports, merges,
// erasures and custom event types.
package customersui

import (
	"embed"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/console/platformui"
	"github.com/engagehq/engage/application/customers/customerimport"
	"github.com/engagehq/engage/application/customers/customermerge"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/events"
	lifecycleapp "github.com/engagehq/engage/application/customers/lifecycle"
	"github.com/engagehq/engage/application/customers/overview"
	"github.com/engagehq/engage/application/customers/privacy"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/customers/tags"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
)

//go:embed templates
var templateFS embed.FS

// CustomerSections is the slot of a customer's 360° view where other modules add their
// sections (the points module: wallets, history, adjustments). A part reads the customer's ID
// from the request's {id} path parameter.
const CustomerSections console.Slot = "customers.customer.sections"

// Deps are the services the customers module's pages use.
type Deps struct {
	// Customers keeps the profiles and the brand's custom attributes.
	Customers *customers.Service
	// WeChatAccounts manages customers' WeChat links and fan tag imports.
	WeChatAccounts *wechataccounts.Service
	// Tags tags customers; Lifecycle serves the stages and their rules.
	Tags      *tags.Service
	Lifecycle *lifecycleapp.Service
	// Segments serves the segment builder, auto-tag rules and customer exports.
	Segments *segments.Service
	// Merges merges duplicate customers; Imports imports customers from CSV files; Privacy
	// erases customers' personal data.
	Merges  *customermerge.Service
	Imports *customerimport.Service
	Privacy *privacy.Service
	// Events is the activity stream: timelines, aggregates and the brand's custom event types.
	Events *events.Service
	// Overview is the brand's customers at a glance, for the dashboard.
	Overview *overview.Service
}

// handlers serve the customers module's pages.
type handlers struct{ d Deps }

// Module is the customers module's part of the console.
func Module(d Deps) console.Module {
	h := &handlers{d: d}
	return console.Module{
		Name:      "customers",
		Routes:    h.routes(),
		Menu:      menu,
		Messages:  messages,
		Templates: console.TemplatesOf(templateFS),
		Parts: []console.Part{
			{Slot: platformui.ChannelSettings, Gate: console.Needs(customer.PermRead), Render: fanTagsSection},
			{Slot: platformui.DashboardPanels, Gate: console.Needs(customer.PermRead), Render: h.dashboardPanels},
		},
	}
}

func (h *handlers) routes() []console.Route {
	get, post := console.Get, console.Post
	read, write := console.Needs(customer.PermRead), console.Needs(customer.PermWrite)
	return []console.Route{
		get("/customers", read, h.customers),
		post("/customers", write, h.createCustomer),
		get("/customers/new", write, h.newCustomer),
		get("/customers/{id}", read, h.customer),
		post("/customers/{id}", write, h.updateCustomer),
		get("/customers/{id}/wechat-accounts", read, h.wechatAccounts),
		post("/customers/{id}/wechat-accounts/link", write, h.linkWeChatAccount),
		post("/customers/{id}/wechat-accounts/{openid}/disconnect", write, h.wechatAccountAction(false)),
		post("/customers/{id}/wechat-accounts/{openid}/reauthorize", write, h.wechatAccountAction(true)),
		get("/wechat/fan-tags", read, h.fanTags),
		post("/wechat/fan-tags/import", write, h.importFanTags),
		get("/customers/{id}/tags", read, h.customerTags),
		post("/customers/{id}/tags", write, h.addCustomerTag),
		post("/customers/{id}/tags/remove", write, h.removeCustomerTag),
		post("/customers/bulk-tags", write, h.bulkTag),
		get("/tags", read, h.tagsPage),
		get("/lifecycle", read, h.lifecyclePage),
		post("/lifecycle", console.Needs(access.PermSettingsWrite), h.saveLifecycle),
		get("/customers/import", write, h.importPage),
		post("/customers/import", write, h.importCustomers),
		get("/customers/{id}/merge", write, h.mergePage),
		post("/customers/{id}/merge", write, h.mergeCustomers),
		get("/customers/erasures", console.Needs(customer.PermErase), h.erasures),
		get("/customers/{id}/privacy", console.Needs(customer.PermErase), h.privacyPanel),
		post("/customers/{id}/erase", console.Needs(customer.PermErase), h.eraseCustomer),
		get("/customers/export.csv", console.Needs(customer.PermExport), h.customerExport),
		get("/segments", read, h.segmentsList),
		post("/segments/builder", read, h.builderAction("segment", segmentBuilderPath, segmentCountPath)),
		post("/segments/count", read, h.segmentCount),
		post("/segments/preview", read, h.segmentPreview),
		get("/segments/{id}", read, h.segmentPage),
		post("/segments/{id}", write, h.saveSegment),
		post("/segments/{id}/delete", write, h.deleteSegment),
		get("/tag-rules", read, h.tagRules),
		post("/tag-rules", write, h.createTagRule),
		post("/tag-rules/builder", read, h.builderAction("tag_rules", ruleBuilderPath, "")),
		post("/tag-rules/{id}", write, h.changeTagRule),
		get("/settings/attributes", console.Needs(access.PermSettingsRead), h.attributes),
		post("/settings/attributes", console.Needs(access.PermSettingsWrite), h.saveAttribute),
		get("/settings/event-types", console.Needs(access.PermSettingsRead), h.eventTypes),
		post("/settings/event-types", console.Needs(access.PermSettingsWrite), h.saveEventType),
		post("/settings/event-types/{key}/delete", console.Needs(access.PermSettingsWrite), h.deleteEventType),
		get("/customers/{id}/timeline", console.Needs(customer.PermEventsRead), h.customerTimeline),
		get("/customers/{id}/spend.json", console.Needs(customer.PermEventsRead), h.customerSpend),
	}
}

// menu is the customers module's part of the sidebar; the platform's entries come between.
var menu = []console.MenuEntry{
	{Label: "nav.customers", Path: "/console/customers", ID: "customers", Gate: console.Needs(customer.PermRead), Order: 10},
	{Label: "nav.tags", Path: "/console/tags", ID: "tags", Gate: console.Needs(customer.PermRead), Order: 20},
	{Label: "nav.lifecycle", Path: "/console/lifecycle", ID: "lifecycle", Gate: console.Needs(customer.PermRead), Order: 30},
	{Label: "nav.segments", Path: "/console/segments", ID: "segments", Gate: console.Needs(customer.PermRead), Order: 40},
	{Label: "nav.tag_rules", Path: "/console/tag-rules", ID: "tag-rules", Gate: console.Needs(customer.PermRead), Order: 50},
	{Label: "nav.attributes", Path: "/console/settings/attributes", ID: "attributes", Gate: console.Needs(access.PermSettingsRead), Order: 115},
	{Label: "nav.event_types", Path: "/console/settings/event-types", ID: "event-types", Gate: console.Needs(access.PermSettingsRead), Order: 120},
}
