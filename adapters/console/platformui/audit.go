package platformui

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/platform/audit"
	"github.com/engagehq/engage/ports"
)

type auditView struct {
	*console.View
	Records []auditRow
	Filter  auditFilter
	Next    string
	Query   string
	// Actions, TargetTypes and Actors are the filters' choices, by name: actors are the
	// brand's admins, its API keys and the jobs that change things by themselves.
	Actions, TargetTypes, Actors []console.TermOption
}

// auditRow is a record as people read it: the action, the target and the actor by name.
type auditRow struct {
	audit.Record
	ActionName, TargetTypeName, TargetName, ActorName string
}

// singletons are target types of which a brand has one, whose ID names nothing.
var singletons = map[string]bool{"customer_attributes": true, "customers": true, "lifecycle_settings": true, "points_settings": true}

// actorTypes are the types namers name an actor of each kind by.
var actorTypes = map[string]string{string(ports.ActorUser): "user", string(ports.ActorAPIKey): "api_key", string(ports.ActorCustomer): "customer"}

// names names what rs refer to, with one query per type for all of them (audit.Service.Names).
func (h *handlers) names(r *http.Request, rs []audit.Record) ([]auditRow, error) {
	v := console.ViewOf(r)
	refs := map[string][]string{}
	for _, rec := range rs {
		if rec.TargetID != "" {
			refs[rec.TargetType] = append(refs[rec.TargetType], rec.TargetID)
		}
		if kind, ok := actorTypes[rec.ActorKind]; ok && rec.ActorID != "" {
			refs[kind] = append(refs[kind], rec.ActorID)
		}
	}
	names, err := h.d.Audit.Names(r.Context(), v.Tenant.ID, refs)
	if err != nil {
		return nil, err
	}
	out := make([]auditRow, len(rs))
	for i, rec := range rs {
		out[i] = auditRow{Record: rec, ActionName: v.Term(console.TermAction, rec.Action),
			TargetTypeName: v.Term(console.TermTarget, rec.TargetType),
			TargetName:     targetName(v, rec, names[rec.TargetType][rec.TargetID]), ActorName: actorName(v, rec, names)}
	}
	return out, nil
}

// targetName is what rec's target is called: the name its module gives it, a built-in role's or
// a channel's name, a key that is a name itself (a tag, a custom role); for a target that no
// longer exists, a short ID.
func targetName(v *console.View, rec audit.Record, named string) string {
	switch {
	case named != "":
		return named
	case singletons[rec.TargetType]:
		return ""
	case rec.TargetType == "role":
		return v.RoleName(rec.TargetID)
	case rec.TargetType == "channel":
		return messages.T(v.Lang, "channels."+rec.TargetID)
	case rec.TargetType == "operation":
		return operationName(v, rec)
	}
	if _, err := uuid.Parse(rec.TargetID); err == nil {
		return messages.T(v.Lang, "audit.gone") + " " + shortID(rec.TargetID)
	}
	return rec.TargetID
}

// operationName names the API operation a refusal (access.denied) names by its ID, by what it
// needed: "needing “Manage customers”"; nothing when the record does not say.
func operationName(v *console.View, rec audit.Record) string {
	var after struct {
		Permission string `json:"permission"`
	}
	if json.Unmarshal(rec.After, &after) != nil || after.Permission == "" {
		return ""
	}
	return fmt.Sprintf(messages.T(v.Lang, "audit.operation_needing"), v.Term(console.TermPermission, after.Permission))
}

// actorName is who made rec's change: the admin's name or email, the API key's name, the
// customer's name, the job's name for the system, the platform operator.
func actorName(v *console.View, rec audit.Record, names map[string]map[string]string) string {
	if kind, ok := actorTypes[rec.ActorKind]; ok {
		if n := names[kind][rec.ActorID]; n != "" {
			if rec.ActorKind == string(ports.ActorCustomer) {
				return fmt.Sprintf(messages.T(v.Lang, "audit.by_customer"), n)
			}
			return n
		}
	}
	switch rec.ActorKind {
	case string(ports.ActorUser):
		if rec.ActorLabel != "" {
			return rec.ActorLabel // the admin's email, as signed in
		}
	case string(ports.ActorSystem):
		if rec.ActorID != "" {
			return v.TermOr(console.TermJob, rec.ActorID, v.Term(console.TermActor, rec.ActorKind))
		}
	case string(ports.ActorPlatform):
		return v.Term(console.TermActor, rec.ActorKind)
	}
	name := v.Term(console.TermActor, rec.ActorKind)
	if rec.ActorID != "" {
		name += " " + shortID(rec.ActorID)
	}
	return name
}

