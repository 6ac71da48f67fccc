package tiersapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
)

// TierBenefitInput is a benefit of a tier as an admin writes it.
type TierBenefitInput struct {
	Tier        string       `json:"tier" maxLength:"32" example:"gold" doc:"A code of the brand's ladder"`
	Kind        string       `json:"kind" enum:"entry_reward,birthday_gift,anniversary_gift,perk,multiplier_note,early_access" doc:"entry_reward: a reward of the points catalog given free on moving up into the tier (once per tier and period, for every tier passed); birthday_gift, anniversary_gift: a reward given once a year on the day (brand's zone); perk: claimed by the member, up to usage_limit per limit_period; multiplier_note: tells of the tier's points multiplier (a points rule on the attribute tier); early_access: an eligibility tag"`
	Title       TierTextBody `json:"title" doc:"Both languages, at most 60 characters each"`
	Description TierTextBody `json:"description" doc:"At most 500 characters in each language"`
	RewardID    *string      `json:"reward_id,omitempty" format:"uuid" doc:"The points catalog's reward of an entry reward or a gift"`
	Tag         string       `json:"tag,omitempty" maxLength:"40" example:"spring-preview" doc:"An early access benefit's eligibility tag"`
	UsageLimit  int          `json:"usage_limit,omitempty" minimum:"0" maximum:"1000" doc:"A perk's claims per limit_period (0: no limit)"`
	LimitPeriod string       `json:"limit_period,omitempty" enum:"ever,day,month,year" doc:"The period the limit counts over, in the brand's zone; ever unless given"`
	ValidFrom   *time.Time   `json:"valid_from,omitempty"`
	ValidUntil  *time.Time   `json:"valid_until,omitempty"`
	Existing    bool         `json:"existing" doc:"Whether members already in the tier get the benefit, or only those reaching it from now on"`
}

