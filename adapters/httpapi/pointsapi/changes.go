package pointsapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/ledger"
)

// PurchaseItemBody is one line of a purchase.
type PurchaseItemBody struct {
	SKU      string `json:"sku" maxLength:"100" doc:"1-100 characters"`
	Category string `json:"category,omitempty" maxLength:"100"`
	Quantity int64  `json:"quantity" minimum:"1" maximum:"1000000"`
	PriceFen *int64 `json:"price_fen,omitempty" minimum:"0" doc:"Unit price paid, in fen"`
}

// pointsPurchaseBody is a purchase the till reports.
type pointsPurchaseBody struct {
	PurchaseID string             `json:"purchase_id" minLength:"1" maxLength:"100" example:"pos-20260301-0042" doc:"The purchase's event ID in the activity stream: the same purchase sent to POST /v1/events earns nothing more"`
	CustomerID string             `json:"customer_id" format:"uuid"`
	AmountFen  int64              `json:"amount_fen" minimum:"1" maximum:"10000000000" example:"3800" doc:"What the customer paid, in fen"`
	OccurredAt *time.Time         `json:"occurred_at,omitempty" doc:"When the purchase was made; now when absent"`
	Channel    string             `json:"channel,omitempty" enum:"mini_program,pos,website,email,wechat,other" doc:"pos when absent"`
	Store      string             `json:"store,omitempty" maxLength:"100"`
	Items      []PurchaseItemBody `json:"items" minItems:"1" maxItems:"200"`
	DeviceID   string             `json:"device_id,omitempty" maxLength:"200" doc:"The device the customer used, for the fraud rules' limits per device (the event's payload device_id)"`
	ClientIP   string             `json:"client_ip,omitempty" maxLength:"200" doc:"The customer's IP address, for the fraud rules (the event's payload client_ip)"`
}

// PurchaseEarningBody is what a purchase earned.
type PurchaseEarningBody struct {
	PurchaseID string `json:"purchase_id"`
	CustomerID string `json:"customer_id" format:"uuid"`
	PointsOutcomeBody
	Held bool `json:"held" doc:"The brand's fraud rules hold the points for an admin's review: pending, with no release date"`
}

// pointsRedemptionBody is a spend of points.
type pointsRedemptionBody struct {
	Wallet    string `json:"wallet,omitempty" maxLength:"40" doc:"The wallet spent from; points when absent. It must be spendable."`
	Points    int64  `json:"points" minimum:"1" maximum:"100000000" example:"100"`
	Reference string `json:"reference" minLength:"1" maxLength:"200" example:"rdm-20260301-0007" doc:"Your ID of the redemption: the same reference is the same redemption, done once"`
	OrderID   string `json:"order_id,omitempty" maxLength:"100" doc:"The purchase the points paid for: refunding it returns them (POST /v1/points/refunds)"`
}

// pointsAdjustmentBody is a manual change of points.
type pointsAdjustmentBody struct {
	Wallet     string `json:"wallet,omitempty" maxLength:"40" doc:"The wallet changed; points when absent"`
	Points     int64  `json:"points" minimum:"-100000000" maximum:"100000000" example:"50" doc:"Added when positive, deducted when negative (never below a balance of zero); not zero"`
	ReasonCode string `json:"reason_code" enum:"goodwill,compensation,complaint,correction,migration,promotion,other"`
	Note       string `json:"note,omitempty" maxLength:"500" doc:"Why, for admins; never shown to the member"`
	Reference  string `json:"reference,omitempty" maxLength:"200" doc:"Your ID of the adjustment: when set, the same reference is the same adjustment, done once"`
}

