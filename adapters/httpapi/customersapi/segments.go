package customersapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
)

// treeFields are the fields a condition may read, as the document lists them.
const treeFields = "gender, city, region, language, preferred_store, birth_month, joined_on, joined_days_ago, lifecycle_stage, " +
	"tag, purchase_count, spend_fen, visit_count, last_purchase_days_ago, purchases, events, category_spend_fen, " +
	"store_visits, joined_campaign, channel"

// treeDoc documents a segment tree in the descriptions of the operations that take one.
const treeDoc = "A segment tree (SegmentTree): {\"and\": [...]}, {\"or\": [...]}, {\"not\": {...}} or a condition " +
	"{\"field\", \"op\", \"value\"} with window_days, event_type, category or store where the field needs them. " +
	"At most 5 groups deep and 50 conditions."

// CountBody is how many customers a tree matches.
type CountBody struct {
	Count int64 `json:"count" doc:"Customers the tree matches now"`
}

type countOutput struct{ Body CountBody }

// SegmentPageBody is a page of saved segments.
type SegmentPageBody struct {
	Items      []SegmentBody `json:"items"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

type segmentsOutput struct{ Body SegmentPageBody }

// SegmentBody is a saved segment.
type SegmentBody struct {
	ID          string      `json:"id" format:"uuid"`
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	Tree        SegmentTree `json:"tree" doc:"The segment's tree, as saved"`
	MemberCount int64       `json:"member_count" doc:"Members at the last full refresh: computed as the segment is saved, then kept current"`
	Counting    bool        `json:"counting" doc:"The members are being counted by a job (a save that matched many customers): until it ran, member_count is the count of before (0 for a new segment)"`
	RefreshedAt *time.Time  `json:"refreshed_at,omitempty" doc:"When the members were last computed in full"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

func segmentBody(s segment.Segment) SegmentBody {
	b := SegmentBody{ID: s.ID.String(), Name: s.Name, Description: s.Description, MemberCount: s.Members, Counting: s.Counting(),
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	_ = json.Unmarshal(s.Definition, &b.Tree)
	if !s.RefreshedAt.IsZero() {
		b.RefreshedAt = &s.RefreshedAt
	}
	return b
}

type segmentFields struct {
	Name        string      `json:"name" minLength:"1" maxLength:"100"`
	Description string      `json:"description,omitempty" maxLength:"1000"`
	Tree        SegmentTree `json:"tree" doc:"The segment's tree."`
}

type treeInput struct {
	Body struct {
		Tree SegmentTree `json:"tree"`
	}
}

type previewInput struct {
	Body struct {
		Tree  SegmentTree `json:"tree"`
		Limit int         `json:"limit,omitempty" minimum:"1" maximum:"100" default:"10" doc:"How many sample members"`
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

// segmentErrors answers the refusals of the segment use cases, naming what is at fault in the
// input sent at location ("body", or "query" for a tree sent in the query): a node of the tree
// ("body.tree.and[1].op") or another field.
func segmentErrors(location string) httpapi.ErrorTable {
	return httpapi.ErrorTable{
		httpapi.InvalidFields(httpapi.At(location)),
		{Err: ports.ErrSegmentNotFound, Status: http.StatusNotFound, Code: "segment_not_found", Detail: "no such segment"},
		{Err: ports.ErrSegmentNameTaken, Status: http.StatusConflict, Code: "segment_name_taken", Detail: "another segment has this name",
			Field: "body.name", Reason: "taken"},
		{Err: ports.ErrTagRuleNotFound, Status: http.StatusNotFound, Code: "tag_rule_not_found", Detail: "no such tag rule"},
		{Err: ports.ErrTagRuleTaken, Status: http.StatusConflict, Code: "tag_rule_taken", Detail: "another rule sets this tag",
			Field: "body.tag", Reason: "taken"},
	}
}

func (m *Module) segmentError(ctx context.Context, location string, err error) error {
	return m.kit.MapError(ctx, err, segmentErrors(location))
}

func (m *Module) registerSegments(api huma.API) {
	tags := []string{"Segments"}
	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "count-segment", Errors: []int{http.StatusNotFound}, Method: http.MethodPost, Path: "/v1/segments/count", Tags: tags,
		Summary: "Count the customers a tree matches", Description: "The live count while a segment is edited; nothing is saved. " + treeDoc,
	}, func(ctx context.Context, in *treeInput) (*countOutput, error) {
		n, err := m.deps.Segments.Count(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, map[string]any(in.Body.Tree))
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		out := &countOutput{}
		out.Body.Count = n
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "preview-segment", Errors: []int{http.StatusNotFound}, Method: http.MethodPost, Path: "/v1/segments/preview", Tags: tags,
		Summary: "Sample customers a tree matches", Description: "Newest first; nothing is saved. " + treeDoc,
	}, func(ctx context.Context, in *previewInput) (*customerPage, error) {
		cs, err := m.deps.Segments.Preview(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, map[string]any(in.Body.Tree), in.Body.Limit)
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		out := &customerPage{}
		if out.Body.Items, err = m.customerBodies(ctx, cs...); err != nil {
			return nil, m.customerError(ctx, err)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), httpapi.Creates(httpapi.Idempotent(huma.Operation{
		OperationID: "create-segment", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/segments", Tags: tags,
		Summary: "Save a segment", DefaultStatus: http.StatusCreated,
		Description: "Its members are computed by a job right after, then kept current as events arrive and hourly. " + treeDoc,
	}), "/v1/segments/{id}"), func(ctx context.Context, in *struct{ Body segmentFields }) (*segmentOutput, error) {
		seg, err := m.deps.Segments.Create(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, segments.Draft{Name: in.Body.Name,
			Description: in.Body.Description, Tree: map[string]any(in.Body.Tree)})
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		return &segmentOutput{Body: segmentBody(seg)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "list-segments", Method: http.MethodGet, Path: "/v1/segments", Tags: tags, Summary: "List saved segments",
		Description: "By name.",
	}, func(ctx context.Context, in *httpapi.PageQuery) (*segmentsOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		segs, err := m.deps.Segments.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, page)
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		segs, next := httpapi.Paginate(segs, page, func(s segment.Segment) string { return s.ID.String() })
		out := &segmentsOutput{}
		out.Body.Items = make([]SegmentBody, len(segs))
		for i, seg := range segs {
			out.Body.Items[i] = segmentBody(seg)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "get-segment", Method: http.MethodGet, Path: "/v1/segments/{id}", Tags: tags, Summary: "Get a saved segment",
	}, func(ctx context.Context, in *SegmentPath) (*segmentOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		seg, err := m.deps.Segments.Get(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		return &segmentOutput{Body: segmentBody(seg)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "update-segment", Errors: []int{http.StatusConflict}, Method: http.MethodPut, Path: "/v1/segments/{id}", Tags: tags, Summary: "Change a saved segment",
		Description: "Replaces name, description and tree; the members are recomputed by a job. " + treeDoc,
	}, func(ctx context.Context, in *struct {
		SegmentPath
		Body segmentFields
	}) (*segmentOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		seg, err := m.deps.Segments.Update(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, segments.Draft{Name: in.Body.Name,
			Description: in.Body.Description, Tree: map[string]any(in.Body.Tree)})
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		return &segmentOutput{Body: segmentBody(seg)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "delete-segment", Method: http.MethodDelete, Path: "/v1/segments/{id}", Tags: tags, Summary: "Delete a saved segment",
		DefaultStatus: http.StatusNoContent,
	}, func(ctx context.Context, in *SegmentPath) (*struct{}, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		if err := m.deps.Segments.Delete(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id); err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		return &struct{}{}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "list-segment-members", Method: http.MethodGet, Path: "/v1/segments/{id}/members", Tags: tags,
		Summary: "A saved segment's members", Description: "As of the last refresh, newest customer first.",
	}, func(ctx context.Context, in *struct {
		SegmentPath
		httpapi.PageQuery
	}) (*customerPage, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		cs, err := m.deps.Segments.Members(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, page)
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		cs, next := httpapi.Paginate(cs, page, func(c customer.Customer) string { return c.ID.String() })
		out := &customerPage{}
		if out.Body.Items, err = m.customerBodies(ctx, cs...); err != nil {
			return nil, m.customerError(ctx, err)
		}
		out.Body.NextCursor = next
		return out, nil
	})
	m.registerTagRules(api)
	m.registerCustomerExport(api)
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

func (m *Module) registerCustomerExport(api huma.API) {
	httpapi.Register(api, httpapi.Tenant(customer.PermExport), huma.Operation{
		OperationID: "export-customers", Errors: []int{http.StatusNotFound}, Method: http.MethodGet, Path: "/v1/customers/export.csv", Tags: []string{"Customers"},
		Summary: "Export customers as CSV",
		Description: "Newest first, streamed as read, UTF-8 with a byte-order mark (so Excel opens it as UTF-8). Columns: " +
			strings.Join(segments.ExportHeader, ", ") + ". Filters as the listing's, plus a saved segment or a tree. Audited.",
		Responses: map[string]*huma.Response{"200": {Description: "CSV", Content: map[string]*huma.MediaType{"text/csv": {}}}},
	}, func(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
		tenant := httpapi.PrincipalFrom(ctx).Tenant
		f := segments.ExportFilter{Query: ports.CustomerQuery{Search: strings.TrimSpace(in.Q), City: in.City,
			Tag: strings.TrimSpace(in.Tag), Lifecycle: lifecycle.Stage(in.Lifecycle)}}
		if in.Segment != "" {
			id, err := httpapi.ParseUUID(ctx, "query.segment", in.Segment)
			if err != nil {
				return nil, err
			}
			if _, err := m.deps.Segments.Get(ctx, tenant.ID, id); err != nil {
				return nil, m.segmentError(ctx, "query", err)
			}
			f.Segment = id
		}
		if in.Tree != "" {
			var tree any
			if err := json.Unmarshal([]byte(in.Tree), &tree); err != nil {
				return nil, httpapi.Invalid(ctx, httpapi.Field("query.tree", "not JSON", nil))
			}
			if _, err := m.deps.Segments.CheckTree(ctx, tenant.ID, tree); err != nil {
				return nil, m.segmentError(ctx, "query", err)
			}
			f.Tree = tree
		}
		return &huma.StreamResponse{Body: func(hctx huma.Context) {
			hctx.SetHeader("Content-Type", "text/csv; charset=utf-8")
			hctx.SetHeader("Content-Disposition", `attachment; filename="customers-`+tenant.Slug+`.csv"`)
			if _, err := m.deps.Segments.ExportCSV(ctx, tenant.ID, f, hctx.BodyWriter()); err != nil {
				m.kit.Logger().ErrorContext(ctx, "customer export", "request_id", httpapi.RequestID(ctx), "error", err)
			}
		}}, nil
	})
}
