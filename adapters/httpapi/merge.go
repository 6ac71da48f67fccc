package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/application/customermerge"
	"github.com/engagehq/engage/domain/access"
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
	return huma.ErrorWithHeaders(problem(ctx, http.StatusNotFound, "customer_merged",
		"this customer was merged into another; use the survivor's ID", field(location, "merged into the survivor", into.String())),
		http.Header{"Location": {"/v1/customers/" + into.String()}})
}

// customerNotFound answers a request for customer id that was not found: customer_merged
// when it was merged into another, else err as customerError maps it.
func (s *Server) customerNotFound(ctx context.Context, id uuid.UUID, err error) error {
	if errors.Is(err, ports.ErrCustomerNotFound) && s.deps.Merges != nil {
		into, serr := s.deps.Merges.Survivor(ctx, principalFrom(ctx).Tenant.ID, id)
		if serr == nil {
			return mergedProblem(ctx, "path.id", into)
		}
		if !errors.Is(serr, ports.ErrNotMerged) {
			return mapError(ctx, s.deps.Logger, serr)
		}
	}
	return s.customerError(ctx, err)
}

// mergeError maps merge refusals to problems naming the ID at fault.
func (s *Server) mergeError(ctx context.Context, err error) error {
	var merged *customermerge.MergedError
	switch {
	case errors.Is(err, customermerge.ErrSameCustomer):
		return problem(ctx, http.StatusUnprocessableEntity, "merge_into_itself", "a customer cannot be merged into itself",
			field("body.duplicate_id", "the same as the survivor", nil))
	case errors.Is(err, customermerge.ErrDuplicateNotFound):
		return problem(ctx, http.StatusNotFound, "customer_not_found", "no such duplicate customer", field("body.duplicate_id", "no such customer", nil))
	case errors.Is(err, customermerge.ErrSurvivorNotFound):
		return problem(ctx, http.StatusNotFound, "customer_not_found", "no such customer", field("path.id", "no such customer", nil))
	case errors.As(err, &merged):
		location := "path.id"
		if merged.Duplicate {
			location = "body.duplicate_id"
		}
		return mergedProblem(ctx, location, merged.Into)
	case errors.Is(err, ports.ErrCustomerErased):
		return problem(ctx, http.StatusConflict, "customer_erased", "an erased customer cannot be merged")
	case errors.Is(err, ports.ErrErasurePending):
		return problem(ctx, http.StatusConflict, "erasure_pending", "a customer with an erasure request pending cannot be merged")
	}
	return s.customerError(ctx, err)
}

func (s *Server) registerMerge() {
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "list-customer-look-alikes", Method: http.MethodGet, Path: "/v1/customers/{id}/look-alikes", Tags: []string{"Customers"},
		Summary: "Possible duplicates of a customer",
		Description: "Up to 20 other customers with the same email (in any case), or the same name in the same city, oldest " +
			"first: candidates to merge. Phones and external IDs are unique, so no two customers share one.",
	}, access.PermCustomersRead), func(ctx context.Context, in *CustomerPath) (*listCustomersOutput, error) {
		id, err := parseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		cs, err := s.deps.Merges.LookAlikes(ctx, principalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, s.customerNotFound(ctx, id, err)
		}
		out := &listCustomersOutput{}
		out.Body.Items = make([]CustomerBody, len(cs))
		for i, c := range cs {
			out.Body.Items[i] = customerBody(c)
		}
		return out, nil
	})

	huma.Register(s.api, idempotentOperation(tenantOperation(huma.Operation{
		OperationID: "merge-customer", Method: http.MethodPost, Path: "/v1/customers/{id}/merge", Tags: []string{"Customers"},
		Summary: "Merge a duplicate into this customer",
		Description: "The customer of the path survives. Its profile keeps every value it has and fills its empty fields from " +
			"the duplicate's (phone and external ID included); every module moves what it keeps (WeChat accounts, tags, events " +
			"and activity, custom attributes, ...) to the survivor; the duplicate is deleted. All of it in one transaction, " +
			"audited. Later requests for the duplicate's ID answer 404 `customer_merged` with the survivor's ID.",
	}, access.PermCustomersWrite)), func(ctx context.Context, in *struct {
		CustomerPath
		Body mergeBody
	}) (*struct{ Body MergeResultBody }, error) {
		survivor, err := parseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		duplicate, err := parseUUID(ctx, "body.duplicate_id", in.Body.DuplicateID)
		if err != nil {
			return nil, err
		}
		res, err := s.deps.Merges.Merge(ctx, principalFrom(ctx).Tenant.ID, survivor, duplicate)
		if err != nil {
			return nil, s.mergeError(ctx, err)
		}
		filled := res.Filled
		if filled == nil {
			filled = []string{}
		}
		return &struct{ Body MergeResultBody }{Body: MergeResultBody{Survivor: customerBody(res.Survivor),
			DuplicateID: duplicate.String(), Filled: filled}}, nil
	})
}
