package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/application/customerauth"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// DataDownloadBody is everything the brand keeps about a customer.
type DataDownloadBody struct {
	ExportedAt time.Time      `json:"exported_at"`
	Profile    CustomerBody   `json:"profile"`
	Sections   map[string]any `json:"sections" doc:"Each module's part, by name: attributes, wechat_accounts, activity (the timeline and its aggregates), tags, ..."`
}

// ErasureBody is a request to erase a customer's personal data.
type ErasureBody struct {
	ID          string     `json:"id" format:"uuid"`
	CustomerID  string     `json:"customer_id" format:"uuid"`
	RequestedBy string     `json:"requested_by" enum:"customer,admin"`
	Status      string     `json:"status" enum:"pending,cancelled,done"`
	RequestedAt time.Time  `json:"requested_at"`
	DueAt       time.Time  `json:"due_at" doc:"When it is carried out: a week after a customer's own request, at once for an admin's"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
}

func erasureBody(e ports.Erasure) ErasureBody {
	return ErasureBody{ID: e.ID.String(), CustomerID: e.CustomerID.String(), RequestedBy: e.RequestedBy, Status: string(e.Status),
		RequestedAt: e.RequestedAt, DueAt: e.DueAt, ClosedAt: e.ClosedAt}
}

type erasureOutput struct{ Body ErasureBody }

type erasureListOutput struct {
	Body struct {
		Items      []ErasureBody `json:"items"`
		NextCursor string        `json:"next_cursor,omitempty"`
	}
}

// privacyError maps download and erasure refusals to problems.
func (s *Server) privacyError(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, ports.ErrErasurePending):
		return problem(ctx, http.StatusConflict, "erasure_pending", "an erasure request of this customer is pending already")
	case errors.Is(err, ports.ErrErasureNotFound):
		return problem(ctx, http.StatusNotFound, "no_erasure_pending", "no erasure request is pending")
	}
	return s.customerError(ctx, err)
}

func (s *Server) download(ctx context.Context, id uuid.UUID) (*struct{ Body DataDownloadBody }, error) {
	d, err := s.deps.Privacy.Export(ctx, principalFrom(ctx).Tenant.ID, id)
	if err != nil {
		return nil, err
	}
	return &struct{ Body DataDownloadBody }{Body: DataDownloadBody{ExportedAt: d.ExportedAt, Profile: customerBody(d.Customer), Sections: d.Sections}}, nil
}

// registerPrivacy registers the PIPL operations: customers' own download and erasure request
// in the Mini Program (auth checks their tokens), and the admins' side.
func (s *Server) registerPrivacy(auth *customerauth.Service) {
	mini := []string{"Mini Program"}
	huma.Register(s.api, customerOperation(huma.Operation{
		OperationID: "download-my-data", Method: http.MethodGet, Path: "/v1/me/data", Tags: mini,
		Summary: "Download everything the brand keeps about the signed-in customer", Description: "PIPL's right of access, as JSON.",
	}, auth), func(ctx context.Context, _ *struct{}) (*struct{ Body DataDownloadBody }, error) {
		out, err := s.download(ctx, principalFrom(ctx).CustomerID)
		if err != nil {
			return nil, s.privacyError(ctx, err)
		}
		return out, nil
	})

	huma.Register(s.api, customerOperation(huma.Operation{
		OperationID: "request-my-erasure", Method: http.MethodPost, Path: "/v1/me/erasure", Tags: mini,
		Summary: "Ask for the signed-in customer's personal data to be erased", DefaultStatus: http.StatusAccepted,
		Description: "Carried out a week later (`due_at`); until then DELETE /v1/me/erasure withdraws it. Erasure clears the " +
			"profile's personal fields and attributes, unlinks the WeChat accounts and strips what identifies the customer from " +
			"their events; purchase amounts, points ledgers and aggregates stay. It cannot be undone.",
	}, auth), func(ctx context.Context, _ *struct{}) (*erasureOutput, error) {
		p := principalFrom(ctx)
		e, err := s.deps.Privacy.RequestErasure(ctx, p.Tenant.ID, p.CustomerID, ports.ErasureByCustomer)
		if err != nil {
			return nil, s.privacyError(ctx, err)
		}
		return &erasureOutput{Body: erasureBody(e)}, nil
	})

	huma.Register(s.api, customerOperation(huma.Operation{
		OperationID: "get-my-erasure", Method: http.MethodGet, Path: "/v1/me/erasure", Tags: mini,
		Summary: "The signed-in customer's pending erasure request",
	}, auth), func(ctx context.Context, _ *struct{}) (*erasureOutput, error) {
		p := principalFrom(ctx)
		e, err := s.deps.Privacy.PendingErasure(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, s.privacyError(ctx, err)
		}
		return &erasureOutput{Body: erasureBody(e)}, nil
	})

	huma.Register(s.api, customerOperation(huma.Operation{
		OperationID: "cancel-my-erasure", Method: http.MethodDelete, Path: "/v1/me/erasure", Tags: mini,
		Summary: "Withdraw the signed-in customer's pending erasure request",
	}, auth), func(ctx context.Context, _ *struct{}) (*erasureOutput, error) {
		p := principalFrom(ctx)
		e, err := s.deps.Privacy.CancelErasure(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, s.privacyError(ctx, err)
		}
		return &erasureOutput{Body: erasureBody(e)}, nil
	})

	tags := []string{"Customers"}
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "download-customer-data", Method: http.MethodGet, Path: "/v1/customers/{id}/data", Tags: tags,
		Summary: "Download everything the brand keeps about a customer", Description: "For a customer's PIPL access request; audited.",
	}, access.PermCustomersRead), func(ctx context.Context, in *CustomerPath) (*struct{ Body DataDownloadBody }, error) {
		id, err := parseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		out, err := s.download(ctx, id)
		if err != nil {
			return nil, s.customerNotFound(ctx, id, err)
		}
		return out, nil
	})

	huma.Register(s.api, idempotentOperation(tenantOperation(huma.Operation{
		OperationID: "erase-customer", Method: http.MethodPost, Path: "/v1/customers/{id}/erase", Tags: tags,
		Summary: "Erase a customer's personal data", DefaultStatus: http.StatusAccepted,
		Description: "Carried out at once by a background job. The profile keeps its ID, gender, language, city, region and " +
			"preferred store and is marked erased; every other personal field, the custom attributes, the WeChat links and the " +
			"personal parts of event payloads go. Amounts and aggregates stay. Afterwards the profile refuses personal data " +
			"(409 `customer_erased`). It cannot be undone.",
	}, access.PermCustomersErase)), func(ctx context.Context, in *CustomerPath) (*erasureOutput, error) {
		id, err := parseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		e, err := s.deps.Privacy.RequestErasure(ctx, principalFrom(ctx).Tenant.ID, id, ports.ErasureByAdmin)
		if errors.Is(err, ports.ErrCustomerNotFound) {
			return nil, s.customerNotFound(ctx, id, err)
		}
		if err != nil {
			return nil, s.privacyError(ctx, err)
		}
		return &erasureOutput{Body: erasureBody(e)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "list-customer-erasures", Method: http.MethodGet, Path: "/v1/customer-erasures", Tags: tags,
		Summary: "The brand's erasure requests", Description: "Newest first.",
	}, access.PermCustomersErase), func(ctx context.Context, in *struct{ PageQuery }) (*erasureListOutput, error) {
		page, err := in.page(ctx)
		if err != nil {
			return nil, err
		}
		es, err := s.deps.Privacy.Erasures(ctx, principalFrom(ctx).Tenant.ID, page)
		if err != nil {
			return nil, s.privacyError(ctx, err)
		}
		es, next := paginate(es, page, func(e ports.Erasure) string { return e.ID.String() })
		out := &erasureListOutput{}
		out.Body.Items = make([]ErasureBody, len(es))
		for i, e := range es {
			out.Body.Items[i] = erasureBody(e)
		}
		out.Body.NextCursor = next
		return out, nil
	})
}
