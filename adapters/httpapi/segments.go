package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customer"
	"github.com/engagehq/engage/domain/lifecycle"
	"github.com/engagehq/engage/domain/segment"
	"github.com/engagehq/engage/ports"
)

// treeDoc documents a segment tree in the OpenAPI document.
const treeDoc = "A segment tree: {\"and\": [...]}, {\"or\": [...]}, {\"not\": {...}} or a condition " +
	"{\"field\", \"op\", \"value\"} with window_days, event_type, category or store where the field needs them. " +
	"Fields: gender, city, region, language, preferred_store, birth_month, joined_on, joined_days_ago, lifecycle_stage, " +
	"tag, purchase_count, spend_fen, visit_count, last_purchase_days_ago, purchases, events, category_spend_fen, " +
	"store_visits, joined_campaign, consents.<name>, attributes.<key>. At most 5 groups deep and 50 conditions."

// SegmentBody is a saved segment.
type SegmentBody struct {
	ID          string         `json:"id" format:"uuid"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Tree        map[string]any `json:"tree" doc:"The segment's tree, as saved"`
	MemberCount int64          `json:"member_count" doc:"Members at the last full refresh"`
	RefreshedAt *time.Time     `json:"refreshed_at,omitempty" doc:"When the members were last computed in full"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

func segmentBody(s segment.Segment) SegmentBody {
	b := SegmentBody{ID: s.ID.String(), Name: s.Name, Description: s.Description, MemberCount: s.Members,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	_ = json.Unmarshal(s.Definition, &b.Tree)
	if !s.RefreshedAt.IsZero() {
		b.RefreshedAt = &s.RefreshedAt
	}
	return b
}

type segmentFields struct {
	Name        string         `json:"name" minLength:"1" maxLength:"100"`
	Description string         `json:"description,omitempty" maxLength:"1000"`
	Tree        map[string]any `json:"tree" doc:"The segment's tree."`
}

type treeInput struct {
	Body struct {
		Tree map[string]any `json:"tree"`
	}
}

type previewInput struct {
	Body struct {
		Tree  map[string]any `json:"tree"`
		Limit int            `json:"limit,omitempty" minimum:"1" maximum:"100" default:"10" doc:"How many sample members"`
	}
}

type segmentOutput struct{ Body SegmentBody }

// SegmentPath names a segment in the path.
type SegmentPath struct {
	ID string `path:"id" format:"uuid"`
}

type customerPage struct {
	Body struct {
		Items      []CustomerBody `json:"items"`
		NextCursor string         `json:"next_cursor,omitempty"`
	}
}

// treeFields maps a tree's errors to fields under prefix ("body.tree").
func treeFields(prefix string, err error) []*FieldDetail {
	var out []*FieldDetail
	for _, pe := range segment.PathErrors(err) {
		loc := prefix
		if pe.Path != "" {
			loc += "." + pe.Path
		}
		out = append(out, field(loc, pe.Err.Error(), nil))
	}
	return out
}

// segmentError maps the refusals of the segment use cases to problems naming what is at fault.
func (s *Server) segmentError(ctx context.Context, prefix string, err error) error {
	fields := append(treeFields(prefix, err), bodyFields(err, func(fe *segment.FieldError) (string, error) { return fe.Field, fe.Err })...)
	switch {
	case len(fields) > 0:
		return problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "the request has invalid fields", fields...)
	case errors.Is(err, ports.ErrSegmentNotFound):
		return problem(ctx, http.StatusNotFound, "segment_not_found", "no such segment")
	case errors.Is(err, ports.ErrSegmentNameTaken):
		return problem(ctx, http.StatusConflict, "segment_name_taken", "another segment has this name", field("body.name", "taken", nil))
	case errors.Is(err, ports.ErrTagRuleNotFound):
		return problem(ctx, http.StatusNotFound, "tag_rule_not_found", "no such tag rule")
	case errors.Is(err, ports.ErrTagRuleTaken):
		return problem(ctx, http.StatusConflict, "tag_rule_taken", "another rule sets this tag", field("body.tag", "taken", nil))
	}
	return mapError(ctx, s.deps.Logger, err)
}

func customerItems(cs []customer.Customer) []CustomerBody {
	out := make([]CustomerBody, len(cs))
	for i, c := range cs {
		out[i] = customerBody(c)
	}
	return out
}

func (s *Server) registerSegments() {
	tags := []string{"Segments"}
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "count-segment", Method: http.MethodPost, Path: "/v1/segments/count", Tags: tags,
		Summary: "Count the customers a tree matches", Description: "The live count while a segment is edited; nothing is saved. " + treeDoc,
	}, access.PermCustomersRead), func(ctx context.Context, in *treeInput) (*struct {
		Body struct {
			Count int64 `json:"count"`
		}
	}, error) {
		n, err := s.deps.Segments.Count(ctx, principalFrom(ctx).Tenant.ID, in.Body.Tree)
		if err != nil {
			return nil, s.segmentError(ctx, "body.tree", err)
		}
		out := &struct {
			Body struct {
				Count int64 `json:"count"`
			}
		}{}
		out.Body.Count = n
		return out, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "preview-segment", Method: http.MethodPost, Path: "/v1/segments/preview", Tags: tags,
		Summary: "Sample customers a tree matches", Description: "Newest first; nothing is saved. " + treeDoc,
	}, access.PermCustomersRead), func(ctx context.Context, in *previewInput) (*customerPage, error) {
		cs, err := s.deps.Segments.Preview(ctx, principalFrom(ctx).Tenant.ID, in.Body.Tree, in.Body.Limit)
		if err != nil {
			return nil, s.segmentError(ctx, "body.tree", err)
		}
		out := &customerPage{}
		out.Body.Items = customerItems(cs)
		return out, nil
	})

	huma.Register(s.api, idempotentOperation(tenantOperation(huma.Operation{
		OperationID: "create-segment", Method: http.MethodPost, Path: "/v1/segments", Tags: tags,
		Summary: "Save a segment", DefaultStatus: http.StatusCreated,
		Description: "Its members are computed by a job right after, then kept current as events arrive and hourly. " + treeDoc,
	}, access.PermCustomersWrite)), func(ctx context.Context, in *struct{ Body segmentFields }) (*segmentOutput, error) {
		seg, err := s.deps.Segments.Create(ctx, principalFrom(ctx).Tenant.ID, segments.Draft{Name: in.Body.Name,
			Description: in.Body.Description, Tree: in.Body.Tree})
		if err != nil {
			return nil, s.segmentError(ctx, "body.tree", err)
		}
		return &segmentOutput{Body: segmentBody(seg)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "list-segments", Method: http.MethodGet, Path: "/v1/segments", Tags: tags, Summary: "List saved segments",
		Description: "By name.",
	}, access.PermCustomersRead), func(ctx context.Context, in *PageQuery) (*struct {
		Body struct {
			Items      []SegmentBody `json:"items"`
			NextCursor string        `json:"next_cursor,omitempty"`
		}
	}, error) {
		page, err := in.page(ctx)
		if err != nil {
			return nil, err
		}
		segs, err := s.deps.Segments.List(ctx, principalFrom(ctx).Tenant.ID, page)
		if err != nil {
			return nil, s.segmentError(ctx, "body.tree", err)
		}
		segs, next := paginate(segs, page, func(s segment.Segment) string { return s.ID.String() })
		out := &struct {
			Body struct {
				Items      []SegmentBody `json:"items"`
				NextCursor string        `json:"next_cursor,omitempty"`
			}
		}{}
		out.Body.Items = make([]SegmentBody, len(segs))
		for i, seg := range segs {
			out.Body.Items[i] = segmentBody(seg)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "get-segment", Method: http.MethodGet, Path: "/v1/segments/{id}", Tags: tags, Summary: "Get a saved segment",
	}, access.PermCustomersRead), func(ctx context.Context, in *SegmentPath) (*segmentOutput, error) {
		id, err := parseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		seg, err := s.deps.Segments.Get(ctx, principalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, s.segmentError(ctx, "body.tree", err)
		}
		return &segmentOutput{Body: segmentBody(seg)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "update-segment", Method: http.MethodPut, Path: "/v1/segments/{id}", Tags: tags, Summary: "Change a saved segment",
		Description: "Replaces name, description and tree; the members are recomputed by a job. " + treeDoc,
	}, access.PermCustomersWrite), func(ctx context.Context, in *struct {
		SegmentPath
		Body segmentFields
	}) (*segmentOutput, error) {
		id, err := parseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		seg, err := s.deps.Segments.Update(ctx, principalFrom(ctx).Tenant.ID, id, segments.Draft{Name: in.Body.Name,
			Description: in.Body.Description, Tree: in.Body.Tree})
		if err != nil {
			return nil, s.segmentError(ctx, "body.tree", err)
		}
		return &segmentOutput{Body: segmentBody(seg)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "delete-segment", Method: http.MethodDelete, Path: "/v1/segments/{id}", Tags: tags, Summary: "Delete a saved segment",
		DefaultStatus: http.StatusNoContent,
	}, access.PermCustomersWrite), func(ctx context.Context, in *SegmentPath) (*struct{}, error) {
		id, err := parseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		if err := s.deps.Segments.Delete(ctx, principalFrom(ctx).Tenant.ID, id); err != nil {
			return nil, s.segmentError(ctx, "body.tree", err)
		}
		return &struct{}{}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "list-segment-members", Method: http.MethodGet, Path: "/v1/segments/{id}/members", Tags: tags,
		Summary: "A saved segment's members", Description: "As of the last refresh, newest customer first.",
	}, access.PermCustomersRead), func(ctx context.Context, in *struct {
		SegmentPath
		PageQuery
	}) (*customerPage, error) {
		id, err := parseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		page, err := in.page(ctx)
		if err != nil {
			return nil, err
		}
		cs, err := s.deps.Segments.Members(ctx, principalFrom(ctx).Tenant.ID, id, page)
		if err != nil {
			return nil, s.segmentError(ctx, "body.tree", err)
		}
		cs, next := paginate(cs, page, func(c customer.Customer) string { return c.ID.String() })
		out := &customerPage{}
		out.Body.Items = customerItems(cs)
		out.Body.NextCursor = next
		return out, nil
	})
	s.registerTagRules()
	s.registerCustomerExport()
}

