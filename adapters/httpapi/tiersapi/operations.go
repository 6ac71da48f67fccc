package tiersapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
)

type programOutput struct{ Body TierProgramBody }

type memberOutput struct{ Body MemberTierBody }

// LangQuery picks the language of a member's progress sentences.
type LangQuery struct {
	Lang string `query:"lang" enum:"zh-CN,en" doc:"The language of the sentences; the member's own when absent"`
}

// CustomerPath names a customer in the path.
type CustomerPath struct {
	ID string `path:"id" format:"uuid"`
}

// TierAssignmentInput is an admin's choice of a member's tier.
type TierAssignmentInput struct {
	Tier   string     `json:"tier" maxLength:"32" example:"gold" doc:"A code of the brand's ladder"`
	Reason string     `json:"reason" minLength:"1" maxLength:"200" example:"VIP 名单"`
	Until  *time.Time `json:"until,omitempty" doc:"When the manual tier ends and the rules decide again; absent: until changed by hand"`
}

const memberDoc = "The member's tier and its validity, the next tier and what is missing per criterion on the figures of " +
	"the period under way, what is missing to keep the tier by the end of the window deciding it, the tier the evaluation " +
	"would give on what is known now, both as sentences in the member's language, and the history of changes with the " +
	"figures that decided each. A customer with no figures yet holds the lowest tier."

func (m *Module) registerProgram(api huma.API) {
	tags := []string{"Tiers"}
	httpapi.Register(api, httpapi.Tenant(tier.PermRead), huma.Operation{
		OperationID: "get-tier-program", Method: http.MethodGet, Path: "/v1/tiers/program", Tags: tags, Errors: []int{http.StatusNotFound},
		Summary: "The brand's tier program", Description: "The ladder of tiers and the settings in effect; 404 tier_program_not_found before the brand has one.",
	}, func(ctx context.Context, _ *struct{}) (*programOutput, error) {
		p, err := m.svc.Program(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return &programOutput{Body: programBody(p)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(tier.PermWrite), huma.Operation{
		OperationID: "set-tier-program", Method: http.MethodPut, Path: "/v1/tiers/program", Tags: tags,
		Errors:  []int{http.StatusUnprocessableEntity},
		Summary: "Change the brand's tier program",
		Description: "A new version of the tier rules, in effect from now; audited. Refused (422, every field at fault, nothing " +
			"changed) when thresholds overlap or do not rise from tier to tier, the lowest tier has a minimum, a criterion is " +
			"unknown, the grace is longer than the window, or a tier members hold is left out (`tier_in_use`). Members keep " +
			"their tiers until an event or the next evaluation decides on the new rules.",
	}, func(ctx context.Context, in *struct{ Body TierProgramInput }) (*programOutput, error) {
		l, s := in.Body.program()
		p, err := m.svc.PutProgram(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, l, s)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return &programOutput{Body: programBody(p)}, nil
	})
}

func (m *Module) registerMembers(api huma.API) {
	tags := []string{"Tiers"}
	httpapi.Register(api, httpapi.Tenant(tier.PermRead), huma.Operation{
		OperationID: "get-customer-tier", Method: http.MethodGet, Path: "/v1/customers/{id}/tier", Tags: tags,
		Errors: []int{http.StatusNotFound}, Summary: "A customer's tier", Description: memberDoc,
	}, func(ctx context.Context, in *struct {
		CustomerPath
		LangQuery
	}) (*memberOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		return m.member(ctx, id, in.Lang)
	})
	httpapi.Register(api, httpapi.Tenant(tier.PermRead), huma.Operation{
		OperationID: "lookup-customer-tier", Method: http.MethodGet, Path: "/v1/tiers/lookup", Tags: tags,
		Errors:  []int{http.StatusNotFound, http.StatusUnprocessableEntity},
		Summary: "A customer's tier by external ID or member code",
		Description: "For a till or CRM: the customer named by the partner's own ID (external_id) or by the member code the " +
			"member shows in the Mini Program (member_code, valid for a minute or two; nothing is recorded): exactly one. " +
			memberDoc,
	}, func(ctx context.Context, in *struct {
		ExternalID string `query:"external_id" maxLength:"100" example:"pos-member-88231"`
		MemberCode string `query:"member_code" maxLength:"200"`
		LangQuery
	}) (*memberOutput, error) {
		tenant := httpapi.PrincipalFrom(ctx).Tenant.ID
		if (in.ExternalID == "") == (in.MemberCode == "") {
			return nil, httpapi.Invalid(ctx, httpapi.Field("query.external_id", "send external_id or member_code, not both", nil))
		}
		if in.MemberCode != "" {
			id, err := m.codes.Identify(tenant, in.MemberCode)
			if err != nil {
				return nil, m.fail(ctx, err)
			}
			return m.member(ctx, id, in.Lang)
		}
		cs, err := m.customers.List(ctx, tenant, ports.CustomerQuery{ExternalID: in.ExternalID}, ports.Page{Limit: 1})
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		if len(cs) == 0 {
			return nil, httpapi.NewProblem(ctx, http.StatusNotFound, "customer_not_found", "no such customer",
				httpapi.Field("query.external_id", "no such customer", nil))
		}
		return m.member(ctx, cs[0].ID, in.Lang)
	})
	httpapi.Register(api, httpapi.Tenant(tier.PermWrite), huma.Operation{
		OperationID: "assign-customer-tier", Method: http.MethodPut, Path: "/v1/customers/{id}/tier", Tags: tags,
		Errors:  []int{http.StatusNotFound, http.StatusUnprocessableEntity},
		Summary: "Set a customer's tier by hand",
		Description: "With a reason, and optionally until a time: the manual tier outranks the rules until then, when the next " +
			"evaluation recalculates it (tier.expired). Audited, in the history as manual, published as tier.upgraded or " +
			"tier.downgraded. An unknown tier code is `unknown_tier`.",
	}, func(ctx context.Context, in *struct {
		CustomerPath
		Body TierAssignmentInput
	}) (*memberOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		tenant := httpapi.PrincipalFrom(ctx).Tenant.ID
		if _, err := m.customers.Get(ctx, tenant, id); err != nil {
			return nil, m.fail(ctx, err)
		}
		if _, err := m.svc.Assign(ctx, tenant, tiers.Assignment{Customer: id, Tier: tier.Code(in.Body.Tier), Reason: in.Body.Reason,
			Until: in.Body.Until}); err != nil {
			return nil, m.fail(ctx, err)
		}
		return m.member(ctx, id, "")
	})
	httpapi.Register(api, httpapi.Customer(m.kit.CustomerTokens()), huma.Operation{
		OperationID: "get-my-tier", Method: http.MethodGet, Path: "/v1/me/tier", Tags: []string{"Mini Program"},
		Errors: []int{http.StatusNotFound}, Summary: "The member's tier", Description: memberDoc,
	}, func(ctx context.Context, in *LangQuery) (*memberOutput, error) {
		return m.member(ctx, httpapi.PrincipalFrom(ctx).CustomerID, in.Lang)
	})
}

func (m *Module) member(ctx context.Context, customer uuid.UUID, lang string) (*memberOutput, error) {
	v, err := m.svc.MemberTier(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, customer, lang)
	if err != nil {
		return nil, m.fail(ctx, err)
	}
	return &memberOutput{Body: memberBody(v)}, nil
}
