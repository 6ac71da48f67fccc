package customersapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/checkins"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/membercode"
	"github.com/engagehq/engage/ports"
)

// checkInRequest is a member code scanned at a store.
type checkInRequest struct {
	Code  string `json:"code" minLength:"1" maxLength:"200" doc:"The code of the member's QR code, from GET /v1/me/qr"`
	Store string `json:"store" minLength:"1" maxLength:"100" example:"上海静安店" doc:"Where the member checks in"`
}

// CheckInBody is a member checked in.
type CheckInBody struct {
	CustomerID     string    `json:"customer_id" format:"uuid"`
	Name           string    `json:"name"`
	LifecycleStage string    `json:"lifecycle_stage" enum:"new,active,at_risk,lapsed,won_back"`
	EventID        string    `json:"event_id" doc:"The visit recorded in the member's timeline"`
	CheckedInAt    time.Time `json:"checked_in_at"`
}

// memberCodeRow refuses a member code: msg says why, and names body.code.
func memberCodeRow(err error, status int, code, msg string) httpapi.ErrorRow {
	return httpapi.ErrorRow{Err: err, Status: status, Code: code, Detail: msg, Field: "body.code", Reason: msg}
}

// checkInErrors answers refused member codes with stable codes.
var checkInErrors = httpapi.ErrorTable{
	memberCodeRow(membercode.ErrMalformed, http.StatusUnprocessableEntity, "member_code_malformed", "not a member code"),
	memberCodeRow(membercode.ErrBadSignature, http.StatusUnprocessableEntity, "member_code_bad_signature",
		"the code's signature does not match: it was altered or forged"),
	memberCodeRow(checkins.ErrWrongTenant, http.StatusUnprocessableEntity, "member_code_wrong_tenant", "the code is another brand's"),
	memberCodeRow(membercode.ErrExpired, http.StatusUnprocessableEntity, "member_code_expired",
		"the code has expired; ask the member to show the current one"),
	memberCodeRow(membercode.ErrNotYetValid, http.StatusUnprocessableEntity, "member_code_not_yet_valid",
		"the code is dated ahead of this server's clock"),
	memberCodeRow(checkins.ErrCodeUsed, http.StatusConflict, "member_code_used",
		"the code checked the member in already; ask for the current one"),
	{Err: ports.ErrCustomerNotFound, Status: http.StatusNotFound, Code: "customer_not_found", Detail: "the member no longer exists"},
}

func (m *Module) registerCheckins(api huma.API) {
	httpapi.Register(api, httpapi.Tenant(customer.PermEventsWrite), httpapi.Idempotent(huma.Operation{
		OperationID: "check-in-member", Errors: []int{http.StatusConflict, http.StatusNotFound}, Method: http.MethodPost, Path: "/v1/checkins", Tags: []string{"Customer events"},
		Summary: "Check a member in with their QR code", DefaultStatus: http.StatusCreated,
		Description: "Store staff scan the member's QR code (GET /v1/me/qr in the Mini Program). The code is checked (signature, " +
			"brand, minute) and the member's visit is recorded (channel pos, the store). A code checks in once: sent again it is " +
			"member_code_used; send an Idempotency-Key to retry safely.",
	}), func(ctx context.Context, in *struct{ Body checkInRequest }) (*struct{ Body CheckInBody }, error) {
		c, err := m.deps.Checkins.CheckIn(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Body.Code, in.Body.Store)
		if err != nil {
			return nil, m.kit.MapError(ctx, err, checkInErrors)
		}
		return &struct{ Body CheckInBody }{Body: CheckInBody{CustomerID: c.CustomerID.String(), Name: c.Member.Name,
			LifecycleStage: c.Member.LifecycleStage, EventID: c.EventID, CheckedInAt: c.At}}, nil
	})
}
