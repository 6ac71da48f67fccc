package pointsapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/ledger"
)

// PointsActionLimitBody is how often a customer may earn a rule's points.
type PointsActionLimitBody struct {
	Count  int    `json:"count" minimum:"1" maximum:"1000" doc:"At most this many awards per period"`
	Period string `json:"period" enum:"ever,day,week,month" doc:"The period, in the brand's time zone (weeks start on Monday); ever for the customer's whole life"`
}

// PointsStreakBonusBody is a check-in rule's bonus for a streak of days.
type PointsStreakBonusBody struct {
	Days   int   `json:"days" minimum:"1" maximum:"366" doc:"The consecutive day of check-ins that earns the bonus"`
	Points int64 `json:"points" minimum:"1" maximum:"1000000"`
	Repeat bool  `json:"repeat,omitempty" doc:"Also on every multiple of days (every 7th day of a streak)"`
}

// PointsActionRuleFields are an action rule as a client sets it.
type PointsActionRuleFields struct {
	Action             string                  `json:"action" enum:"registration,first_login,check_in,referral,survey,event" doc:"registration: the customer joins (a first Mini Program login creates them; customers imported in bulk do not earn it). first_login: the customer's first Mini Program login, whether it made them a member or found them one (joined at a till, imported); once per customer. check_in: the Mini Program's daily check-in (POST /v1/me/points/check-ins). referral: a referral event of the new customer whose payload's referrer_id names the referrer. survey: a survey event. event: an event of the custom type event_type"`
	EventType          string                  `json:"event_type,omitempty" maxLength:"47" example:"custom:tasting_day" doc:"The custom event type an event rule rewards"`
	Wallet             string                  `json:"wallet" pattern:"^[a-z][a-z0-9_]{1,39}$" example:"points"`
	Points             int64                   `json:"points" minimum:"0" maximum:"1000000" doc:"Points per award (the referrer's, for a referral)"`
	Limit              PointsActionLimitBody   `json:"limit" doc:"A check-in is once a day; joining and being referred, once ever"`
	Streak             []PointsStreakBonusBody `json:"streak,omitempty" maxItems:"10" doc:"A check-in rule's bonuses for streaks of days"`
	RefereePoints      int64                   `json:"referee_points,omitempty" minimum:"0" maximum:"1000000" doc:"A referral's points for the referred customer"`
	AfterFirstPurchase bool                    `json:"after_first_purchase,omitempty" doc:"A referral awards both sides at the referred customer's first purchase after the referral, not at once"`
	Title              string                  `json:"title" maxLength:"60" doc:"The rule's name for customers, in Chinese"`
	TitleEn            string                  `json:"title_en" maxLength:"60"`
	Tip                string                  `json:"tip" maxLength:"300" doc:"How to earn it, for customers, in Chinese"`
	TipEn              string                  `json:"tip_en" maxLength:"300"`
	Active             bool                    `json:"active" doc:"Only active rules award points; a brand has one active check-in rule"`
}

// PointsActionRuleBody is an action rule.
type PointsActionRuleBody struct {
	Key string `json:"key" example:"daily_check_in"`
	PointsActionRuleFields
}

// PointsActionRulesBody lists the brand's action rules.
type PointsActionRulesBody struct {
	Items []PointsActionRuleBody `json:"items"`
}

// ActionRulePath names an action rule.
type ActionRulePath struct {
	Key string `path:"key" pattern:"^[a-z][a-z0-9_]{1,29}$" doc:"2-30 lower-case letters, digits and underscores"`
}

// PointsCheckInBody is a day's check-in.
type PointsCheckInBody struct {
	Day      string `json:"day" format:"date" doc:"The day, in the brand's time zone"`
	Streak   int    `json:"streak" doc:"Consecutive days of check-ins, today's included"`
	Points   int64  `json:"points" doc:"What today's check-in earned, streak bonuses included"`
	Replayed bool   `json:"replayed" doc:"The member had already checked in today: nothing changed"`
	Wallet   string `json:"wallet"`
	Balance  int64  `json:"balance" doc:"The wallet's balance after the check-in"`
}

