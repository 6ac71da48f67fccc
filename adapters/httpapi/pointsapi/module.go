// Package pointsapi is the points module's part of the API: members' balances and history in
// the Mini Program, a customer's wallets and history for admins and partners, purchases earned
// at the till, redemptions, refunds, manual adjustments, and the brand's points program.
package pointsapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/points/points"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
)

// Module is the points module's operations.
type Module struct {
	svc      *points.Service
	rewards  *rewards.Service
	receipts *receiptsapp.Service
	kit      *httpapi.Kit
}

// New returns the operations over svc; nil only when the OpenAPI document is wanted.
func New(svc *points.Service) *Module { return &Module{svc: svc} }

// concurrency is what the API document says of many requests for one customer at once.
const concurrency = "\n\nRequests for one customer are worked one after the other (each locks the customer's " +
	"balances until it commits), in the order they reach the database: at once, a later request waits for the one before " +
	"it, then sees its result. Each answer gives the balances right after its own change, so under concurrency a client " +
	"sees every change exactly once, and two redemptions that together exceed the balance never both succeed: the second is " +
	"refused with `insufficient_points`."

// RegisterAPI registers the points module's operations on api.
func (m *Module) RegisterAPI(api huma.API, kit *httpapi.Kit) {
	m.kit = kit
	api.OpenAPI().Tags = append(api.OpenAPI().Tags, &huma.Tag{Name: "Points", Description: "Loyalty points: each " +
		"customer's wallets (积分 to spend, 成长值 for tiers), their history, earning at the till and from the activity " +
		"stream, redemptions, refunds, adjustments and the brand's points settings."})
	m.registerMine(api)
	m.registerCustomers(api)
	m.registerChanges(api)
	m.registerSettings(api)
	m.registerRewards(api)
	m.registerApprovals(api)
	m.registerReports(api)
	m.registerActions(api)
	m.registerRules(api)
	m.registerMyRules(api)
	m.registerReceipts(api)
	m.registerFraud(api)
	m.registerCampaigns(api)
}

// pointsErrors answers the refusals of the points use cases.
var pointsErrors = httpapi.ErrorTable{
	{Err: ledger.ErrInsufficient, Status: http.StatusUnprocessableEntity, Code: "insufficient_points",
		Detail: "the customer does not have that many points", Field: "body.points", Reason: "more than the balance"},
	{Err: points.ErrNotSpendable, Status: http.StatusUnprocessableEntity, Code: "wallet_not_spendable",
		Detail: "this wallet's points cannot be spent", Field: "body.wallet", Reason: "not a spendable wallet"},
	{Err: points.ErrPurchaseNotFound, Status: http.StatusNotFound, Code: "purchase_not_found",
		Detail: "no points were credited to this customer for this purchase", Field: "body.purchase_id", Reason: "no such earning"},
	{Err: points.ErrRefundTooLarge, Status: http.StatusUnprocessableEntity, Code: "refund_exceeds_purchase",
		Detail: "the purchase's refunds would add up to more than its amount", Field: "body.amount_fen", Reason: "more than is left to refund"},
	{Err: points.ErrRedemptionHeld, Status: http.StatusConflict, Code: "points_held_for_review",
		Detail: "this redemption waits for a review of the customer's recent points", Field: "body.points", Reason: "under review"},
	fieldsOf().When(points.ErrUnknownWallet, "unknown_wallet"),
	fieldsOf().When(points.ErrReferenceReused, "reference_reused"),
	fieldsOf(),
	fieldsOf().When(points.ErrWalletInUse, "wallet_in_use"),
}

// fieldsOf names the body fields of the use cases' field errors.
func fieldsOf() httpapi.ErrorRow {
	return httpapi.InvalidFields(httpapi.At("body"))
}

// customerNotFound answers an unknown customer named at location.
func customerNotFound(location string) httpapi.ErrorTable {
	return httpapi.ErrorTable{{Err: ports.ErrCustomerNotFound, Status: http.StatusNotFound, Code: "customer_not_found",
		Detail: "no such customer", Field: location, Reason: "no such customer"}}
}

// referenceReused answers a reference used before for something else, named at location.
func referenceReused(location string) httpapi.ErrorTable {
	return httpapi.ErrorTable{{Err: points.ErrReferenceReused, Status: http.StatusUnprocessableEntity, Code: "reference_reused",
		Detail: "this reference was already used for another operation; the first one stands", Field: location,
		Reason: "used before with another request"}}
}

func (m *Module) fail(ctx context.Context, err error, tables ...httpapi.ErrorTable) error {
	return m.kit.MapError(ctx, err, append(tables, pointsErrors)...)
}
