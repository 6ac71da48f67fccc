package customersapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/customermerge"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// mergeBody names the duplicate to merge into the customer of the path.
type mergeBody struct {
	DuplicateID string `json:"duplicate_id" format:"uuid" doc:"The duplicate profile: merged into the survivor, then deleted"`
}

// MergeResultBody is what a merge did.
type MergeResultBody struct {
	Survivor    CustomerBody `json:"survivor"`
	DuplicateID string       `json:"duplicate_id" format:"uuid"`
	Filled      []string     `json:"filled" doc:"The survivor's profile fields that were empty and took the duplicate's value"`
}

// mergedProblem tells a client that a customer ID was merged into another: 404 with the code
// customer_merged, the survivor's ID as the value at location, and a Location header naming
// the survivor. Not a redirect: a client following it silently would change the survivor
// while believing it changed the customer it named.
func mergedProblem(ctx context.Context, location string, into uuid.UUID) error {
	return huma.ErrorWithHeaders(httpapi.NewProblem(ctx, http.StatusNotFound, "customer_merged",
		"this customer was merged into another; use the survivor's ID", httpapi.Field(location, "merged into the survivor", into.String())),
		http.Header{"Location": {"/v1/customers/" + into.String()}})
}

// customerNotFound answers a request for customer id that was not found: customer_merged
// when it was merged into another, else err as customerError maps it.
func (m *Module) customerNotFound(ctx context.Context, id uuid.UUID, err error) error {
	if errors.Is(err, ports.ErrCustomerNotFound) && m.deps.Merges != nil {
		into, serr := m.deps.Merges.Survivor(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if serr == nil {
			return mergedProblem(ctx, "path.id", into)
		}
		if !errors.Is(serr, ports.ErrNotMerged) {
			return m.kit.MapError(ctx, serr)
		}
	}
	return m.customerError(ctx, err)
}

// mergeErrors answers merge refusals, naming the ID at fault.
var mergeErrors = httpapi.ErrorTable{
	{Err: customermerge.ErrSameCustomer, Status: http.StatusUnprocessableEntity, Code: "merge_into_itself",
		Detail: "a customer cannot be merged into itself", Field: "body.duplicate_id", Reason: "the same as the survivor"},
	{Err: customermerge.ErrDuplicateNotFound, Status: http.StatusNotFound, Code: "customer_not_found",
		Detail: "no such duplicate customer", Field: "body.duplicate_id", Reason: "no such customer"},
	{Err: customermerge.ErrSurvivorNotFound, Status: http.StatusNotFound, Code: "customer_not_found",
		Detail: "no such customer", Field: "path.id", Reason: "no such customer"},
	httpapi.As(func(ctx context.Context, merged *customermerge.MergedError) error {
		location := "path.id"
		if merged.Duplicate {
			location = "body.duplicate_id"
		}
		return mergedProblem(ctx, location, merged.Into)
	}),
	{Err: ports.ErrCustomerErased, Status: http.StatusConflict, Code: "customer_erased", Detail: "an erased customer cannot be merged"},
	{Err: ports.ErrErasurePending, Status: http.StatusConflict, Code: "erasure_pending",
		Detail: "a customer with an erasure request pending cannot be merged"},
}

func (m *Module) registerMerge(api huma.API) {
	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "list-customer-look-alikes", Method: http.MethodGet, Path: "/v1/customers/{id}/look-alikes", Tags: []string{"Customers"},
		Summary: "Possible duplicates of a customer",
		Description: "Up to 20 other customers with the same email (in any case), or the same name in the same city, oldest " +
			"first: candidates to merge. Phones and external IDs are unique, so no two customers share one.",
	}, func(ctx context.Context, in *CustomerPath) (*listCustomersOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		cs, err := m.deps.Merges.LookAlikes(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.customerNotFound(ctx, id, err)
		}
		out := &listCustomersOutput{}
		if out.Body.Items, err = m.customerBodies(ctx, cs...); err != nil {
			return nil, m.customerError(ctx, err)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), httpapi.Idempotent(huma.Operation{
		OperationID: "merge-customer", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/customers/{id}/merge", Tags: []string{"Customers"},
		Summary: "Merge a duplicate into this customer",
		Description: "The customer of the path survives. Its profile keeps every value it has and fills its empty fields from " +
			"the duplicate's (phone and external ID included); every module moves what it keeps (WeChat accounts, tags, events " +
			"and activity, custom attributes, ...) to the survivor; the duplicate is deleted. All of it in one transaction, " +
			"audited. Later requests for the duplicate's ID answer 404 `customer_merged` with the survivor's ID.",
	}), func(ctx context.Context, in *struct {
		CustomerPath
		Body mergeBody
	}) (*struct{ Body MergeResultBody }, error) {
		survivor, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		duplicate, err := httpapi.ParseUUID(ctx, "body.duplicate_id", in.Body.DuplicateID)
		if err != nil {
			return nil, err
		}
		res, err := m.deps.Merges.Merge(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, survivor, duplicate)
		if err != nil {
			return nil, m.kit.MapError(ctx, err, mergeErrors, customerErrors)
		}
		filled := res.Filled
		if filled == nil {
			filled = []string{}
		}
		survivorBody, err := m.customerBodies(ctx, res.Survivor)
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		return &struct{ Body MergeResultBody }{Body: MergeResultBody{Survivor: survivorBody[0],
			DuplicateID: duplicate.String(), Filled: filled}}, nil
	})
}
