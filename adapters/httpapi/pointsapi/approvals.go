package pointsapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
)

// PointsActorBody is who asked for or decided on an adjustment.
type PointsActorBody struct {
	Kind  string `json:"kind" enum:"user,api_key,platform,system"`
	ID    string `json:"id"`
	Label string `json:"label" doc:"An admin's email or a key's prefix"`
}

// AdjustmentRequestBody is an adjustment above the brand's threshold, waiting for or past a
// second admin's decision.
type AdjustmentRequestBody struct {
	ID           string           `json:"id" format:"uuid"`
	CustomerID   string           `json:"customer_id" format:"uuid"`
	Wallet       string           `json:"wallet"`
	Points       int64            `json:"points" doc:"Added when positive, deducted when negative"`
	ReasonCode   string           `json:"reason_code"`
	Note         string           `json:"note,omitempty"`
	Reference    string           `json:"reference,omitempty"`
	Status       string           `json:"status" enum:"pending,approved,rejected"`
	RequestedBy  PointsActorBody  `json:"requested_by"`
	RequestedAt  time.Time        `json:"requested_at"`
	DecidedBy    *PointsActorBody `json:"decided_by,omitempty"`
	DecidedAt    *time.Time       `json:"decided_at,omitempty"`
	DecisionNote string           `json:"decision_note,omitempty"`
	OperationID  string           `json:"operation_id,omitempty" format:"uuid" doc:"The operation the approval applied"`
}

func requestBody(r points.AdjustmentRequest) AdjustmentRequestBody {
	b := AdjustmentRequestBody{ID: r.ID.String(), CustomerID: r.Customer.String(), Wallet: string(r.Wallet), Points: r.Points,
		ReasonCode: r.ReasonCode, Note: r.Note, Reference: r.Reference, Status: string(r.Status),
		RequestedBy: PointsActorBody{Kind: string(r.RequestedBy.Kind), ID: r.RequestedBy.ID, Label: r.RequestedBy.Label},
		RequestedAt: r.RequestedAt, DecisionNote: r.DecisionNote}
	if !r.DecidedAt.IsZero() {
		b.DecidedBy = &PointsActorBody{Kind: string(r.DecidedBy.Kind), ID: r.DecidedBy.ID, Label: r.DecidedBy.Label}
		b.DecidedAt = &r.DecidedAt
	}
	if r.OperationID != uuid.Nil {
		b.OperationID = r.OperationID.String()
	}
	return b
}

// PointsAdjustmentOutcomeBody is what an adjustment did, or the request it is waiting as.
type PointsAdjustmentOutcomeBody struct {
	PointsOutcomeBody
	Approval *AdjustmentRequestBody `json:"approval,omitempty" doc:"Set (with status 202) when the adjustment is above the brand's threshold: it waits for another admin's approval and changed nothing yet"`
}

type adjustmentOutput struct {
	Status int
	Body   PointsAdjustmentOutcomeBody
}

func adjustmentResult(o points.Outcome) *adjustmentOutput {
	out := &adjustmentOutput{Status: http.StatusOK, Body: PointsAdjustmentOutcomeBody{PointsOutcomeBody: outcomeBody(o)}}
	if o.Approval != nil {
		r := requestBody(*o.Approval)
		out.Body.Approval = &r
		out.Body.OperationID = r.OperationID
		if o.Approval.Status == points.RequestPending {
			out.Status = http.StatusAccepted
		}
	}
	return out
}

// RequestPath names an adjustment request in the path.
type RequestPath struct {
	ID string `path:"id" format:"uuid"`
}

// decisionBody is an approver's decision.
type decisionBody struct {
	Note string `json:"note,omitempty" maxLength:"500" doc:"Why, for admins"`
}

// RequestListQuery filters adjustment requests.
type RequestListQuery struct {
	httpapi.PageQuery
	Status     string `query:"status" enum:"pending,approved,rejected" doc:"Only requests in this status"`
	CustomerID string `query:"customer_id" format:"uuid" doc:"Only this customer's requests"`
}