// pointsRefundBody is a purchase returned in part or in whole.
type pointsRefundBody struct {
	RefundID   string `json:"refund_id" minLength:"1" maxLength:"200" example:"rfd-20260302-0003" doc:"Your ID of the refund: the same ID is the same refund, done once"`
	PurchaseID string `json:"purchase_id" minLength:"1" maxLength:"100" doc:"The refunded purchase, as it earned"`
	CustomerID string `json:"customer_id" format:"uuid"`
	AmountFen  int64  `json:"amount_fen" minimum:"1" maximum:"10000000000" doc:"What this refund gives back, in fen; a purchase's refunds add up to its amount at most"`
}

type outcomeOutput struct{ Body PointsOutcomeBody }

// rejected answers a purchase the activity stream refused, naming its fields.
func (m *Module) rejected(ctx context.Context, r *points.RejectedError) error {
	switch r.Code {
	case events.CodeUnknownCustomer:
		return httpapi.NewProblem(ctx, http.StatusNotFound, "customer_not_found", "no such customer",
			httpapi.Field("body.customer_id", "no such customer", nil))
	case events.CodeCustomerErased:
		return httpapi.NewProblem(ctx, http.StatusConflict, "customer_erased", "this customer's personal data was erased",
			httpapi.Field("body.customer_id", "erased", nil))
	}
	fields := make([]*httpapi.FieldDetail, len(r.Errors))
	for i, fe := range r.Errors {
		name := fe.Field
		if name == "id" {
			name = "purchase_id"
		}
		fields[i] = httpapi.Field("body."+name, fe.Err.Error(), nil)
	}
	return httpapi.Invalid(ctx, fields...)
}

