// Package tiersui is the tiers module's part of the console: the brand's tier program (the
// ladder and its settings in words, and their editor), each customer's tier on their 360°
// view (tier, validity, progress, history and the manual assignment) and the members per
// tier.
package tiersui

import (
	"embed"
	"html/template"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/console/customersui"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
)

//go:embed templates
var templateFS embed.FS

// Deps are the services the tiers pages use.
type Deps struct {
	// Tiers is the brand's tier program and its members' tiers.
	Tiers *tiers.Service
	// Customers names the customer whose tier a page shows.
	Customers *customers.Service
}

// handlers serve the tiers pages.
type handlers struct{ d Deps }

// Module is the tiers module's part of the console.
func Module(d Deps) console.Module {
	h := &handlers{d: d}
	read, write := console.Needs(tier.PermRead), console.Needs(tier.PermWrite)
	return console.Module{
		Name: "tiers",
		Routes: []console.Route{
			console.Get("/tiers/program", read, h.program),
			console.Post("/tiers/program", write, h.saveProgram),
			console.Get("/tiers/members", read, h.members),
			console.Post("/customers/{id}/tier", write, h.assign),
		},
		Menu: []console.MenuEntry{
			{Label: "nav.tiers_program", Path: "/console/tiers/program", ID: "tiers-program", Gate: read, Order: 59},
			{Label: "nav.tiers_members", Path: "/console/tiers/members", ID: "tiers-members", Gate: read, Order: 59},
		},
		Messages:  messages,
		Templates: console.TemplatesOf(templateFS),
		Funcs: template.FuncMap{"tierName": tierName, "criteriaText": criteriaText, "settingsText": settingsText, "figuresText": figuresText, "reasonText": reasonText,
			"count": console.FormatCount, "months": months, "now": time.Now, "lastDay": lastDay},
		Parts: []console.Part{{Slot: customersui.CustomerSections, Gate: read, Render: h.customerSection}},
	}
}

// tierName is the name in lang of the ladder's tier code, or the code of one it no longer has.
func tierName(lang string, l tier.Ladder, code tier.Code) string {
	if i := l.Index(code); i >= 0 {
		return l[i].Name.In(lang)
	}
	return string(code)
}

// reasonText is a change's reason in lang: the module's own reasons named, an admin's as written.
func reasonText(lang, reason string) string {
	return messages.TOr(lang, "tiers.reason_"+reason, reason)
}

// months are the grace period's choices.
func months() []int {
	out := make([]int, tier.WindowMonths+1)
	for i := range out {
		out[i] = i
	}
	return out
}

// lastDay is the last instant before at: a validity ending at midnight holds all of the day
// before, which is the day a page names.
func lastDay(at time.Time) time.Time { return at.Add(-time.Second) }
