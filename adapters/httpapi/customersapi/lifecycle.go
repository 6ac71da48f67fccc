package customersapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/lifecycle"
)

// LifecycleSettingsBody is a brand's recency rules.
type LifecycleSettingsBody struct {
	NewDays     int `json:"new_days" minimum:"1" maximum:"3650" example:"30" doc:"A customer who joined within this many days is new"`
	AtRiskDays  int `json:"at_risk_days" minimum:"1" maximum:"3650" example:"90" doc:"Days since the last purchase (or since joining, without one) after which a customer is at risk; less than lapsed_days"`
	LapsedDays  int `json:"lapsed_days" minimum:"1" maximum:"3650" example:"180" doc:"Days since the last purchase after which a customer is lapsed"`
	WonBackDays int `json:"won_back_days" minimum:"1" maximum:"3650" example:"30" doc:"A lapsed customer who buys again is won back for this many days"`
}

func settingsBody(s lifecycle.Settings) LifecycleSettingsBody {
	return LifecycleSettingsBody{NewDays: s.NewDays, AtRiskDays: s.AtRiskDays, LapsedDays: s.LapsedDays, WonBackDays: s.WonBackDays}
}

// StageCountBody is how many customers are at a stage.
type StageCountBody struct {
	Stage     string `json:"stage" enum:"new,active,at_risk,lapsed,won_back"`
	Customers int64  `json:"customers"`
}

type stagesOutput struct {
	Body struct {
		Stages []StageCountBody `json:"stages" doc:"Every stage, in order"`
	}
}

const stagesDoc = "Stages: new (joined within new_days), active (bought within at_risk_days, or joined that recently " +
	"without buying), at_risk (up to lapsed_days), lapsed (beyond), won_back (a lapsed customer who bought again, " +
	"for won_back_days). Days are 24 hours and limits inclusive. Stages follow each batch of events within moments " +
	"and are recomputed daily for the passing of time."

// settingsErrors names the fields of refused lifecycle rules.
var settingsErrors = httpapi.ErrorTable{
	httpapi.InvalidFields(httpapi.At("body")),
}

func (m *Module) registerLifecycle(api huma.API) {
	groups := []string{"Lifecycle"}
	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "get-lifecycle-settings", Method: http.MethodGet, Path: "/v1/lifecycle/settings", Tags: groups,
		Summary: "The brand's lifecycle rules", Description: stagesDoc,
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body LifecycleSettingsBody }, error) {
		st, err := m.deps.Lifecycle.Settings(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.kit.MapError(ctx, err)
		}
		return &struct{ Body LifecycleSettingsBody }{Body: settingsBody(st)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "set-lifecycle-settings", Method: http.MethodPut, Path: "/v1/lifecycle/settings", Tags: groups,
		Summary:     "Change the brand's lifecycle rules",
		Description: "Every customer's stage is recomputed under the new rules moments later. " + stagesDoc,
	}, func(ctx context.Context, in *struct{ Body LifecycleSettingsBody }) (*struct{ Body LifecycleSettingsBody }, error) {
		b := in.Body
		st := lifecycle.Settings{NewDays: b.NewDays, AtRiskDays: b.AtRiskDays, LapsedDays: b.LapsedDays, WonBackDays: b.WonBackDays}
		if err := m.deps.Lifecycle.SetSettings(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, st); err != nil {
			return nil, m.kit.MapError(ctx, err, settingsErrors)
		}
		return &struct{ Body LifecycleSettingsBody }{Body: b}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "count-lifecycle-stages", Method: http.MethodGet, Path: "/v1/lifecycle/stages", Tags: groups,
		Summary: "Customers per lifecycle stage", Description: stagesDoc,
	}, func(ctx context.Context, _ *struct{}) (*stagesOutput, error) {
		counts, err := m.deps.Lifecycle.Stages(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.kit.MapError(ctx, err)
		}
		out := &stagesOutput{}
		out.Body.Stages = make([]StageCountBody, len(counts))
		for i, c := range counts {
			out.Body.Stages[i] = StageCountBody{Stage: string(c.Stage), Customers: c.Customers}
		}
		return out, nil
	})
}
