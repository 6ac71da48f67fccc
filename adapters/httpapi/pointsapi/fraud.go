package pointsapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/domain/points/ledger"
)

// FraudLimitBody holds what goes beyond max per subject in a period.
type FraudLimitBody struct {
	Subject string `json:"subject" enum:"customer,store,device" doc:"What the limit is kept per: a customer, a store code, a device ID (an event's payload device_id)"`
	Period  string `json:"period" enum:"day,week,month" doc:"A day, a week from Monday or a month, in the brand's time zone"`
	Measure string `json:"measure" enum:"points,earnings" doc:"Spendable points earned, or how many earnings"`
	Max     int64  `json:"max" minimum:"1" maximum:"100000000"`
}

// FraudWindowBody is "more than count within minutes"; count 0 is off.
type FraudWindowBody struct {
	Count   int `json:"count" minimum:"0" maximum:"100000"`
	Minutes int `json:"minutes" minimum:"0" maximum:"10080"`
}

// FraudRedeemBody refuses a redemption within minutes after an earning of more than points.
type FraudRedeemBody struct {
	Minutes int   `json:"minutes" minimum:"0" maximum:"10080" doc:"0 is off"`
	Points  int64 `json:"points" minimum:"0" maximum:"100000000"`
}

// FraudSettingsBody is the brand's anti-fraud rules.
type FraudSettingsBody struct {
	Limits    []FraudLimitBody `json:"limits" maxItems:"20"`
	Velocity  FraudWindowBody  `json:"velocity" doc:"More earnings of one customer than count within minutes are held"`
	Referrals FraudWindowBody  `json:"referrals" doc:"More referrals than count within minutes from one device, IP address or phone prefix are held (both sides)"`
	Receipts  FraudWindowBody  `json:"receipts" doc:"More receipts of one store than count within minutes are held"`
	Redeem    FraudRedeemBody  `json:"redeem" doc:"A redemption right after an unusual earning is refused (points_held_for_review) and flagged"`
	RiskRank  int              `json:"risk_rank" minimum:"0" maximum:"4" doc:"Hold the earnings of customers whose WeChat risk rank is at least this; 0 is off"`
}

func fraudSettingsBody(s fraud.Settings) FraudSettingsBody {
	b := FraudSettingsBody{Limits: make([]FraudLimitBody, len(s.Limits)), Velocity: FraudWindowBody(s.Velocity),
		Referrals: FraudWindowBody(s.Referrals), Receipts: FraudWindowBody(s.Receipts), Redeem: FraudRedeemBody(s.Redeem), RiskRank: s.RiskRank}
	for i, l := range s.Limits {
		b.Limits[i] = FraudLimitBody{Subject: string(l.Subject), Period: string(l.Period), Measure: string(l.Measure), Max: l.Max}
	}
	return b
}

func (b FraudSettingsBody) settings() fraud.Settings {
	s := fraud.Settings{Limits: make([]fraud.Limit, len(b.Limits)), Velocity: fraud.Window(b.Velocity), Referrals: fraud.Window(b.Referrals),
		Receipts: fraud.Window(b.Receipts), Redeem: fraud.RedeemAfter(b.Redeem), RiskRank: b.RiskRank}
	for i, l := range b.Limits {
		s.Limits[i] = fraud.Limit{Subject: fraud.Subject(l.Subject), Period: fraud.Period(l.Period), Measure: fraud.Measure(l.Measure), Max: l.Max}
	}
	return s
}

// FraudReasonBody is why a rule flagged an earning or a redemption.
type FraudReasonBody struct {
	Code    string `json:"code" enum:"limit,velocity,referrals,receipts,risk_rank,redeem_after_earn"`
	Subject string `json:"subject,omitempty" enum:"customer,store,device,ip,phone"`
	Period  string `json:"period,omitempty" enum:"day,week,month"`
	Measure string `json:"measure,omitempty" enum:"points,earnings"`
	Minutes int    `json:"minutes,omitempty"`
	Max     int64  `json:"max,omitempty" doc:"The rule's limit"`
	Actual  int64  `json:"actual,omitempty" doc:"What was counted, this one included"`
}

// HeldPointsBody is what a flag holds in one wallet.
type HeldPointsBody struct {
	Wallet string `json:"wallet"`
	Points int64  `json:"points"`
}