// TierBenefitBody is a benefit with how much it was used.
type TierBenefitBody struct {
	ID string `json:"id" format:"uuid"`
	TierBenefitInput
	Uses      int64     `json:"uses" doc:"Rewards given and perks claimed"`
	Members   int64     `json:"members" doc:"Distinct members who used it"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MyTierBenefitBody is one of the member's benefits and where they stand with it.
type MyTierBenefitBody struct {
	ID          string       `json:"id" format:"uuid"`
	Kind        string       `json:"kind"`
	Title       TierTextBody `json:"title"`
	Description TierTextBody `json:"description"`
	Tag         string       `json:"tag,omitempty"`
	Status      string       `json:"status" enum:"available,used_up,given,pending,not_in_force"`
	Used        int          `json:"used" doc:"Uses in the period under way (the limit's period; the year for gifts)"`
	Left        *int         `json:"left,omitempty" doc:"Claims left in the period of a limited perk"`
	ValidUntil  *time.Time   `json:"valid_until,omitempty"`
}

type benefitOutput struct{ Body TierBenefitBody }

type benefitsOutput struct {
	Body struct {
		Benefits []TierBenefitBody `json:"benefits"`
	}
}

type myBenefitsOutput struct {
	Body struct {
		Benefits []MyTierBenefitBody `json:"benefits"`
	}
}

// TierPerkClaimBody is a member's claim of a perk.
type TierPerkClaimBody struct {
	Key string `json:"key" minLength:"1" maxLength:"100" doc:"The client's ID of the claim"`
}

type claimOutput struct {
	Body struct {
		MyTierBenefitBody
		Replayed bool `json:"replayed" doc:"The key was used before: that claim's outcome, nothing claimed now"`
	}
}

type eligibilityOutput struct {
	Body struct {
		Eligible bool     `json:"eligible"`
		Reason   string   `json:"reason" enum:"eligible,no_program,unknown_tag,not_in_tier,not_in_force,joined_before" doc:"Why: the customer's tier gives the tag; the brand has no tier program; no tier gives it; the customer's tier does not; it is outside its validity; it is for members reaching the tier after it was added"`
		Tier     string   `json:"tier,omitempty" doc:"The customer's tier"`
		Tiers    []string `json:"tiers" doc:"The tiers that give the tag"`
	}
}

// BenefitPath names a benefit in the path.
type BenefitPath struct {
	BenefitID string `path:"benefit_id" format:"uuid"`
}

var benefitErrors = httpapi.ErrorTable{
	{Err: tiers.ErrBenefitNotFound, Status: http.StatusNotFound, Code: "tier_benefit_not_found", Detail: "no such benefit",
		Field: "path.benefit_id", Reason: "no such benefit"},
	httpapi.InvalidFields(httpapi.At("body")).When(tiers.ErrUnknownReward, "reward_not_found"),
	{Err: tiers.ErrNotPerk, Status: http.StatusUnprocessableEntity, Code: "tier_benefit_not_perk", Detail: "only perks are claimed",
		Field: "path.benefit_id", Reason: "not a perk"},
	{Err: tiers.ErrNotYours, Status: http.StatusUnprocessableEntity, Code: "tier_benefit_not_yours",
		Detail: "the member's tier does not give this benefit", Field: "path.benefit_id", Reason: "not the member's tier's"},
	{Err: tiers.ErrNotInForce, Status: http.StatusUnprocessableEntity, Code: "tier_benefit_not_in_force",
		Detail: "the benefit is not valid now", Field: "path.benefit_id", Reason: "not valid now"},
	{Err: tiers.ErrUsedUp, Status: http.StatusConflict, Code: "tier_benefit_used_up",
		Detail: "the perk's usage limit for the period is reached"},
}

// benefitTable answers the benefits' refusals, then the module's.
var benefitTable = append(benefitErrors, tierErrors...)

func (m *Module) failBenefit(ctx context.Context, err error) error {
	return m.kit.MapError(ctx, err, benefitTable)
}

func (in TierBenefitInput) benefit(ctx context.Context) (tier.Benefit, error) {
	b := tier.Benefit{Tier: tier.Code(in.Tier), Kind: tier.BenefitKind(in.Kind), Title: tier.Text(in.Title),
		Description: tier.Text(in.Description), Tag: in.Tag, UsageLimit: in.UsageLimit, LimitPeriod: tier.LimitPeriod(in.LimitPeriod),
		ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Existing: in.Existing}
	if in.RewardID != nil {
		id, err := httpapi.ParseUUID(ctx, "body.reward_id", *in.RewardID)
		if err != nil {
			return b, err
		}
		b.RewardID = &id
	}
	return b, nil
}

func benefitBody(b tier.Benefit, u tiers.Usage) TierBenefitBody {
	out := TierBenefitBody{ID: b.ID.String(), TierBenefitInput: TierBenefitInput{Tier: string(b.Tier), Kind: string(b.Kind),
		Title: textBody(b.Title), Description: textBody(b.Description), Tag: b.Tag, UsageLimit: b.UsageLimit,
		LimitPeriod: string(b.LimitPeriod), ValidFrom: b.ValidFrom, ValidUntil: b.ValidUntil, Existing: b.Existing},
		Uses: u.Uses, Members: u.Members, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
	if b.RewardID != nil {
		s := b.RewardID.String()
		out.RewardID = &s
	}
	return out
}

func myBenefitBody(b tiers.MemberBenefit) MyTierBenefitBody {
	return MyTierBenefitBody{ID: b.ID.String(), Kind: string(b.Kind), Title: textBody(b.Title), Description: textBody(b.Description),
		Tag: b.Tag, Status: string(b.Status), Used: b.Used, Left: b.Left, ValidUntil: b.ValidUntil}
}

func (m *Module) registerBenefits(api huma.API) {
	tags := []string{"Tiers"}
	httpapi.Register(api, httpapi.Tenant(tier.PermRead), huma.Operation{
		OperationID: "list-tier-benefits", Method: http.MethodGet, Path: "/v1/tiers/benefits", Tags: tags,
		Summary: "The tiers' benefits", Description: "Every benefit of the brand's tiers, by tier, with its uses (rewards given, perks claimed) and the members who used it.",
	}, func(ctx context.Context, _ *struct{}) (*benefitsOutput, error) {
		vs, err := m.svc.Benefits(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.failBenefit(ctx, err)
		}
		out := &benefitsOutput{}
		out.Body.Benefits = make([]TierBenefitBody, len(vs))
		for i, v := range vs {
			out.Body.Benefits[i] = benefitBody(v.Benefit, v.Usage)
		}
		return out, nil
	})
	const putDoc = "Refused (422, every field at fault, nothing changed) for a tier the program lacks, a title missing in a " +
		"language, a reward missing or given to a kind without one, a reward the points catalog lacks (`reward_not_found`), " +
		"a tag on anything but early access, a limit on anything but a perk. Audited."
	httpapi.Register(api, httpapi.Tenant(tier.PermWrite), huma.Operation{
		OperationID: "create-tier-benefit", Method: http.MethodPost, Path: "/v1/tiers/benefits", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}, Summary: "Add a benefit to a tier", Description: putDoc,
	}, func(ctx context.Context, in *struct{ Body TierBenefitInput }) (*benefitOutput, error) {
		return m.putBenefit(ctx, uuid.Nil, in.Body)
	})
	httpapi.Register(api, httpapi.Tenant(tier.PermWrite), huma.Operation{
		OperationID: "update-tier-benefit", Method: http.MethodPut, Path: "/v1/tiers/benefits/{benefit_id}", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}, Summary: "Change a tier's benefit", Description: putDoc,
	}, func(ctx context.Context, in *struct {
		BenefitPath
		Body TierBenefitInput
	}) (*benefitOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.benefit_id", in.BenefitID)
		if err != nil {
			return nil, err
		}
		return m.putBenefit(ctx, id, in.Body)
	})
	httpapi.Register(api, httpapi.Tenant(tier.PermWrite), huma.Operation{
		OperationID: "delete-tier-benefit", Method: http.MethodDelete, Path: "/v1/tiers/benefits/{benefit_id}", Tags: tags,
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
		Summary: "Remove a tier's benefit", Description: "With its record of uses. Audited.",
	}, func(ctx context.Context, in *BenefitPath) (*struct{}, error) {
		id, err := httpapi.ParseUUID(ctx, "path.benefit_id", in.BenefitID)
		if err != nil {
			return nil, err
		}
		if err := m.svc.DeleteBenefit(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id); err != nil {
			return nil, m.failBenefit(ctx, err)
		}
		return nil, nil
	})
	httpapi.Register(api, httpapi.Tenant(tier.PermRead), huma.Operation{
		OperationID: "tier-eligibility", Method: http.MethodGet, Path: "/v1/tiers/eligibility", Tags: tags,
		Errors:  []int{http.StatusNotFound, http.StatusUnprocessableEntity},
		Summary: "Whether a customer holds an early access tag",
		Description: "For other modules and partners: yes or no, with the reason, the customer's tier and the tiers that give " +
			"the tag (early access benefits). Nothing is recorded.",
	}, func(ctx context.Context, in *struct {
		CustomerID string `query:"customer_id" required:"true" format:"uuid"`
		Tag        string `query:"tag" required:"true" maxLength:"40" example:"spring-preview"`
	}) (*eligibilityOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "query.customer_id", in.CustomerID)
		if err != nil {
			return nil, err
		}
		e, err := m.svc.Eligible(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, in.Tag)
		if errors.Is(err, ports.ErrCustomerNotFound) {
			return nil, httpapi.NewProblem(ctx, http.StatusNotFound, "customer_not_found", "no such customer",
				httpapi.Field("query.customer_id", "no such customer", nil))
		}
		if err != nil {
			return nil, m.failBenefit(ctx, err)
		}
		out := &eligibilityOutput{}
		out.Body.Eligible, out.Body.Reason, out.Body.Tier, out.Body.Tiers = e.Eligible, e.Reason, string(e.Tier), []string{}
		for _, c := range e.Tiers {
			out.Body.Tiers = append(out.Body.Tiers, string(c))
		}
		return out, nil
	})
	mini := []string{"Mini Program"}
	httpapi.Register(api, httpapi.Customer(m.kit.CustomerTokens()), huma.Operation{
		OperationID: "list-my-tier-benefits", Method: http.MethodGet, Path: "/v1/me/tier/benefits", Tags: mini,
		Summary:     "The benefits of the member's tier",
		Description: "Those that apply to the member, each with its status: a perk available, used up for the period (with claims left), a reward given or pending, a benefit outside its validity.",
	}, func(ctx context.Context, _ *struct{}) (*myBenefitsOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		bs, err := m.svc.MyBenefits(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, m.failBenefit(ctx, err)
		}
		out := &myBenefitsOutput{}
		out.Body.Benefits = make([]MyTierBenefitBody, len(bs))
		for i, b := range bs {
			out.Body.Benefits[i] = myBenefitBody(b)
		}
		return out, nil
	})
	httpapi.Register(api, httpapi.Customer(m.kit.CustomerTokens()), huma.Operation{
		OperationID: "claim-my-tier-perk", Method: http.MethodPost, Path: "/v1/me/tier/benefits/{benefit_id}/claim", Tags: mini,
		Errors:  []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
		Summary: "Claim a perk of the member's tier",
		Description: "Once per key (a retry answers replayed and claims nothing more), within the perk's validity and its " +
			"usage limit for the period under way (409 `tier_benefit_used_up`).",
	}, func(ctx context.Context, in *struct {
		BenefitPath
		Body TierPerkClaimBody
	}) (*claimOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.benefit_id", in.BenefitID)
		if err != nil {
			return nil, err
		}
		p := httpapi.PrincipalFrom(ctx)
		c, err := m.svc.ClaimPerk(ctx, p.Tenant.ID, p.CustomerID, id, in.Body.Key)
		if err != nil {
			return nil, m.failBenefit(ctx, err)
		}
		out := &claimOutput{}
		out.Body.MyTierBenefitBody, out.Body.Replayed = myBenefitBody(c.MemberBenefit), c.Replayed
		return out, nil
	})
}

func (m *Module) putBenefit(ctx context.Context, id uuid.UUID, in TierBenefitInput) (*benefitOutput, error) {
	b, err := in.benefit(ctx)
	if err != nil {
		return nil, err
	}
	b.ID = id
	saved, err := m.svc.PutBenefit(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, b)
	if err != nil {
		return nil, m.failBenefit(ctx, err)
	}
	return &benefitOutput{Body: benefitBody(saved, tiers.Usage{})}, nil
}
