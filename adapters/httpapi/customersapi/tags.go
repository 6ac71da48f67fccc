package customersapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/tags"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// CustomerTagBody is one tag of a customer.
type CustomerTagBody struct {
	Tag       string    `json:"tag"`
	Source    string    `json:"source" enum:"manual,rule,wechat" doc:"manual: set by an admin or partner; rule: an auto-tag rule matched; wechat: imported from WeChat fan tags"`
	CreatedAt time.Time `json:"created_at" doc:"When the customer got the tag"`
}

type customerTagsOutput struct {
	Body struct {
		Items []CustomerTagBody `json:"items"`
	}
}

func customerTags(ts []ports.CustomerTag) *customerTagsOutput {
	out := &customerTagsOutput{}
	out.Body.Items = make([]CustomerTagBody, len(ts))
	for i, t := range ts {
		out.Body.Items[i] = CustomerTagBody{Tag: t.Tag, Source: string(t.Source), CreatedAt: t.CreatedAt}
	}
	return out
}

// TagsBody names tags, the same way wherever tags are given or taken.
type TagsBody struct {
	Tags []string `json:"tags" minItems:"1" maxItems:"50" example:"[\"VIP\",\"常客\"]" doc:"1 to 50 tags: 1-40 characters, trimmed, no control characters; case counts (VIP and vip are two tags); repeats count once"`
}

type addTagsInput struct {
	CustomerPath
	Body TagsBody
}

type removeTagInput struct {
	CustomerPath
	Tag string `query:"tag" required:"true" maxLength:"200" doc:"The tag to take off"`
}

type bulkTagsInput struct {
	Body struct {
		TagsBody
		Action      string   `json:"action" enum:"assign,remove" doc:"assign gives the tags to every customer, remove takes them off"`
		CustomerIDs []string `json:"customer_ids" minItems:"1" maxItems:"10000" doc:"1 to 10,000 customer IDs (UUIDs); repeats count once"`
	}
}

type bulkTagsOutput struct {
	Body struct {
		Customers int   `json:"customers" doc:"Distinct customers named"`
		Changed   int64 `json:"changed" doc:"How many tags customers got (assign) or lost (remove), a customer given two new tags counting twice; tags a customer had already, or did not have, do not count"`
	}
}

// TagCountBody is a tag with its number of customers.
type TagCountBody struct {
	Tag       string `json:"tag"`
	Customers int64  `json:"customers"`
}

type tagCountsOutput struct {
	Body struct {
		Items []TagCountBody `json:"items" doc:"Most used first"`
	}
}

// maxUnknownReported bounds the unknown IDs a refused bulk change lists.
const maxUnknownReported = 100

// unknownCustomersRow refuses a bulk change naming customers that do not exist, listing them.
var unknownCustomersRow = httpapi.As(func(ctx context.Context, unknown *tags.UnknownCustomersError) error {
	fields := make([]*httpapi.FieldDetail, 0, min(len(unknown.Indexes), maxUnknownReported))
	for _, i := range unknown.Indexes[:min(len(unknown.Indexes), maxUnknownReported)] {
		fields = append(fields, httpapi.Field(fmt.Sprintf("body.customer_ids[%d]", i), "no such customer", nil))
	}
	return httpapi.NewProblem(ctx, http.StatusUnprocessableEntity, "unknown_customer",
		fmt.Sprintf("%d of the customers do not exist; nothing was changed", len(unknown.Indexes)), fields...)
})

// tagError answers tag refusals, naming the field at fault; location is where the service's
// input was sent: the tag, the list of tags ("[1]" is "body.tags[1]") or a bulk change's body.
func (m *Module) tagError(ctx context.Context, location string, err error) error {
	return m.kit.MapError(ctx, err, httpapi.ErrorTable{httpapi.InvalidFields(httpapi.At(location)), unknownCustomersRow}, customerErrors)
}

func (m *Module) registerTags(api huma.API) {
	groups := []string{"Tags"}
	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "list-customer-tags", Method: http.MethodGet, Path: "/v1/customers/{id}/tags", Tags: groups,
		Summary: "A customer's tags", Description: "By name, with how the customer got each.",
	}, func(ctx context.Context, in *CustomerPath) (*customerTagsOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		ts, err := m.deps.Tags.Of(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.tagError(ctx, "", err)
		}
		return customerTags(ts), nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "add-customer-tags", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/customers/{id}/tags", Tags: groups,
		Summary: "Tag a customer",
		Description: "Adds the tags the customer does not have yet (tags it has keep their source) and returns all its tags. " +
			"Sending the same tags again changes nothing.",
	}, func(ctx context.Context, in *addTagsInput) (*customerTagsOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		ts, err := m.deps.Tags.Add(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, in.Body.Tags)
		if err != nil {
			return nil, m.tagError(ctx, "body.tags", err)
		}
		return customerTags(ts), nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "remove-customer-tag", Errors: []int{http.StatusConflict}, Method: http.MethodDelete, Path: "/v1/customers/{id}/tags", Tags: groups,
		Summary: "Take a tag off a customer",
		Description: "Whatever its source, and returns the customer's remaining tags. Removing a tag the customer " +
			"does not have changes nothing. An auto-tag rule may give the tag back when it next matches.",
	}, func(ctx context.Context, in *removeTagInput) (*customerTagsOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		ts, err := m.deps.Tags.Remove(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, in.Tag)
		if err != nil {
			return nil, m.tagError(ctx, "query.tag", err)
		}
		return customerTags(ts), nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "list-tags", Method: http.MethodGet, Path: "/v1/tags", Tags: groups,
		Summary: "The brand's tags", Description: "Every tag in use with its number of customers, most used first.",
	}, func(ctx context.Context, _ *struct{}) (*tagCountsOutput, error) {
		counts, err := m.deps.Tags.Counts(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.tagError(ctx, "", err)
		}
		out := &tagCountsOutput{}
		out.Body.Items = make([]TagCountBody, len(counts))
		for i, c := range counts {
			out.Body.Items[i] = TagCountBody{Tag: c.Tag, Customers: c.Customers}
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "bulk-tag-customers", Method: http.MethodPost, Path: "/v1/tags/bulk", Tags: groups,
		Summary: "Tag or untag many customers",
		Description: "Gives tags to, or takes them off, up to 10,000 customers in one transaction; the tags are named " +
			"as when tagging one customer. If any ID is not " +
			"the brand's customer, nothing changes: the answer is a 422 `unknown_customer` naming each such " +
			"`body.customer_ids[i]` (the first 100). Repeating a request changes nothing more.",
		MaxBodyBytes: 1 << 20,
	}, func(ctx context.Context, in *bulkTagsInput) (*bulkTagsOutput, error) {
		ids := make([]uuid.UUID, len(in.Body.CustomerIDs))
		var bad []*httpapi.FieldDetail
		for i, raw := range in.Body.CustomerIDs {
			id, err := uuid.Parse(raw)
			if err != nil {
				bad = append(bad, httpapi.Field(fmt.Sprintf("body.customer_ids[%d]", i), "not a UUID", nil))
			}
			ids[i] = id
		}
		if len(bad) > 0 {
			return nil, httpapi.Invalid(ctx, bad...)
		}
		res, err := m.deps.Tags.Apply(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, tags.Bulk{Tags: in.Body.Tags, Remove: in.Body.Action == "remove", Customers: ids})
		if err != nil {
			return nil, m.tagError(ctx, "body", err)
		}
		out := &bulkTagsOutput{}
		out.Body.Customers, out.Body.Changed = res.Customers, res.Changed
		return out, nil
	})
}