// approvalErrors answer the refusals of decisions.
var approvalErrors = httpapi.ErrorTable{
	{Err: points.ErrRequestNotFound, Status: http.StatusNotFound, Code: "adjustment_request_not_found",
		Detail: "no such adjustment request", Field: "path.id", Reason: "no such request"},
	{Err: points.ErrRequestDecided, Status: http.StatusConflict, Code: "adjustment_request_decided",
		Detail: "this adjustment request was already approved or rejected", Field: "path.id", Reason: "already decided"},
	{Err: points.ErrOwnRequest, Status: http.StatusForbidden, Code: "own_adjustment_request",
		Detail: "another admin must decide on an adjustment you requested", Field: "path.id", Reason: "requested by you"},
}

type requestOutput struct{ Body AdjustmentRequestBody }

// AdjustmentApprovalBody is an approved request and what applying it did.
type AdjustmentApprovalBody struct {
	Request AdjustmentRequestBody `json:"request"`
	PointsOutcomeBody
}

type approvalOutput struct{ Body AdjustmentApprovalBody }

// AdjustmentRequestListBody is a page of adjustment requests.
type AdjustmentRequestListBody struct {
	Items      []AdjustmentRequestBody `json:"items"`
	NextCursor string                  `json:"next_cursor,omitempty"`
}

type requestListOutput struct{ Body AdjustmentRequestListBody }

func (m *Module) registerApprovals(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "list-points-adjustment-requests", Method: http.MethodGet, Path: "/v1/points/adjustment-requests", Tags: tags,
		Summary:     "Adjustments waiting for approval, and decided",
		Description: "Adjustments above the brand's `adjustment_approval_above`, newest first: the approvals queue is `status=pending`.",
	}, func(ctx context.Context, in *RequestListQuery) (*requestListOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		q := points.RequestQuery{Status: points.RequestStatus(in.Status)}
		if in.CustomerID != "" {
			if q.Customer, err = httpapi.ParseUUID(ctx, "query.customer_id", in.CustomerID); err != nil {
				return nil, err
			}
		}
		rs, err := m.svc.AdjustmentRequests(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, q, page)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		rs, next := httpapi.Paginate(rs, page, func(r points.AdjustmentRequest) string { return r.ID.String() })
		out := &requestListOutput{}
		out.Body.Items = make([]AdjustmentRequestBody, len(rs))
		for i, r := range rs {
			out.Body.Items[i] = requestBody(r)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-points-adjustment-request", Method: http.MethodGet, Path: "/v1/points/adjustment-requests/{id}", Tags: tags,
		Summary: "One adjustment request", Errors: []int{http.StatusNotFound},
		Description: "Its status, who asked and who decided.",
	}, func(ctx context.Context, in *RequestPath) (*requestOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		r, err := m.svc.AdjustmentRequest(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.fail(ctx, err, approvalErrors)
		}
		return &requestOutput{Body: requestBody(r)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermApprove), huma.Operation{
		OperationID: "approve-points-adjustment-request", Method: http.MethodPost, Path: "/v1/points/adjustment-requests/{id}/approve",
		Tags: tags, Summary: "Approve an adjustment: it is applied", Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusForbidden},
		Description: "Applies the adjustment once, as an adjustment by the approver, and answers with its outcome. Only " +
			"another admin than the one who asked may approve (`own_adjustment_request`); a request already decided is " +
			"`adjustment_request_decided`, so approvals racing for one request apply it once. A deduction larger than the " +
			"balance now is refused (`insufficient_points`) and the request stays pending. Audited." + concurrency,
	}, func(ctx context.Context, in *struct {
		RequestPath
		Body decisionBody
	}) (*approvalOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		r, o, err := m.svc.Approve(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, in.Body.Note)
		if err != nil {
			return nil, m.fail(ctx, err, approvalErrors)
		}
		out := &approvalOutput{}
		out.Body.Request, out.Body.PointsOutcomeBody = requestBody(r), outcomeBody(o)
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermApprove), huma.Operation{
		OperationID: "reject-points-adjustment-request", Method: http.MethodPost, Path: "/v1/points/adjustment-requests/{id}/reject",
		Tags: tags, Summary: "Reject an adjustment: nothing changes", Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusForbidden},
		Description: "Closes the request without changing any points. Only another admin than the one who asked may " +
			"reject it; a request already decided is `adjustment_request_decided`. Audited.",
	}, func(ctx context.Context, in *struct {
		RequestPath
		Body decisionBody
	}) (*requestOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		r, err := m.svc.Reject(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, in.Body.Note)
		if err != nil {
			return nil, m.fail(ctx, err, approvalErrors)
		}
		return &requestOutput{Body: requestBody(r)}, nil
	})
}
