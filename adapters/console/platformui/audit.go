package platformui

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/platform/audit"
	"github.com/engagehq/engage/ports"
)

type auditView struct {
	*console.View
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

func (h *handlers) auditLog(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f := filterFrom(r)
	after, _ := base64.RawURLEncoding.DecodeString(r.URL.Query().Get("cursor"))
	const limit = 50
	rs, err := h.d.Audit.List(r.Context(), v.Tenant.ID, f.ports(v.Location()), ports.Page{After: string(after), Limit: limit + 1})
	if errors.Is(err, ports.ErrBadCursor) {
		rs, err = h.d.Audit.List(r.Context(), v.Tenant.ID, f.ports(v.Location()), ports.Page{Limit: limit + 1})
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := auditView{View: v, Filter: f, Query: r.URL.RawQuery}
	if len(rs) > limit {
		rs = rs[:limit]
		out.Next = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(rs[len(rs)-1].Seq, 10)))
	}
	out.Records = rs
	block := "page"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "records" {
		block = "records"
	}
	console.RenderBlock(w, r, "audit", block, out)
}

type auditRecordView struct {
	*console.View
	Record audit.Record
}

func (h *handlers) auditRecord(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	seq, err := strconv.ParseInt(chi.URLParam(r, "seq"), 10, 64)
	if err != nil {
		console.NotFound(w, r)
		return
	}
	rec, err := h.d.Audit.Get(r.Context(), v.Tenant.ID, seq)
	if errors.Is(err, ports.ErrAuditNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "audit_record", auditRecordView{View: v, Record: rec})
}

func (h *handlers) auditExport(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+v.Tenant.Slug+`.csv"`)
	if err := h.d.Audit.ExportCSV(r.Context(), v.Tenant.ID, filterFrom(r).ports(v.Location()), w); err != nil {
		console.Logger(r).ErrorContext(r.Context(), "console audit export", "error", err)
	}
}