type exportInput struct {
	Q    string `query:"q" maxLength:"100" doc:"Start of a name, phone or email; a full phone number matches exactly"`
	City string `query:"city" maxLength:"100"`
	Tag  string `query:"tag" maxLength:"100" doc:"Only customers with this tag"`
	// Lifecycle is a stage name; empty matches every stage.
	Lifecycle string `query:"lifecycle" enum:"new,active,at_risk,lapsed,won_back" doc:"Only customers at this lifecycle stage"`
	Segment   string `query:"segment" doc:"A saved segment's ID: only its members (as of the last refresh)"`
	Tree      string `query:"tree" maxLength:"20000" doc:"A segment tree as JSON: only the customers it matches now"`
}

func (s *Server) registerCustomerExport() {
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "export-customers", Method: http.MethodGet, Path: "/v1/customers/export.csv", Tags: []string{"Customers"},
		Summary: "Export customers as CSV",
		Description: "Newest first, streamed as read, UTF-8 with a byte-order mark (so Excel opens it as UTF-8). Columns: " +
			strings.Join(segments.ExportHeader, ", ") + ". Filters as the listing's, plus a saved segment or a tree. Audited.",
		Responses: map[string]*huma.Response{"200": {Description: "CSV", Content: map[string]*huma.MediaType{"text/csv": {}}}},
	}, access.PermCustomersExport), func(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
		tenant := principalFrom(ctx).Tenant
		f := segments.ExportFilter{Query: ports.CustomerQuery{Search: strings.TrimSpace(in.Q), City: in.City,
			Tag: strings.TrimSpace(in.Tag), Lifecycle: lifecycle.Stage(in.Lifecycle)}}
		if in.Segment != "" {
			id, err := parseUUID(ctx, "query.segment", in.Segment)
			if err != nil {
				return nil, err
			}
			if _, err := s.deps.Segments.Get(ctx, tenant.ID, id); err != nil {
				return nil, s.segmentError(ctx, "query.tree", err)
			}
			f.Segment = id
		}
		if in.Tree != "" {
			var tree any
			if err := json.Unmarshal([]byte(in.Tree), &tree); err != nil {
				return nil, problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "the request has invalid fields",
					field("query.tree", "not JSON", nil))
			}
			if _, err := s.deps.Segments.CheckTree(ctx, tenant.ID, tree); err != nil {
				return nil, s.segmentError(ctx, "query.tree", err)
			}
			f.Tree = tree
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			hctx.SetHeader("Content-Type", "text/csv; charset=utf-8")
			hctx.SetHeader("Content-Disposition", `attachment; filename="customers-`+tenant.Slug+`.csv"`)
			if _, err := s.deps.Segments.ExportCSV(ctx, tenant.ID, f, hctx.BodyWriter()); err != nil {
				s.deps.Logger.ErrorContext(ctx, "customer export", "request_id", RequestID(ctx), "error", err)
			}
		}}, nil
	})
}
