// Package pointsui is the points module's part of the console: the brand's points program
// (refunds, pending and expiry warnings, each wallet's base rate and expiry), its action rules
// (joining, check-ins, referrals, surveys, events), each customer's
// points on their 360° view (wallets, pending and expiring points, history, manual
// adjustments), and the names of the module's codes on every page (terms.go).
package pointsui

import (
	"embed"
	"html/template"
	"slices"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/console/customersui"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/points/points"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/points/ledger"
)

//go:embed templates
var templateFS embed.FS

// Deps are the services the points pages use.
type Deps struct {
	// Points is the ledger and the brand's program.
	Points *points.Service
	// Customers names the customer whose points a page shows.
	Customers *customers.Service
	// Rewards is the reward catalog; Segments offers the brand's segments to its eligibility.
	Rewards  *rewards.Service
	Segments *segments.Service
	// Events names the brand's custom event types, which action rules reward.
	Events *events.Service
	// Receipts is receipt scanning: the review queue's receipts and decisions.
	Receipts *receiptsapp.Service
}

// handlers serve the points pages.
type handlers struct{ d Deps }

// Module is the points module's part of the console.
func Module(d Deps) console.Module {
	h := &handlers{d: d}
	read := console.Needs(ledger.PermRead)
	return console.Module{
		Name: "points",
		Routes: slices.Concat(h.receiptRoutes(), h.receiptSettingsRoutes(), h.reportRoutes(), h.customReportRoutes(), h.fraudRoutes(), []console.Route{
			console.Get("/points/settings", read, h.settings),
			console.Post("/points/settings", console.Needs(access.PermSettingsWrite), h.saveSettings),
			console.Get("/customers/{id}/points", read, h.customerPoints),
			console.Post("/customers/{id}/points/adjustments", console.Needs(ledger.PermAdjust), h.adjust),
			console.Get("/points/actions", read, h.actionRules),
			console.Post("/points/actions", console.Needs(access.PermSettingsWrite), h.saveActionRule),
			console.Post("/points/actions/{key}/delete", console.Needs(access.PermSettingsWrite), h.deleteActionRule),
			// Earning rules (rules.go).
			console.Get("/points/rules", read, h.rulesPage),
			console.Get("/points/rules/versions/{version}/preview", read, h.previewPage),
			console.Post("/points/rules/versions/{version}/withdraw", console.Needs(access.PermSettingsWrite), h.withdraw),
			// The rule version editor (rules_editor.go).
			console.Get("/points/rules/draft", console.Needs(access.PermSettingsWrite), h.newDraft),
			console.Post("/points/rules/draft", console.Needs(access.PermSettingsWrite), h.saveDraft),
		}, rewardRoutes(h), campaignRoutes(h)),
		Menu: slices.Concat([]console.MenuEntry{
			{Label: "nav.points_settings", Path: "/console/points/settings", ID: "points-settings", Gate: read, Order: 55},
			{Label: "nav.points_rules", Path: "/console/points/rules", ID: "points-rules", Gate: read, Order: 56},
			{Label: "nav.points_actions", Path: "/console/points/actions", ID: "points-actions", Gate: read, Order: 57},
		}, rewardMenu, []console.MenuEntry{receiptsMenu, campaignMenu, fraudMenu}, reportMenu()),
		Messages:  messages,
		Templates: console.TemplatesOf(templateFS),
		Funcs: template.FuncMap{"points": console.FormatCount, "signed": formatSigned, "walletName": walletName, "reasonName": reasonName,
			"lastDay": lastDay, "rewardTitle": rewardTitle, "campaignOffer": campaignOffer, "weekdayName": weekdayName, "hasWeekday": hasWeekday},
		Parts: []console.Part{
			{Slot: customersui.CustomerSections, Gate: read, Render: h.customerSection},
		},
	}
}

// formatSigned writes a change of points with its sign: "+120", "-1,000", "0".
func formatSigned(n int64) string {
	if n > 0 {
		return "+" + console.FormatCount(n)
	}
	return console.FormatCount(n)
}

// reasonName is the name of an entry's reason in lang, or the reason's code for one the
// messages do not name yet.
func reasonName(lang, reason string) string { return named(lang, "points.reason_", reason) }

func named(lang, prefix, code string) string {
	if s := messages.T(lang, prefix+code); s != prefix+code {
		return s
	}
	return code
}

// lastDay is the last instant before at: points that stop counting at midnight count all of
// the day before, which is the day a page names.
func lastDay(at time.Time) time.Time { return at.Add(-time.Second) }