// FraudFlagBody is a flagged earning (its points held) or a refused redemption.
type FraudFlagBody struct {
	ID             string            `json:"id" format:"uuid"`
	Kind           string            `json:"kind" enum:"earn,receipt,referral,redemption"`
	CustomerID     string            `json:"customer_id" format:"uuid"`
	OperationID    string            `json:"operation_id,omitempty" format:"uuid" doc:"The held earning; for a redemption, the unusual earning before it"`
	PurchaseID     string            `json:"purchase_id,omitempty"`
	Held           []HeldPointsBody  `json:"held"`
	ReleaseAt      *time.Time        `json:"release_at,omitempty" doc:"When the points would have counted without the hold; absent: at once"`
	Reasons        []FraudReasonBody `json:"reasons"`
	Status         string            `json:"status" enum:"pending,approved,rejected"`
	CreatedAt      time.Time         `json:"created_at"`
	DecidedBy      *PointsActorBody  `json:"decided_by,omitempty"`
	DecidedAt      *time.Time        `json:"decided_at,omitempty"`
	DecisionReason string            `json:"decision_reason,omitempty"`
	DecisionNote   string            `json:"decision_note,omitempty"`
	DecisionOpID   string            `json:"decision_operation_id,omitempty" format:"uuid" doc:"The release or cancellation the decision wrote"`
}

func flagBody(f points.Flag) FraudFlagBody {
	b := FraudFlagBody{ID: f.ID.String(), Kind: string(f.Kind), CustomerID: f.Customer.String(), PurchaseID: f.PurchaseID,
		Held: make([]HeldPointsBody, len(f.Held)), Reasons: make([]FraudReasonBody, len(f.Reasons)), Status: string(f.Status),
		CreatedAt: f.CreatedAt, DecisionReason: f.DecisionReason, DecisionNote: f.DecisionNote}
	if f.OperationID != uuid.Nil {
		b.OperationID = f.OperationID.String()
	}
	if f.DecisionOperation != uuid.Nil {
		b.DecisionOpID = f.DecisionOperation.String()
	}
	if !f.ReleaseAt.IsZero() {
		b.ReleaseAt = &f.ReleaseAt
	}
	if !f.DecidedAt.IsZero() {
		b.DecidedBy = &PointsActorBody{Kind: string(f.DecidedBy.Kind), ID: f.DecidedBy.ID, Label: f.DecidedBy.Label}
		b.DecidedAt = &f.DecidedAt
	}
	for i, h := range f.Held {
		b.Held[i] = HeldPointsBody{Wallet: string(h.Wallet), Points: h.Points}
	}
	for i, r := range f.Reasons {
		b.Reasons[i] = FraudReasonBody{Code: string(r.Code), Subject: string(r.Subject), Period: string(r.Period),
			Measure: string(r.Measure), Minutes: r.Minutes, Max: r.Max, Actual: r.Actual}
	}
	return b
}

