package console

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/audit"
	"github.com/engagehq/engage/ports"
)

type auditView struct {
	*view
	Records []audit.Record
	Filter  auditFilter
	Next    string
	Query   string
}

type auditFilter struct {
	Action, TargetType, Actor, From, To string
}

func (f auditFilter) ports(loc *time.Location) ports.AuditFilter {
	out := ports.AuditFilter{Action: f.Action, TargetType: f.TargetType, ActorID: f.Actor}
	if t, err := time.ParseInLocation("2006-01-02", f.From, loc); err == nil {
		out.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", f.To, loc); err == nil {
		out.To = t.AddDate(0, 0, 1)
	}
	return out
}

func filterFrom(r *http.Request) auditFilter {
	q := r.URL.Query()
	return auditFilter{Action: q.Get("action"), TargetType: q.Get("target_type"), Actor: q.Get("actor"), From: q.Get("from"), To: q.Get("to")}
}

func (s *Server) tenantLocation(v *view) *time.Location {
	loc, err := time.LoadLocation(v.Tenant.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermAuditRead) {
		return
	}
	v := viewFrom(r.Context())
	f := filterFrom(r)
	after, _ := base64.RawURLEncoding.DecodeString(r.URL.Query().Get("cursor"))
	const limit = 50
	rs, err := s.d.Audit.List(r.Context(), v.Tenant.ID, f.ports(s.tenantLocation(v)), ports.Page{After: string(after), Limit: limit + 1})
	if errors.Is(err, ports.ErrBadCursor) {
		rs, err = s.d.Audit.List(r.Context(), v.Tenant.ID, f.ports(s.tenantLocation(v)), ports.Page{Limit: limit + 1})
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := auditView{view: v, Filter: f, Query: r.URL.RawQuery}
	if len(rs) > limit {
		rs = rs[:limit]
		out.Next = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(rs[len(rs)-1].Seq, 10)))
	}
	out.Records = rs
	block := "page"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "records" {
		block = "records"
	}
	s.pages.renderBlock(w, "audit", block, out)
}

type auditRecordView struct {
	*view
	Record audit.Record
}

func (s *Server) auditRecord(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermAuditRead) {
		return
	}
	v := viewFrom(r.Context())
	seq, err := strconv.ParseInt(chi.URLParam(r, "seq"), 10, 64)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
		return
	}
	rec, err := s.d.Audit.Get(r.Context(), v.Tenant.ID, seq)
	if errors.Is(err, ports.ErrAuditNotFound) {
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.pages.render(w, "audit_record", auditRecordView{view: v, Record: rec})
}

func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermAuditExport) {
		return
	}
	v := viewFrom(r.Context())
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+v.Tenant.Slug+`.csv"`)
	if err := s.d.Audit.ExportCSV(r.Context(), v.Tenant.ID, filterFrom(r).ports(s.tenantLocation(v)), w); err != nil {
		s.d.Logger.ErrorContext(r.Context(), "console audit export", "error", err)
	}
}
