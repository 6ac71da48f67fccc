package pointsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// PointsCampaignInputBody is a bonus campaign as an admin writes it.
type PointsCampaignInputBody struct {
	Name        PointsRuleTextBody       `json:"name" doc:"Both languages required: members read it"`
	Description *PointsRuleTextBody      `json:"description,omitempty"`
	Wallet      string                   `json:"wallet" maxLength:"40" example:"points"`
	StartsAt    time.Time                `json:"starts_at" doc:"After now; purchases made from then on earn from it"`
	EndsAt      time.Time                `json:"ends_at" doc:"After starts_at, at most 366 days later; purchases made from then on do not earn from it"`
	Kind        string                   `json:"kind" enum:"multiplier,bonus" doc:"multiplier: percent of the base points the purchase earns in the wallet, beyond them (200: double points); bonus: points per qualifying purchase"`
	Percent     int64                    `json:"percent,omitempty" minimum:"0" maximum:"10000" example:"200"`
	Points      int64                    `json:"points,omitempty" minimum:"0" maximum:"100000000"`
	When        PointsRuleConditionsBody `json:"when,omitempty" doc:"The rules' conditions (store categories of the rules in effect at the start, product categories, minimum spend, weekdays, hours, birthday, segments, an attribute such as the tier); no date range: the window is the campaign's"`
	Budget      int64                    `json:"budget" minimum:"1" maximum:"1000000000" doc:"The most points the campaign ever issues: it stops once they are issued"`
}

// PointsCampaignPerformanceBody is what a campaign did so far.
type PointsCampaignPerformanceBody struct {
	Issued       int64 `json:"issued" doc:"Points issued; refunds take theirs back from the customers but not into the budget"`
	Left         int64 `json:"left" doc:"Budget left to issue; 0 once stopped"`
	Participants int64 `json:"participants" doc:"Distinct customers who earned from it"`
	Purchases    int64 `json:"purchases" doc:"Purchases that earned from it"`
	SpendFen     int64 `json:"spend_fen" doc:"Their amount, in fen"`
}

// PointsCampaignBody is a bonus campaign with its state and performance.
type PointsCampaignBody struct {
	ID string `json:"id" format:"uuid"`
	PointsCampaignInputBody
	State       string                        `json:"state" enum:"scheduled,running,ended,stopped"`
	StoppedAt   *time.Time                    `json:"stopped_at,omitempty"`
	StopReason  string                        `json:"stop_reason,omitempty" enum:"budget,admin" doc:"budget: its budget was issued; admin: stopped by hand"`
	Performance PointsCampaignPerformanceBody `json:"performance"`
	CreatedAt   time.Time                     `json:"created_at"`
	UpdatedAt   time.Time                     `json:"updated_at"`
}

// PointsCampaignsBody is the brand's campaigns.
type PointsCampaignsBody struct {
	Campaigns []PointsCampaignBody `json:"campaigns" doc:"Every campaign, the latest start first"`
}

