package pointsapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
)

// PointsRateBody is a wallet's base purchase rule.
type PointsRateBody struct {
	Points            int64 `json:"points" minimum:"0" maximum:"1000000" example:"1" doc:"Points for every whole per_fen of a purchase; 0 earns nothing into this wallet"`
	PerFen            int64 `json:"per_fen" minimum:"1" maximum:"100000000" example:"100" doc:"The fen each points are earned for: 100 is a point per yuan"`
	MinSpendFen       int64 `json:"min_spend_fen" minimum:"0" maximum:"10000000000" doc:"A purchase under this amount earns nothing"`
	MaxPointsPerOrder int64 `json:"max_points_per_order" minimum:"0" maximum:"100000000" doc:"At most this many points per purchase; 0 for no cap"`
}

// PointsExpirySettingsBody is when a wallet's points expire.
type PointsExpirySettingsBody struct {
	Policy string `json:"policy" enum:"never,end_of_period" doc:"never, or at the end of the period that holds the day months after they were earned"`
	Months int    `json:"months" minimum:"0" maximum:"120" doc:"12 with period day: a year to the day; 0 with period year: the end of the calendar year; 12 with year: the end of the next"`
	Period string `json:"period" enum:"day,month,quarter,half_year,year" doc:"What the expiry is rounded up to the end of, in the brand's time zone"`
}

// PointsWalletSettingsBody is one wallet of the program.
type PointsWalletSettingsBody struct {
	Key       string                   `json:"key" pattern:"^[a-z][a-z0-9_]{1,39}$" example:"points" doc:"points and status are always there; a brand may add others"`
	Spendable bool                     `json:"spendable" doc:"Whether redemptions may spend it (status points, never)"`
	Label     *PointsWalletLabelBody   `json:"label,omitempty" doc:"The wallet's name on the console and reports; absent: none (the built-in wallets have names of their own)"`
	Rate      PointsRateBody           `json:"rate"`
	Expiry    PointsExpirySettingsBody `json:"expiry"`
}

// PointsWalletLabelBody is a wallet's name in Chinese and English.
type PointsWalletLabelBody struct {
	ZH string `json:"zh_cn" maxLength:"40" example:"咖啡豆" doc:"In Chinese; may be empty"`
	EN string `json:"en" maxLength:"40" example:"Coffee beans" doc:"In English; may be empty"`
}

// PointsSettingsBody is the brand's points program.
type PointsSettingsBody struct {
	RefundPolicy string                     `json:"refund_policy" enum:"pending_only,active_to_zero,allow_negative" doc:"What a refund takes back: only pending points; also points that count, down to zero; or everything, leaving a debt repaid by the next points credited"`
	PendingDays  int                        `json:"pending_days" minimum:"0" maximum:"365" doc:"Purchase points are pending this many days after the purchase (0: they count at once)"`
	WarningDays  int                        `json:"warning_days" minimum:"0" maximum:"365" doc:"points.expiring is published this many days before points expire (0: never)"`
	Wallets      []PointsWalletSettingsBody `json:"wallets" minItems:"2" maxItems:"8"`
	// ApprovalAbove and PointValue are optional: absent, no approval and a fen a point.
	ApprovalAbove int64           `json:"adjustment_approval_above,omitempty" minimum:"0" maximum:"100000000" doc:"A manual adjustment of more points than this (either way) waits for another admin's approval; 0 or absent: never"`
	PointValue    *PointValueBody `json:"point_value,omitempty" doc:"What points are worth to the brand, for the liability in reports; absent: a fen a point"`
}

// PointValueBody is what points are worth: fen for every points points.
type PointValueBody struct {
	Fen    int64 `json:"fen" minimum:"0" maximum:"1000000" example:"1" doc:"Fen for every points points"`
	Points int64 `json:"points" minimum:"1" maximum:"1000000" example:"1"`
}

func settingsBody(s program.Settings) PointsSettingsBody {
	b := PointsSettingsBody{RefundPolicy: string(s.RefundPolicy), PendingDays: s.PendingDays, WarningDays: s.WarningDays,
		Wallets: make([]PointsWalletSettingsBody, len(s.Wallets)), ApprovalAbove: s.ApprovalAbove,
		PointValue: &PointValueBody{Fen: s.Value.Fen, Points: s.Value.Points}}
	for i, w := range s.Wallets {
		b.Wallets[i] = PointsWalletSettingsBody{Key: string(w.Key), Spendable: w.Spendable, Label: &PointsWalletLabelBody{ZH: w.Label.ZH, EN: w.Label.EN},
			Rate:   PointsRateBody{Points: w.Rate.Points, PerFen: w.Rate.PerFen, MinSpendFen: w.Rate.MinSpendFen, MaxPointsPerOrder: w.Rate.MaxPerOrder},
			Expiry: PointsExpirySettingsBody{Policy: string(w.Expiry.Policy), Months: w.Expiry.Months, Period: string(w.Expiry.Period)}}
	}
	return b
}

func (b PointsSettingsBody) settings() program.Settings {
	s := program.Settings{RefundPolicy: program.RefundPolicy(b.RefundPolicy), PendingDays: b.PendingDays, WarningDays: b.WarningDays,
		ApprovalAbove: b.ApprovalAbove, Value: program.Defaults().Value}
	if b.PointValue != nil {
		s.Value = program.PointValue{Fen: b.PointValue.Fen, Points: b.PointValue.Points}
	}
	for _, w := range b.Wallets {
		var label program.Label
		if w.Label != nil {
			label = program.Label{ZH: w.Label.ZH, EN: w.Label.EN}
		}
		s.Wallets = append(s.Wallets, program.Wallet{Key: ledger.Wallet(w.Key), Spendable: w.Spendable, Label: label,
			Rate:   program.Rate{Points: w.Rate.Points, PerFen: w.Rate.PerFen, MinSpendFen: w.Rate.MinSpendFen, MaxPerOrder: w.Rate.MaxPointsPerOrder},
			Expiry: program.Expiry{Policy: program.ExpiryPolicy(w.Expiry.Policy), Months: w.Expiry.Months, Period: program.Period(w.Expiry.Period)}})
	}
	return s
}

type settingsOutput struct{ Body PointsSettingsBody }

func (m *Module) registerSettings(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-points-settings", Method: http.MethodGet, Path: "/v1/points/settings", Tags: tags,
		Summary: "The brand's points program", Description: "Refund policy, pending days, expiry warnings and each wallet's base rate and expiry.",
	}, func(ctx context.Context, _ *struct{}) (*settingsOutput, error) {
		s, err := m.svc.Settings(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return &settingsOutput{Body: settingsBody(s)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "set-points-settings", Method: http.MethodPut, Path: "/v1/points/settings", Tags: tags,
		Summary: "Change the brand's points program",
		Description: "Audited. New rates and expiries apply to points credited from then on; what was credited keeps its " +
			"terms, and refunds recompute with the rates of the purchase's day. The points and status wallets are always " +
			"there; a wallet customers hold points in cannot be dropped (`wallet_in_use`).",
	}, func(ctx context.Context, in *struct{ Body PointsSettingsBody }) (*settingsOutput, error) {
		if err := m.svc.SetSettings(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Body.settings()); err != nil {
			return nil, m.fail(ctx, err)
		}
		return &settingsOutput{Body: settingsBody(in.Body.settings())}, nil
	})
}