// MyPointsActionBody is one way to earn points, as the Mini Program shows it.
type MyPointsActionBody struct {
	Key    string                  `json:"key"`
	Action string                  `json:"action" enum:"registration,first_login,check_in,referral,survey,event"`
	Title  string                  `json:"title" doc:"In the language asked for, else the other one"`
	Tip    string                  `json:"tip"`
	Wallet string                  `json:"wallet"`
	Points int64                   `json:"points"`
	Limit  PointsActionLimitBody   `json:"limit"`
	Streak []PointsStreakBonusBody `json:"streak,omitempty"`
	// RefereePoints is what a friend the member refers earns.
	RefereePoints int64 `json:"referee_points,omitempty"`
}

// MyPointsActionsBody is how a member earns points besides buying, and their check-ins.
type MyPointsActionsBody struct {
	Items []MyPointsActionBody `json:"items"`
	// CheckedInToday and Streak are the member's check-ins as of today.
	CheckedInToday bool `json:"checked_in_today"`
	Streak         int  `json:"streak" doc:"Consecutive days of check-ins up to today, or up to yesterday when not yet today"`
}

func ruleBody(r actions.Rule) PointsActionRuleBody {
	b := PointsActionRuleBody{Key: r.Key, PointsActionRuleFields: PointsActionRuleFields{Action: string(r.Action), EventType: r.EventType,
		Wallet: string(r.Wallet), Points: r.Points, Limit: PointsActionLimitBody{Count: r.Limit.Count, Period: string(r.Limit.Period)},
		RefereePoints: r.RefereePoints, AfterFirstPurchase: r.AfterFirstPurchase, Title: r.Title, TitleEn: r.TitleEn,
		Tip: r.Tip, TipEn: r.TipEn, Active: r.Active}}
	b.Streak = streakBodies(r.Streak)
	return b
}

func streakBodies(bs []actions.StreakBonus) []PointsStreakBonusBody {
	var out []PointsStreakBonusBody
	for _, s := range bs {
		out = append(out, PointsStreakBonusBody(s))
	}
	return out
}

func (f PointsActionRuleFields) rule(key string) actions.Rule {
	r := actions.Rule{Key: key, Action: actions.Action(f.Action), EventType: f.EventType, Wallet: ledger.Wallet(f.Wallet),
		Points: f.Points, Limit: actions.Limit{Count: f.Limit.Count, Period: actions.Period(f.Limit.Period)},
		RefereePoints: f.RefereePoints, AfterFirstPurchase: f.AfterFirstPurchase, Title: strings.TrimSpace(f.Title),
		TitleEn: strings.TrimSpace(f.TitleEn), Tip: strings.TrimSpace(f.Tip), TipEn: strings.TrimSpace(f.TipEn), Active: f.Active}
	for _, s := range f.Streak {
		r.Streak = append(r.Streak, actions.StreakBonus(s))
	}
	return r
}

// actionErrors answers the refusals of the action rules.
var actionErrors = httpapi.ErrorTable{
	{Err: points.ErrRuleNotFound, Status: http.StatusNotFound, Code: "action_rule_not_found", Detail: "no such action rule",
		Field: "path.key", Reason: "no such rule"},
	{Err: points.ErrNoCheckIn, Status: http.StatusNotFound, Code: "check_in_not_offered",
		Detail: "the brand rewards no daily check-in", Field: "", Reason: ""},
	fieldsOf().When(actions.ErrEventType, "unknown_event_type"),
}