func (m *Module) registerChanges(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermWrite), httpapi.Idempotent(huma.Operation{
		OperationID: "earn-purchase-points", Errors: []int{http.StatusNotFound}, Method: http.MethodPost, Path: "/v1/points/purchases", Tags: tags,
		Summary: "Earn the points of a purchase at the till",
		Description: "Records the purchase in the customer's activity stream (as POST /v1/events would) and credits what it " +
			"earns under the earning rules in effect at its time (GET /v1/points/rules) at once, answering with the points earned and pending in each wallet and the " +
			"balances after, to print on the receipt. A purchase earns once, whichever way it arrives: sent again here, or " +
			"to POST /v1/events, it earns nothing more, and here answers with its first earning (`replayed`). The same " +
			"purchase ID with another customer or amount is refused with `reference_reused`." + tierNote + concurrency,
	}), func(ctx context.Context, in *struct{ Body pointsPurchaseBody }) (*struct{ Body PurchaseEarningBody }, error) {
		customer, err := httpapi.ParseUUID(ctx, "body.customer_id", in.Body.CustomerID)
		if err != nil {
			return nil, err
		}
		p := points.Purchase{ID: in.Body.PurchaseID, Customer: customer, AmountFen: in.Body.AmountFen, Channel: in.Body.Channel,
			Store: in.Body.Store, Device: in.Body.DeviceID, IP: in.Body.ClientIP}
		if in.Body.OccurredAt != nil {
			p.OccurredAt = *in.Body.OccurredAt
		}
		for _, it := range in.Body.Items {
			p.Items = append(p.Items, event.Item{SKU: it.SKU, Category: it.Category, Quantity: it.Quantity, PriceFen: it.PriceFen})
		}
		e, err := m.svc.EarnPurchase(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, p)
		if r := (*points.RejectedError)(nil); errors.As(err, &r) {
			return nil, m.rejected(ctx, r)
		}
		if err != nil {
			return nil, m.fail(ctx, err, customerNotFound("body.customer_id"))
		}
		return &struct{ Body PurchaseEarningBody }{Body: PurchaseEarningBody{PurchaseID: e.PurchaseID, CustomerID: e.Customer.String(),
			PointsOutcomeBody: outcomeBody(e.Outcome), Held: e.Held}}, nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermWrite), httpapi.Idempotent(huma.Operation{
		OperationID: "redeem-customer-points", Method: http.MethodPost, Path: "/v1/customers/{id}/points/redemptions", Tags: tags,
		Summary: "Spend a customer's points",
		Description: "Takes the points from the soonest-expiring first. More than the balance is refused with " +
			"`insufficient_points` and changes nothing; a status wallet with `wallet_not_spendable`. The same reference " +
			"again answers with the first outcome (`replayed`); with other points, `reference_reused`." + concurrency,
	}), func(ctx context.Context, in *struct {
		CustomerPath
		Body pointsRedemptionBody
	}) (*outcomeOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		o, err := m.svc.Redeem(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, points.Redemption{Customer: id, Wallet: ledger.Wallet(in.Body.Wallet),
			Points: in.Body.Points, Reference: in.Body.Reference, OrderID: in.Body.OrderID})
		if err != nil {
			return nil, m.fail(ctx, err, customerNotFound("path.id"), referenceReused("body.reference"))
		}
		return &outcomeOutput{Body: outcomeBody(o)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermAdjust), httpapi.AlsoAnswers(httpapi.Idempotent(huma.Operation{
		OperationID: "adjust-customer-points", Method: http.MethodPost, Path: "/v1/customers/{id}/points/adjustments", Tags: tags,
		Summary: "Add or deduct a customer's points by hand",
		Description: "With a reason code, and a note for admins; audited (the note is not). Added points expire as the " +
			"wallet's earned points do; a deduction takes the soonest-expiring first and never more than the balance " +
			"(`insufficient_points`). With a reference, the same reference again answers with the first outcome. An " +
			"adjustment of more points (either way) than the brand's `adjustment_approval_above` changes nothing yet: it is " +
			"answered with 202 and the request in `approval`, which another admin approves or rejects " +
			"(POST /v1/points/adjustment-requests/{id}/approve); the same reference again answers with that request as " +
			"it stands." + concurrency,
	}), http.StatusAccepted), func(ctx context.Context, in *struct {
		CustomerPath
		Body pointsAdjustmentBody
	}) (*adjustmentOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		b := in.Body
		o, err := m.svc.Adjust(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, points.Adjustment{Customer: id, Wallet: ledger.Wallet(b.Wallet),
			Points: b.Points, ReasonCode: b.ReasonCode, Note: b.Note, Reference: b.Reference})
		if err != nil {
			return nil, m.fail(ctx, err, customerNotFound("path.id"), referenceReused("body.reference"))
		}
		return adjustmentResult(o), nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermWrite), httpapi.Idempotent(huma.Operation{
		OperationID: "refund-purchase-points", Errors: []int{http.StatusNotFound}, Method: http.MethodPost, Path: "/v1/points/refunds", Tags: tags,
		Summary: "Take back the points of a refunded purchase",
		Description: "Points spent on the purchase as an order (redemptions with its `order_id`) come back first, in the " +
			"share refunded and with the expiry they had. Then what the purchase earned beyond what the part kept earns " +
			"(recomputed under the rules the purchase earned by) is taken back under the brand's refund policy: pending points " +
			"are cancelled; with `active_to_zero` or `allow_negative`, points that count are taken back too, down to zero " +
			"or, with `allow_negative`, below (a debt, repaid by the next points credited). A purchase's refunds never take " +
			"back or return more than it earned or cost, and add up to its amount at most (`refund_exceeds_purchase`). The " +
			"same refund ID again answers with the first outcome." + concurrency,
	}), func(ctx context.Context, in *struct{ Body pointsRefundBody }) (*outcomeOutput, error) {
		customer, err := httpapi.ParseUUID(ctx, "body.customer_id", in.Body.CustomerID)
		if err != nil {
			return nil, err
		}
		o, err := m.svc.Refund(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, points.Refund{Customer: customer, PurchaseID: in.Body.PurchaseID,
			RefundID: in.Body.RefundID, AmountFen: in.Body.AmountFen})
		if err != nil {
			return nil, m.fail(ctx, err, customerNotFound("body.customer_id"), referenceReused("body.refund_id"))
		}
		return &outcomeOutput{Body: outcomeBody(o)}, nil
	})
}