// PointsMyCampaignBody is a running campaign as a member reads it.
type PointsMyCampaignBody struct {
	ID          string    `json:"id" format:"uuid"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Wallet      string    `json:"wallet"`
	Kind        string    `json:"kind" enum:"multiplier,bonus"`
	Percent     int64     `json:"percent,omitempty"`
	Points      int64     `json:"points,omitempty"`
	MinSpendFen int64     `json:"min_spend_fen,omitempty"`
	Weekdays    []int     `json:"weekdays,omitempty" doc:"0 Sunday to 6 Saturday, in the brand's time zone"`
	EndsAt      time.Time `json:"ends_at"`
}

// PointsMyCampaignsBody is the campaigns a member earns from now, in their language.
type PointsMyCampaignsBody struct {
	Lang      string                 `json:"lang" enum:"zh-CN,en"`
	Campaigns []PointsMyCampaignBody `json:"campaigns"`
}

// PointsCampaignPath names a campaign in the path.
type PointsCampaignPath struct {
	ID string `path:"id" format:"uuid"`
}

func (b PointsCampaignInputBody) campaign() (campaigns.Campaign, error) {
	c := campaigns.Campaign{Name: rules.Text{ZH: b.Name.ZH, EN: b.Name.EN}, Wallet: ledger.Wallet(b.Wallet), StartsAt: b.StartsAt,
		EndsAt: b.EndsAt, Kind: rules.Kind(b.Kind), Percent: b.Percent, Points: b.Points, Budget: b.Budget}
	if b.Description != nil {
		c.Description = rules.Text{ZH: b.Description.ZH, EN: b.Description.EN}
	}
	var bad []error
	for j, id := range b.When.Segments {
		if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
			bad = append(bad, fielderr.Errorf(fmt.Sprintf("when.segments[%d]", j), "a segment ID (UUID)"))
		}
	}
	if len(bad) > 0 {
		return c, errors.Join(bad...)
	}
	raw, err := json.Marshal(b.When)
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(raw, &c.When)
}

func campaignBody(c campaigns.Campaign, now time.Time) PointsCampaignBody {
	b := PointsCampaignBody{ID: c.ID.String(), State: string(c.StateAt(now)), StoppedAt: c.StoppedAt, StopReason: c.StopReason,
		Performance: PointsCampaignPerformanceBody{Issued: c.Issued, Left: c.Left(), Participants: c.Participants,
			Purchases: c.Purchases, SpendFen: c.SpendFen}, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	b.Name = PointsRuleTextBody{ZH: c.Name.ZH, EN: c.Name.EN}
	if c.Description != (rules.Text{}) {
		b.Description = &PointsRuleTextBody{ZH: c.Description.ZH, EN: c.Description.EN}
	}
	b.Wallet, b.StartsAt, b.EndsAt, b.Kind = string(c.Wallet), c.StartsAt, c.EndsAt, string(c.Kind)
	b.Percent, b.Points, b.Budget = c.Percent, c.Points, c.Budget
	raw, _ := json.Marshal(c.When)
	_ = json.Unmarshal(raw, &b.When)
	return b
}

// campaignErrors answer refusals of a campaign named at location.
func campaignErrors(location string) httpapi.ErrorTable {
	return httpapi.ErrorTable{
		{Err: campaigns.ErrNotFound, Status: http.StatusNotFound, Code: "campaign_not_found", Detail: "no such campaign",
			Field: location, Reason: "no such campaign"},
		{Err: campaigns.ErrNotScheduled, Status: http.StatusConflict, Code: "campaign_started",
			Detail: "the campaign has started: only a scheduled campaign changes; stop it instead", Field: location, Reason: "started"},
		{Err: campaigns.ErrNotStoppable, Status: http.StatusConflict, Code: "campaign_not_running",
			Detail: "the campaign has ended or was stopped", Field: location, Reason: "ended or stopped"},
		fieldsOf().When(rules.ErrUnknownWallet, "unknown_wallet"),
		fieldsOf().When(rules.ErrUnknownStoreCategory, "unknown_store_category"),
	}
}

type campaignOutput struct{ Body PointsCampaignBody }

func (m *Module) registerCampaigns(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), httpapi.Creates(huma.Operation{
		OperationID: "create-points-campaign", Method: http.MethodPost, Path: "/v1/points/campaigns", Tags: tags,
		DefaultStatus: http.StatusCreated, Summary: "Schedule a bonus campaign",
		Description: "Audited. For its window, purchases meeting its conditions earn extra points into its wallet, beside the " +
			"earning rules, until its budget is issued: concurrent purchases share the budget under the campaign's row lock, the " +
			"purchase that would cross it gets what is left, and the campaign stops. A purchase made in the window and reported " +
			"later still earns while budget is left. The points are part of the purchase's credit (a line of its breakdown); a " +
			"refund takes their share of what was refunded back with the rest, and the budget keeps counting them.",
	}, "/v1/points/campaigns/{id}"), func(ctx context.Context, in *struct{ Body PointsCampaignInputBody }) (*campaignOutput, error) {
		c, err := in.Body.campaign()
		if err != nil {
			return nil, m.fail(ctx, err, campaignErrors("body"))
		}
		stored, err := m.svc.CreateCampaign(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, c)
		if err != nil {
			return nil, m.fail(ctx, err, campaignErrors("body"))
		}
		return &campaignOutput{Body: campaignBody(stored, m.svc.Now())}, nil
	})
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "update-points-campaign", Errors: []int{http.StatusNotFound, http.StatusConflict}, Method: http.MethodPut,
		Path: "/v1/points/campaigns/{id}", Tags: tags, Summary: "Change a scheduled campaign",
		Description: "Replaces every field, only before the campaign starts (`campaign_started` after). Audited with before and after.",
	}, func(ctx context.Context, in *struct {
		PointsCampaignPath
		Body PointsCampaignInputBody
	}) (*campaignOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		c, err := in.Body.campaign()
		if err != nil {
			return nil, m.fail(ctx, err, campaignErrors("path.id"))
		}
		c.ID = id
		stored, err := m.svc.UpdateCampaign(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, c)
		if err != nil {
			return nil, m.fail(ctx, err, campaignErrors("path.id"))
		}
		return &campaignOutput{Body: campaignBody(stored, m.svc.Now())}, nil
	})
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "stop-points-campaign", Errors: []int{http.StatusNotFound, http.StatusConflict}, Method: http.MethodPost,
		Path: "/v1/points/campaigns/{id}/stop", Tags: tags, Summary: "Stop a campaign",
		Description: "Audited. A scheduled or running campaign stops for good; what it issued stays with the customers " +
			"(`campaign_not_running` once ended or stopped).",
	}, func(ctx context.Context, in *PointsCampaignPath) (*campaignOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		stopped, err := m.svc.StopCampaign(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.fail(ctx, err, campaignErrors("path.id"))
		}
		return &campaignOutput{Body: campaignBody(stopped, m.svc.Now())}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-points-campaign", Errors: []int{http.StatusNotFound}, Method: http.MethodGet,
		Path: "/v1/points/campaigns/{id}", Tags: tags, Summary: "A campaign and its live performance",
		Description: "Its performance is kept in the transaction of every earning: points issued, distinct customers, the " +
			"purchases that earned from it and their amount.",
	}, func(ctx context.Context, in *PointsCampaignPath) (*campaignOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		c, err := m.svc.Campaign(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.fail(ctx, err, campaignErrors("path.id"))
		}
		return &campaignOutput{Body: campaignBody(c, m.svc.Now())}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "list-points-campaigns", Method: http.MethodGet, Path: "/v1/points/campaigns", Tags: tags,
		Summary: "The brand's bonus campaigns", Description: "Every campaign with its state and performance, the latest start first.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body PointsCampaignsBody }, error) {
		cs, err := m.svc.Campaigns(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		out := &struct{ Body PointsCampaignsBody }{Body: PointsCampaignsBody{Campaigns: make([]PointsCampaignBody, len(cs))}}
		now := m.svc.Now()
		for i, c := range cs {
			out.Body.Campaigns[i] = campaignBody(c, now)
		}
		return out, nil
	})
	httpapi.Register(api, httpapi.Customer(m.kit.CustomerTokens()), huma.Operation{
		OperationID: "list-my-points-campaigns", Errors: []int{http.StatusNotFound}, Method: http.MethodGet,
		Path: "/v1/me/points/campaigns", Tags: []string{"Mini Program"}, Summary: "The bonus campaigns the member earns from now",
		Description: "Running campaigns whose conditions on the member (segments, attribute such as the tier, birthday) hold, " +
			"soonest ending first, in the member's language (lang, else the member's own, else zh-CN). Conditions on the " +
			"purchase (minimum spend, weekdays) are listed for the member to read.",
	}, func(ctx context.Context, in *struct {
		Lang string `query:"lang" enum:"zh-CN,en" doc:"The language; the member's own when absent"`
	}) (*struct{ Body PointsMyCampaignsBody }, error) {
		p := httpapi.PrincipalFrom(ctx)
		cs, lang, err := m.svc.MyCampaigns(ctx, p.Tenant.ID, p.CustomerID, in.Lang)
		if err != nil {
			return nil, m.fail(ctx, err, customerNotFound(""))
		}
		out := &struct{ Body PointsMyCampaignsBody }{Body: PointsMyCampaignsBody{Lang: lang, Campaigns: make([]PointsMyCampaignBody, len(cs))}}
		for i, c := range cs {
			out.Body.Campaigns[i] = PointsMyCampaignBody{ID: c.ID.String(), Name: c.Name.In(lang), Description: c.Description.In(lang),
				Wallet: string(c.Wallet), Kind: string(c.Kind), Percent: c.Percent, Points: c.Points, MinSpendFen: c.When.MinSpendFen,
				Weekdays: c.When.Weekdays, EndsAt: c.EndsAt}
		}
		return out, nil
	})
}