func (m *Module) registerActions(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "list-points-action-rules", Method: http.MethodGet, Path: "/v1/points/action-rules", Tags: tags,
		Summary: "The brand's action rules",
		Description: "Points for what customers do besides buying: joining, the daily check-in with streak bonuses, " +
			"referrals, surveys and events of the brand's custom types, each with its limit per customer.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body PointsActionRulesBody }, error) {
		rules, err := m.svc.ActionRules(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		out := &struct{ Body PointsActionRulesBody }{Body: PointsActionRulesBody{Items: make([]PointsActionRuleBody, len(rules))}}
		for i, r := range rules {
			out.Body.Items[i] = ruleBody(r)
		}
		return out, nil
	})
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), httpapi.Creates(httpapi.AlsoAnswers(huma.Operation{
		OperationID: "put-points-action-rule", Method: http.MethodPut, Path: "/v1/points/action-rules/{key}", Tags: tags,
		Summary: "Define or replace an action rule",
		Description: "Creates the rule (201) or replaces it (200), audited. A change applies to what customers do from " +
			"then on; points awarded stay. Awards are idempotent: each names the rule and the event, the day of a check-in " +
			"or the referred customer, so an event seen twice awards once.",
	}, http.StatusCreated), "/v1/points/action-rules/{key}"), func(ctx context.Context, in *struct {
		ActionRulePath
		Body PointsActionRuleFields
	}) (*struct {
		Status int
		Body   PointsActionRuleBody
	}, error) {
		r := in.Body.rule(in.Key)
		created, err := m.svc.PutActionRule(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, r)
		if err != nil {
			return nil, m.fail(ctx, err, actionErrors)
		}
		out := &struct {
			Status int
			Body   PointsActionRuleBody
		}{Status: http.StatusOK, Body: ruleBody(r)}
		if created {
			out.Status = http.StatusCreated
		}
		return out, nil
	})
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "delete-points-action-rule", Method: http.MethodDelete, Path: "/v1/points/action-rules/{key}", Tags: tags,
		Summary: "Remove an action rule", DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
		Description: "Audited. Points the rule awarded stay.",
	}, func(ctx context.Context, in *ActionRulePath) (*struct{}, error) {
		if err := m.svc.DeleteActionRule(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Key); err != nil {
			return nil, m.fail(ctx, err, actionErrors)
		}
		return nil, nil
	})

	mine := []string{"Mini Program"}
	tokens := httpapi.Customer(m.kit.CustomerTokens())
	httpapi.Register(api, tokens, huma.Operation{
		OperationID: "check-in-my-points", Method: http.MethodPost, Path: "/v1/me/points/check-ins", Tags: mine,
		Summary: "Check in for today", Errors: []int{http.StatusNotFound},
		Description: "The member's daily check-in, in the brand's time zone: the first of a day earns the check-in rule's " +
			"points and the bonuses of the streak it continues; another the same day answers the first (replayed: true). " +
			"`check_in_not_offered` when the brand rewards no check-in.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body PointsCheckInBody }, error) {
		p := httpapi.PrincipalFrom(ctx)
		c, err := m.svc.CheckIn(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, m.fail(ctx, err, actionErrors)
		}
		return &struct{ Body PointsCheckInBody }{Body: PointsCheckInBody{Day: c.Day.Format("2006-01-02"), Streak: c.Streak, Points: c.Points,
			Replayed: c.Replayed, Wallet: c.Wallet, Balance: c.Balance}}, nil
	})
	httpapi.Register(api, tokens, huma.Operation{
		OperationID: "list-my-points-actions", Method: http.MethodGet, Path: "/v1/me/points/actions", Tags: mine,
		Summary: "Ways to earn points besides buying",
		Description: "The brand's active action rules with their titles and tips in the language asked for, and the " +
			"member's check-ins as of today.",
	}, func(ctx context.Context, in *struct {
		Lang string `query:"lang" enum:"zh-CN,en" default:"zh-CN" doc:"The language of titles and tips"`
	}) (*struct{ Body MyPointsActionsBody }, error) {
		p := httpapi.PrincipalFrom(ctx)
		rules, err := m.svc.ActionRules(ctx, p.Tenant.ID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		status, err := m.svc.MyCheckIns(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		out := &struct{ Body MyPointsActionsBody }{Body: MyPointsActionsBody{Items: []MyPointsActionBody{}, CheckedInToday: status.Today, Streak: status.Streak}}
		for _, r := range rules {
			if !r.Active {
				continue
			}
			title, tip := pick(in.Lang == "en", r.TitleEn, r.Title), pick(in.Lang == "en", r.TipEn, r.Tip)
			out.Body.Items = append(out.Body.Items, MyPointsActionBody{Key: r.Key, Action: string(r.Action), Title: title, Tip: tip,
				Wallet: string(r.Wallet), Points: r.Points, Limit: PointsActionLimitBody{Count: r.Limit.Count, Period: string(r.Limit.Period)},
				Streak: streakBodies(r.Streak), RefereePoints: r.RefereePoints})
		}
		return out, nil
	})
}

// pick is the English text when asked for and there is one, else the Chinese, else the English.
func pick(english bool, en, zh string) string {
	if (english && en != "") || zh == "" {
		return en
	}
	return zh
}