// FraudFlagListBody is a page of flags.
type FraudFlagListBody struct {
	Items      []FraudFlagBody `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// FraudFlagListQuery filters flags.
type FraudFlagListQuery struct {
	httpapi.PageQuery
	Status     string `query:"status" enum:"pending,approved,rejected" doc:"Only flags in this status: the review queue is pending"`
	CustomerID string `query:"customer_id" format:"uuid" doc:"Only this customer's flags"`
}

// fraudDecisionBody is an admin's decision on a flag.
type fraudDecisionBody struct {
	Reason string `json:"reason" enum:"legitimate,known_customer,store_event,confirmed_fraud,duplicate,other" doc:"Why"`
	Note   string `json:"note,omitempty" maxLength:"500" doc:"For admins"`
}

var fraudErrors = httpapi.ErrorTable{
	{Err: points.ErrFlagNotFound, Status: http.StatusNotFound, Code: "fraud_flag_not_found",
		Detail: "no such fraud flag", Field: "path.id", Reason: "no such flag"},
	{Err: points.ErrFlagDecided, Status: http.StatusConflict, Code: "fraud_flag_decided",
		Detail: "this fraud flag was already approved or rejected", Field: "path.id", Reason: "already decided"},
}

type fraudSettingsOutput struct{ Body FraudSettingsBody }
type fraudFlagOutput struct{ Body FraudFlagBody }
type fraudFlagListOutput struct{ Body FraudFlagListBody }

func (m *Module) registerFraud(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-points-fraud-settings", Method: http.MethodGet, Path: "/v1/points/fraud/settings", Tags: tags,
		Summary: "The brand's anti-fraud rules", Description: "Limits, velocity, patterns, the risk rank threshold and the redemption rule.",
	}, func(ctx context.Context, _ *struct{}) (*fraudSettingsOutput, error) {
		s, err := m.svc.FraudSettings(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return &fraudSettingsOutput{Body: fraudSettingsBody(s)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "set-points-fraud-settings", Method: http.MethodPut, Path: "/v1/points/fraud/settings", Tags: tags,
		Summary: "Change the brand's anti-fraud rules",
		Description: "Audited. They judge what is earned and redeemed from then on: an earning a rule flags is credited held " +
			"(pending, with no release date) and waits in the review queue; a flagged redemption is refused. One limit per " +
			"subject, period and measure.",
	}, func(ctx context.Context, in *struct{ Body FraudSettingsBody }) (*fraudSettingsOutput, error) {
		s, err := m.svc.PutFraudSettings(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Body.settings())
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return &fraudSettingsOutput{Body: fraudSettingsBody(s)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "list-points-fraud-flags", Method: http.MethodGet, Path: "/v1/points/fraud/flags", Tags: tags,
		Summary: "The anti-fraud review queue", Description: "Flagged earnings and refused redemptions, newest first.",
	}, func(ctx context.Context, in *FraudFlagListQuery) (*fraudFlagListOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		q := points.FlagQuery{Status: points.FlagStatus(in.Status)}
		if in.CustomerID != "" {
			if q.Customer, err = httpapi.ParseUUID(ctx, "query.customer_id", in.CustomerID); err != nil {
				return nil, err
			}
		}
		fs, err := m.svc.FraudFlags(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, q, page)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		fs, next := httpapi.Paginate(fs, page, func(f points.Flag) string { return f.ID.String() })
		out := &fraudFlagListOutput{}
		out.Body.Items = make([]FraudFlagBody, len(fs))
		for i, f := range fs {
			out.Body.Items[i] = flagBody(f)
		}
		out.Body.NextCursor = next
		return out, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-points-fraud-flag", Method: http.MethodGet, Path: "/v1/points/fraud/flags/{id}", Tags: tags,
		Summary: "One fraud flag", Errors: []int{http.StatusNotFound}, Description: "Why it was flagged, what it holds and the decision.",
	}, func(ctx context.Context, in *RequestPath) (*fraudFlagOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		f, err := m.svc.FraudFlag(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.fail(ctx, err, fraudErrors)
		}
		return &fraudFlagOutput{Body: flagBody(f)}, nil
	})
	for _, d := range []struct {
		verb, summary, description string
	}{
		{"approve", "Approve a flag: the held points count",
			"The held points count at once, or at the release they would have had; for a redemption, the customer may redeem again. "},
		{"reject", "Reject a flag: the held points are cancelled",
			"The held points are cancelled; a refused redemption stays refused until the rule's minutes pass. "},
	} {
		verb := d.verb
		httpapi.Register(api, httpapi.Tenant(ledger.PermApprove), huma.Operation{
			OperationID: verb + "-points-fraud-flag", Method: http.MethodPost, Path: "/v1/points/fraud/flags/{id}/" + verb, Tags: tags,
			Summary: d.summary, Errors: []int{http.StatusNotFound, http.StatusConflict},
			Description: d.description + "A flag already decided is `fraud_flag_decided`: decisions racing for one flag " +
				"release or cancel once. Audited.",
		}, func(ctx context.Context, in *struct {
			RequestPath
			Body fraudDecisionBody
		}) (*fraudFlagOutput, error) {
			id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
			if err != nil {
				return nil, err
			}
			decide := m.svc.ApproveFlag
			if verb == "reject" {
				decide = m.svc.RejectFlag
			}
			f, err := decide(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, points.Decision{Reason: in.Body.Reason, Note: in.Body.Note})
			if err != nil {
				return nil, m.fail(ctx, err, fraudErrors)
			}
			return &fraudFlagOutput{Body: flagBody(f)}, nil
		})
	}
}
