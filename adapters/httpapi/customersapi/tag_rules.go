package customersapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/segment"
)

// TagRulesBody is the brand's auto-tag rules.
type TagRulesBody struct {
	Items []TagRuleBody `json:"items" doc:"By tag"`
}

type tagRulesOutput struct{ Body TagRulesBody }

// TagRuleBody is an auto-tag rule.
type TagRuleBody struct {
	ID        string      `json:"id" format:"uuid"`
	Tag       string      `json:"tag"`
	Tree      SegmentTree `json:"tree"`
	Enabled   bool        `json:"enabled"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

func tagRuleBody(r segment.TagRule) TagRuleBody {
	b := TagRuleBody{ID: r.ID.String(), Tag: r.Tag, Enabled: r.Enabled, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	_ = json.Unmarshal(r.Definition, &b.Tree)
	return b
}

type tagRuleFields struct {
	Tag     string      `json:"tag" minLength:"1" maxLength:"40" doc:"The tag the rule's members get (source rule)"`
	Tree    SegmentTree `json:"tree" doc:"Who gets the tag: a segment tree"`
	Enabled *bool       `json:"enabled,omitempty" doc:"Default true; a disabled rule takes its tag back"`
}

func (f tagRuleFields) draft() segments.RuleDraft {
	return segments.RuleDraft{Tag: f.Tag, Tree: map[string]any(f.Tree), Enabled: f.Enabled == nil || *f.Enabled}
}

type tagRuleOutput struct{ Body TagRuleBody }

func (m *Module) registerTagRules(api huma.API) {
	tags := []string{"Segments"}
	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), httpapi.Creates(httpapi.Idempotent(huma.Operation{
		OperationID: "create-tag-rule", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/tag-rules", Tags: tags,
		Summary: "Add an auto-tag rule", DefaultStatus: http.StatusCreated,
		Description: "Customers who match the tree get the tag; those who stop matching lose it, unless they got it another " +
			"way. Evaluated for every customer by a job right after, for the customers of each batch of events, and hourly. " + treeDoc,
	}), "/v1/tag-rules/{id}"), func(ctx context.Context, in *struct{ Body tagRuleFields }) (*tagRuleOutput, error) {
		r, err := m.deps.Segments.CreateRule(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Body.draft())
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		return &tagRuleOutput{Body: tagRuleBody(r)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "list-tag-rules", Method: http.MethodGet, Path: "/v1/tag-rules", Tags: tags, Summary: "List auto-tag rules",
		Description: "By tag.",
	}, func(ctx context.Context, _ *struct{}) (*tagRulesOutput, error) {
		rs, err := m.deps.Segments.Rules(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		out := &tagRulesOutput{}
		out.Body.Items = make([]TagRuleBody, len(rs))
		for i, r := range rs {
			out.Body.Items[i] = tagRuleBody(r)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "get-tag-rule", Method: http.MethodGet, Path: "/v1/tag-rules/{id}", Tags: tags, Summary: "Get an auto-tag rule",
	}, func(ctx context.Context, in *SegmentPath) (*tagRuleOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		r, err := m.deps.Segments.GetRule(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		return &tagRuleOutput{Body: tagRuleBody(r)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "update-tag-rule", Errors: []int{http.StatusConflict}, Method: http.MethodPut, Path: "/v1/tag-rules/{id}", Tags: tags, Summary: "Change an auto-tag rule",
		Description: "A rule whose tag changes, or that is disabled, takes the old tag back at once. " + treeDoc,
	}, func(ctx context.Context, in *struct {
		SegmentPath
		Body tagRuleFields
	}) (*tagRuleOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		r, err := m.deps.Segments.UpdateRule(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, in.Body.draft())
		if err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		return &tagRuleOutput{Body: tagRuleBody(r)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "delete-tag-rule", Method: http.MethodDelete, Path: "/v1/tag-rules/{id}", Tags: tags,
		Summary: "Delete an auto-tag rule", Description: "The tag is taken from the customers the rule gave it to.",
		DefaultStatus: http.StatusNoContent,
	}, func(ctx context.Context, in *SegmentPath) (*struct{}, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		if err := m.deps.Segments.DeleteRule(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id); err != nil {
			return nil, m.segmentError(ctx, "body", err)
		}
		return &struct{}{}, nil
	})
}
