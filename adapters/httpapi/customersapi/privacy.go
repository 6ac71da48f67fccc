package customersapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/domain/customers/customer"
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

// privacyErrors answers download and erasure refusals.
var privacyErrors = httpapi.ErrorTable{
	{Err: ports.ErrErasurePending, Status: http.StatusConflict, Code: "erasure_pending",
		Detail: "an erasure request of this customer is pending already"},
	{Err: ports.ErrErasureNotFound, Status: http.StatusNotFound, Code: "no_erasure_pending", Detail: "no erasure request is pending"},
}

func (m *Module) privacyError(ctx context.Context, err error) error {
	return m.kit.MapError(ctx, err, privacyErrors, customerErrors)
}

func (m *Module) download(ctx context.Context, id uuid.UUID) (*struct{ Body DataDownloadBody }, error) {
	d, err := m.deps.Privacy.Export(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
	if err != nil {
		return nil, err
	}
	profile, err := m.customerBodies(ctx, d.Customer)
	if err != nil {
		return nil, err
	}
	return &struct{ Body DataDownloadBody }{Body: DataDownloadBody{ExportedAt: d.ExportedAt, Profile: profile[0], Sections: d.Sections}}, nil
}

// registerPrivacy registers the PIPL operations: customers' own download and erasure request
// in the Mini Program, and the admins' side.
func (m *Module) registerPrivacy(api huma.API) {
	mini := []string{"Mini Program"}
	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "download-my-data", Method: http.MethodGet, Path: "/v1/me/data", Tags: mini,
		Summary: "Download everything the brand keeps about the signed-in customer", Description: "PIPL's right of access, as JSON.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body DataDownloadBody }, error) {
		out, err := m.download(ctx, httpapi.PrincipalFrom(ctx).CustomerID)
		if err != nil {
			return nil, m.privacyError(ctx, err)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "request-my-erasure", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/me/erasure", Tags: mini,
		Summary: "Ask for the signed-in customer's personal data to be erased", DefaultStatus: http.StatusAccepted,
		Description: "Carried out a week later (`due_at`); until then DELETE /v1/me/erasure withdraws it. Erasure clears the " +
			"profile's personal fields and attributes, unlinks the WeChat accounts and strips what identifies the customer from " +
			"their events; purchase amounts, points ledgers and aggregates stay. It cannot be undone.",
	}, func(ctx context.Context, _ *struct{}) (*erasureOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		e, err := m.deps.Privacy.RequestErasure(ctx, p.Tenant.ID, p.CustomerID, ports.ErasureByCustomer)
		if err != nil {
			return nil, m.privacyError(ctx, err)
		}
		return &erasureOutput{Body: erasureBody(e)}, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "get-my-erasure", Errors: []int{http.StatusNotFound}, Method: http.MethodGet, Path: "/v1/me/erasure", Tags: mini,
		Summary: "The signed-in customer's pending erasure request",
	}, func(ctx context.Context, _ *struct{}) (*erasureOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		e, err := m.deps.Privacy.PendingErasure(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, m.privacyError(ctx, err)
		}
		return &erasureOutput{Body: erasureBody(e)}, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "cancel-my-erasure", Errors: []int{http.StatusNotFound}, Method: http.MethodDelete, Path: "/v1/me/erasure", Tags: mini,
		Summary: "Withdraw the signed-in customer's pending erasure request",
	}, func(ctx context.Context, _ *struct{}) (*erasureOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		e, err := m.deps.Privacy.CancelErasure(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, m.privacyError(ctx, err)
		}
		return &erasureOutput{Body: erasureBody(e)}, nil
	})

	tags := []string{"Customers"}
	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "download-customer-data", Method: http.MethodGet, Path: "/v1/customers/{id}/data", Tags: tags,
		Summary: "Download everything the brand keeps about a customer", Description: "For a customer's PIPL access request; audited.",
	}, func(ctx context.Context, in *CustomerPath) (*struct{ Body DataDownloadBody }, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		out, err := m.download(ctx, id)
		if err != nil {
			return nil, m.customerNotFound(ctx, id, err)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermErase), httpapi.Idempotent(huma.Operation{
		OperationID: "erase-customer", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/customers/{id}/erase", Tags: tags,
		Summary: "Erase a customer's personal data", DefaultStatus: http.StatusAccepted,
		Description: "Carried out at once by a background job. The profile keeps its ID, gender, language, city, region and " +
			"preferred store and is marked erased; every other personal field, the custom attributes, the WeChat links and the " +
			"personal parts of event payloads go. Amounts and aggregates stay. Afterwards the profile refuses personal data " +
			"(409 `customer_erased`). It cannot be undone.",
	}), func(ctx context.Context, in *CustomerPath) (*erasureOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		e, err := m.deps.Privacy.RequestErasure(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, ports.ErasureByAdmin)
		if errors.Is(err, ports.ErrCustomerNotFound) {
			return nil, m.customerNotFound(ctx, id, err)
		}
		if err != nil {
			return nil, m.privacyError(ctx, err)
		}
		return &erasureOutput{Body: erasureBody(e)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermErase), huma.Operation{
		OperationID: "list-customer-erasures", Method: http.MethodGet, Path: "/v1/customer-erasures", Tags: tags,
		Summary: "The brand's erasure requests", Description: "Newest first.",
	}, func(ctx context.Context, in *struct{ httpapi.PageQuery }) (*erasureListOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		es, err := m.deps.Privacy.Erasures(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, page)
		if err != nil {
			return nil, m.privacyError(ctx, err)
		}
		es, next := httpapi.Paginate(es, page, func(e ports.Erasure) string { return e.ID.String() })
		out := &erasureListOutput{}
		out.Body.Items = make([]ErasureBody, len(es))
		for i, e := range es {
			out.Body.Items[i] = erasureBody(e)
		}
		out.Body.NextCursor = next
		return out, nil
	})
}