// actors are who may have made the brand's changes, for the audit log's filter: its admins by
// name or email, its API keys by name, and the jobs.
func (h *handlers) actors(r *http.Request) ([]console.TermOption, error) {
	v := console.ViewOf(r)
	members, err := h.d.Access.Members(r.Context(), v.Tenant.ID)
	if err != nil {
		return nil, err
	}
	keys, err := h.d.APIKeys.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []console.TermOption
	for _, m := range members {
		name := m.Email
		if m.Name != "" {
			name = m.Name + " <" + m.Email + ">"
		}
		out = append(out, console.TermOption{Code: m.UserID.String(), Name: name})
	}
	for _, k := range keys {
		out = append(out, console.TermOption{Code: k.ID.String(), Name: v.Term(console.TermActor, string(ports.ActorAPIKey)) + " " + k.Name})
	}
	return append(out, v.TermsOf(console.TermJob)...), nil
}

// shortID is the first part of an ID, enough to tell records apart.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
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
	out := auditView{View: v, Filter: f, Query: r.URL.RawQuery,
		Actions: v.TermsOf(console.TermAction), TargetTypes: v.TermsOf(console.TermTarget)}
	if out.Actors, err = h.actors(r); err != nil {
		console.Internal(w, r, err)
		return
	}
	if len(rs) > limit {
		rs = rs[:limit]
		out.Next = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(rs[len(rs)-1].Seq, 10)))
	}
	if out.Records, err = h.names(r, rs); err != nil {
		console.Internal(w, r, err)
		return
	}
	block := "page"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "records" {
		block = "records"
	}
	console.RenderBlock(w, r, "audit", block, out)
}

type auditRecordView struct {
	*console.View
	Record auditRow
	// Changes, Before and After are the record's diff and snapshots field by field, named and
	// written in the admin's language.
	Changes       []console.FieldChange
	Before, After []console.FieldRow
}

// recordFields names the fields of rec's snapshots: by the terms of its target type, and a
// brand's custom attributes ("attributes.<key>") by their labels in the admin's language.
func (h *handlers) recordFields(r *http.Request, rec audit.Record) (console.Fields, error) {
	v := console.ViewOf(r)
	var keys []string
	for _, raw := range []json.RawMessage{rec.Before, rec.After, rec.Diff} {
		keys = append(keys, attributeKeys(raw)...)
	}
	names := map[string]string{}
	if len(keys) > 0 {
		kind := "customer_attribute"
		if v.Lang == "en" {
			kind += ".en"
		}
		found, err := h.d.Audit.Names(r.Context(), v.Tenant.ID, map[string][]string{kind: keys})
		if err != nil {
			return console.Fields{}, err
		}
		for k, s := range found[kind] {
			names["attributes."+k] = s
		}
	}
	return v.Fields(rec.TargetType, names), nil
}

// attributeKeys are the custom attributes a snapshot or diff names: as its own keys, in its
// list of changed fields ("attributes.vip_level"), or as the keys of its attributes object.
func attributeKeys(raw json.RawMessage) []string {
	var snap map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &snap) != nil {
		return nil
	}
	var out []string
	for k, val := range snap {
		out = append(out, attributesIn(k, val)...)
		var change struct{ Before, After json.RawMessage }
		if json.Unmarshal(val, &change) == nil {
			out = append(out, attributesIn(k, change.Before)...)
			out = append(out, attributesIn(k, change.After)...)
		}
	}
	return out
}

// attributesIn are the custom attributes field k with value val names.
func attributesIn(k string, val json.RawMessage) []string {
	var out []string
	if attr, ok := strings.CutPrefix(k, "attributes."); ok {
		out = append(out, attr)
	}
	var list []string
	if k == "fields" && json.Unmarshal(val, &list) == nil {
		for _, f := range list {
			if attr, ok := strings.CutPrefix(f, "attributes."); ok {
				out = append(out, attr)
			}
		}
	}
	var obj map[string]json.RawMessage
	if k == "attributes" && json.Unmarshal(val, &obj) == nil {
		for attr := range obj {
			out = append(out, attr)
		}
	}
	return out
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
	rows, err := h.names(r, []audit.Record{rec})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	fields, err := h.recordFields(r, rec)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "audit_record", auditRecordView{View: v, Record: rows[0],
		Changes: fields.Changes(rec.Diff), Before: fields.Rows(rec.Before), After: fields.Rows(rec.After)})
}

func (h *handlers) auditExport(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+v.Tenant.Slug+`.csv"`)
	if err := h.d.Audit.ExportCSV(r.Context(), v.Tenant.ID, filterFrom(r).ports(v.Location()), w); err != nil {
		console.Logger(r).ErrorContext(r.Context(), "console audit export", "error", err)
	}
}
