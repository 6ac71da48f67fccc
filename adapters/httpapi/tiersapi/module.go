// Package tiersapi is the tiered membership module's part of the API: the brand's tier
// program, a customer's tier, progress and history for admins and partners (by customer ID,
// external ID or member code), manual assignment, and the member's own tier in the Mini
// Program.
package tiersapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/checkins"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/customers/membercode"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
)

// Module is the tiers module's operations.
type Module struct {
	svc       *tiers.Service
	customers *customers.Service
	codes     *checkins.Service
	kit       *httpapi.Kit
}

// New returns the operations over svc, finding customers by external ID with customers and by
// member code with codes; nils only when the OpenAPI document is wanted.
func New(svc *tiers.Service, customers *customers.Service, codes *checkins.Service) *Module {
	return &Module{svc: svc, customers: customers, codes: codes}
}

// RegisterAPI registers the tiers module's operations on api.
func (m *Module) RegisterAPI(api huma.API, kit *httpapi.Kit) {
	m.kit = kit
	api.OpenAPI().Tags = append(api.OpenAPI().Tags, &huma.Tag{Name: "Tiers", Description: "Tiered membership: the " +
		"brand's ladder of tiers and how members qualify (spend, status points 成长值, visits), keep and lose them; each " +
		"member's tier, validity, progress and history; manual assignment."})
	m.registerProgram(api)
	m.registerMembers(api)
	m.registerBenefits(api)
}

// tierErrors answers the refusals of the tiers use cases.
var tierErrors = httpapi.ErrorTable{
	{Err: tiers.ErrNoProgram, Status: http.StatusNotFound, Code: "tier_program_not_found",
		Detail: "the brand has no tier program yet"},
	{Err: ports.ErrCustomerNotFound, Status: http.StatusNotFound, Code: "customer_not_found", Detail: "no such customer",
		Field: "path.id", Reason: "no such customer"},
	{Err: tiers.ErrUnknownCustomer, Status: http.StatusNotFound, Code: "customer_not_found", Detail: "no such customer",
		Field: "path.id", Reason: "no such customer"},
	httpapi.InvalidFields(httpapi.At("body")).When(tiers.ErrUnknownTier, "unknown_tier"),
	httpapi.InvalidFields(httpapi.At("body")).When(tier.ErrRemovedHeld, "tier_in_use"),
	httpapi.InvalidFields(httpapi.At("body")),
	{Err: membercode.ErrMalformed, Status: http.StatusUnprocessableEntity, Code: "member_code_malformed",
		Detail: "not a member code", Field: "query.member_code", Reason: "not a member code"},
	{Err: membercode.ErrBadSignature, Status: http.StatusUnprocessableEntity, Code: "member_code_bad_signature",
		Detail: "the member code is not genuine", Field: "query.member_code", Reason: "not genuine"},
	{Err: checkins.ErrWrongTenant, Status: http.StatusUnprocessableEntity, Code: "member_code_wrong_tenant",
		Detail: "the member code is another brand's", Field: "query.member_code", Reason: "another brand's"},
	{Err: membercode.ErrExpired, Status: http.StatusUnprocessableEntity, Code: "member_code_expired",
		Detail: "the member code expired: ask the member to show the current one", Field: "query.member_code", Reason: "expired"},
	{Err: membercode.ErrNotYetValid, Status: http.StatusUnprocessableEntity, Code: "member_code_not_yet_valid",
		Detail: "the member code is dated ahead of the server's clock", Field: "query.member_code", Reason: "not yet valid"},
}

func (m *Module) fail(ctx context.Context, err error) error {
	return m.kit.MapError(ctx, err, tierErrors)
}
