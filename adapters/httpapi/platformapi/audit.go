package platformapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/audit"
	"github.com/engagehq/engage/ports"
)

// AuditBody is one audit record.
type AuditBody struct {
	Seq        int64           `json:"seq" doc:"Position in the brand's trail, from 1"`
	OccurredAt time.Time       `json:"occurred_at"`
	ActorKind  string          `json:"actor_kind" enum:"user,api_key,platform,system,customer"`
	ActorID    string          `json:"actor_id"`
	ActorLabel string          `json:"actor_label"`
	Action     string          `json:"action" example:"api_key.create"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	Diff       json.RawMessage `json:"diff,omitempty" doc:"The fields that changed: {field: {before, after}}"`
	Reason     string          `json:"reason,omitempty"`
	RequestID  string          `json:"request_id"`
	IP         string          `json:"ip"`
	UserAgent  string          `json:"user_agent"`
	Hash       string          `json:"hash" doc:"SHA-256 chaining this record to the one before it, hex"`
}

func auditBody(r audit.Record) AuditBody {
	return AuditBody{Seq: r.Seq, OccurredAt: r.OccurredAt, ActorKind: r.ActorKind, ActorID: r.ActorID, ActorLabel: r.ActorLabel,
		Action: r.Action, TargetType: r.TargetType, TargetID: r.TargetID, Before: r.Before, After: r.After, Diff: r.Diff,
		Reason: r.Reason, RequestID: r.RequestID, IP: r.IP, UserAgent: r.UserAgent, Hash: hexString(r.Hash)}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}

// AuditQuery filters the audit trail.
type AuditQuery struct {
	Actor      string    `query:"actor" maxLength:"64" doc:"Actor ID (user or key)"`
	Action     string    `query:"action" maxLength:"64" example:"api_key.revoke"`
	TargetType string    `query:"target_type" maxLength:"64"`
	TargetID   string    `query:"target_id" maxLength:"128"`
	From       time.Time `query:"from" doc:"From this time (RFC 3339), inclusive"`
	To         time.Time `query:"to" doc:"Until this time (RFC 3339), exclusive"`
}

func (q AuditQuery) filter() ports.AuditFilter {
	return ports.AuditFilter{ActorID: q.Actor, Action: q.Action, TargetType: q.TargetType, TargetID: q.TargetID, From: q.From, To: q.To}
}

type auditListInput struct {
	AuditQuery
	httpapi.PageQuery
}

type auditListOutput struct {
	Body struct {
		Items      []AuditBody `json:"items"`
		NextCursor string      `json:"next_cursor,omitempty"`
	}
}

type auditRecordInput struct {
	Seq int64 `path:"seq" minimum:"1"`
}

type auditRecordOutput struct{ Body AuditBody }

func (m *Module) registerAudit(api huma.API) {
	tags := []string{"Audit"}
	httpapi.Register(api, httpapi.Tenant(access.PermAuditRead), huma.Operation{
		OperationID: "list-audit-records", Method: http.MethodGet, Path: "/v1/audit-log", Tags: tags,
		Summary: "Browse the audit trail", Description: "Newest first.",
	}, func(ctx context.Context, in *auditListInput) (*auditListOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		rs, err := m.deps.Audit.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.filter(), page)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		rs, next := httpapi.Paginate(rs, page, func(r audit.Record) string { return strconv.FormatInt(r.Seq, 10) })
		out := &auditListOutput{}
		out.Body.Items = make([]AuditBody, len(rs))
		for i, r := range rs {
			out.Body.Items[i] = auditBody(r)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermAuditRead), huma.Operation{
		OperationID: "get-audit-record", Method: http.MethodGet, Path: "/v1/audit-log/{seq}", Tags: tags,
		Summary: "One audit record with its before, after and diff",
	}, func(ctx context.Context, in *auditRecordInput) (*auditRecordOutput, error) {
		r, err := m.deps.Audit.Get(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Seq)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &auditRecordOutput{Body: auditBody(r)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermAuditExport), huma.Operation{
		OperationID: "export-audit-records", Method: http.MethodGet, Path: "/v1/audit-log/export.csv", Tags: tags,
		Summary: "Export the audit trail as CSV", Description: "Oldest first, streamed, with the same filters as the listing.",
		Responses: map[string]*huma.Response{"200": {Description: "CSV", Content: map[string]*huma.MediaType{"text/csv": {}}}},
	}, func(ctx context.Context, in *AuditQuery) (*huma.StreamResponse, error) {
		tenant := httpapi.PrincipalFrom(ctx).Tenant
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			hctx.SetHeader("Content-Type", "text/csv; charset=utf-8")
			hctx.SetHeader("Content-Disposition", `attachment; filename="audit-`+tenant.Slug+`.csv"`)
			if err := m.deps.Audit.ExportCSV(ctx, tenant.ID, in.filter(), hctx.BodyWriter()); err != nil {
				m.kit.Logger().ErrorContext(ctx, "audit export", "request_id", httpapi.RequestID(ctx), "error", err)
			}
		}}, nil
	})
}
