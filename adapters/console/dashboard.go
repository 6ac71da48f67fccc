package console

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

type dashboardView struct {
	*view
	Members    int
	ActiveKeys int
	Changes    int
	// DisabledWebhooks counts the webhook endpoints the platform disabled, for a notice.
	DisabledWebhooks int
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	v := viewFrom(r.Context())
	d := dashboardView{view: v, Members: -1, ActiveKeys: -1}
	var err error
	if v.Permissions[access.PermTeamRead] {
		ms, err := s.d.Access.Members(r.Context(), v.Tenant.ID)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		d.Members = len(ms)
	}
	if v.Permissions[access.PermAPIKeysRead] {
		keys, err := s.d.APIKeys.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 1000})
		if err != nil {
			s.internal(w, r, err)
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
		days, err := s.d.Audit.Activity(r.Context(), v.Tenant, 7, time.Now())
		if err != nil {
			s.internal(w, r, err)
			return
		}
		for _, day := range days {
			d.Changes += day.Count
		}
	}
	if v.Permissions[access.PermWebhooksRead] {
		if d.DisabledWebhooks, err = s.disabledWebhooks(r); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	s.pages.render(w, "dashboard", d)
}

// activity is the data of the dashboard's chart: changes per day over two weeks.
func (s *Server) activity(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermAuditRead) {
		return
	}
	v := viewFrom(r.Context())
	days, err := s.d.Audit.Activity(r.Context(), v.Tenant, 14, time.Now())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := struct {
		Days   []string `json:"days"`
		Counts []int    `json:"counts"`
		Label  string   `json:"label"`
	}{Label: tr(v.Lang, "dashboard.changes")}
	for _, d := range days {
		out.Days = append(out.Days, d.Day.Format("01-02"))
		out.Counts = append(out.Counts, d.Count)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
