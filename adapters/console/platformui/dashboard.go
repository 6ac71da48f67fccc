package platformui

import (
	"encoding/json"
	"html/template"
	"net/http"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

type dashboardView struct {
	*console.View
	Members    int
	ActiveKeys int
	Changes    int
	// Notices are what modules ask the admin to look at (DashboardNotices); Panels what they
	// show of the brand's customers (DashboardPanels).
	Notices, Panels []template.HTML
}

func (h *handlers) dashboard(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	d := dashboardView{View: v, Members: -1, ActiveKeys: -1}
	if v.Permissions[access.PermTeamRead] {
		ms, err := h.d.Access.Members(r.Context(), v.Tenant.ID)
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		d.Members = len(ms)
	}
	if v.Permissions[access.PermAPIKeysRead] {
		keys, err := h.d.APIKeys.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 1000})
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		d.ActiveKeys = 0
		for _, k := range keys {
			if k.Live(time.Now()) == nil {
				d.ActiveKeys++
			}
		}
	}
	if v.Permissions[access.PermAuditRead] {
		days, err := h.d.Audit.Activity(r.Context(), v.Tenant, 7, time.Now())
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		for _, day := range days {
			d.Changes += day.Count
		}
	}
	notices, err := console.Parts(r, DashboardNotices)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	d.Notices = notices
	if d.Panels, err = console.Parts(r, DashboardPanels); err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "dashboard", d)
}

// activity is the data of the dashboard's chart: changes per day over two weeks.
func (h *handlers) activity(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	days, err := h.d.Audit.Activity(r.Context(), v.Tenant, 14, time.Now())
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := struct {
		Days   []string `json:"days"`
		Counts []int    `json:"counts"`
		Label  string   `json:"label"`
	}{Label: messages.T(v.Lang, "dashboard.changes")}
	for _, d := range days {
		out.Days = append(out.Days, d.Day.Format("01-02"))
		out.Counts = append(out.Counts, d.Count)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
