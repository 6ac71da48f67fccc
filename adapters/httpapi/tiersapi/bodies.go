package tiersapi

import (
	"time"

	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// TierTextBody is a text in both languages.
type TierTextBody struct {
	ZH string `json:"zh" maxLength:"2000" example:"金卡"`
	EN string `json:"en" maxLength:"2000" example:"Gold"`
}

// TierCriterionBody is a minimum of one figure over the window.
type TierCriterionBody struct {
	Kind string `json:"kind" enum:"spend,status_points,visits" doc:"spend: fen spent; status_points: status points (成长值) earned, never the spendable balance; visits: days the member bought or visited"`
	Min  int64  `json:"min" minimum:"0" maximum:"10000000000" example:"500000" doc:"Reached at exactly this figure; spend in fen"`
}

// TierBody is one tier of the ladder.
type TierBody struct {
	Code     string              `json:"code" pattern:"^[a-z][a-z0-9_]{0,31}$" example:"gold" doc:"What the points rules' attribute condition tier compares with"`
	Name     TierTextBody        `json:"name" doc:"Both languages, at most 40 characters each"`
	Colour   string              `json:"colour,omitempty" pattern:"^#[0-9A-Fa-f]{6}$" example:"#C9A227"`
	BadgeURL string              `json:"badge_url,omitempty" maxLength:"500" format:"uri" example:"https://cdn.example.com/tiers/gold.png"`
	Benefits TierTextBody        `json:"benefits" doc:"What the tier gives, as members read it"`
	Criteria []TierCriterionBody `json:"criteria" maxItems:"3" doc:"None for the lowest tier, which every member holds"`
	Match    string              `json:"match" enum:"all,any" doc:"Whether every criterion or any one qualifies"`
}

// TierSettingsBody is how the program qualifies and keeps members.
type TierSettingsBody struct {
	Window           string `json:"window" enum:"rolling_12_months,calendar_year,anniversary" doc:"The period figures are counted over, in the brand's time zone; the anniversary is of the member's first counted day"`
	Start            string `json:"start" enum:"at_once,next_period" doc:"Whether an upgrade takes effect when the qualifying event is processed, or at the next period's evaluation (not with a rolling window)"`
	Downgrade        string `json:"downgrade" enum:"recalculate,one_level" doc:"At evaluation, down to the tier the figures qualify for, or one level at most"`
	Validity         string `json:"validity" enum:"end_of_period,end_of_next_period" doc:"A tier an event reaches is held to the end of its period, or of the next (qualify in 2026, keep through 2027); what an evaluation decides on a period holds through the one after"`
	GraceMonths      int    `json:"grace_months" minimum:"0" maximum:"12" doc:"Every validity is extended by this many months"`
	RefundsDowngrade bool   `json:"refunds_downgrade" doc:"Whether refunds count against spend and status points at evaluation (never mid-period)"`
	Mode             string `json:"mode" enum:"auto,manual" doc:"manual: evaluations change nothing by themselves"`
	WarningDays      int    `json:"warning_days" minimum:"0" maximum:"180" doc:"tier.will_downgrade is published this many days before a validity ends (0: never)"`
}

// TierProgramInput is a new version of the brand's tier rules.
type TierProgramInput struct {
	Tiers    []TierBody       `json:"tiers" minItems:"1" maxItems:"10" doc:"Lowest first; each criterion's minimum above the same criterion's in every lower tier"`
	Settings TierSettingsBody `json:"settings"`
}

// TierProgramBody is the brand's tier rules in effect.
type TierProgramBody struct {
	Version       int       `json:"version" example:"3"`
	EffectiveFrom time.Time `json:"effective_from"`
	TierProgramInput
}

func textBody(t tier.Text) TierTextBody { return TierTextBody{ZH: t.ZH, EN: t.EN} }

func tierBody(t tier.Tier) TierBody {
	b := TierBody{Code: string(t.Code), Name: textBody(t.Name), Colour: t.Colour, BadgeURL: t.BadgeURL, Benefits: textBody(t.Benefits),
		Criteria: make([]TierCriterionBody, len(t.Criteria)), Match: string(t.Match)}
	for i, c := range t.Criteria {
		b.Criteria[i] = TierCriterionBody{Kind: string(c.Kind), Min: c.Min}
	}
	return b
}

func programBody(p tier.Program) TierProgramBody {
	s := p.Settings
	b := TierProgramBody{Version: p.Version, EffectiveFrom: p.From, TierProgramInput: TierProgramInput{
		Tiers: make([]TierBody, len(p.Ladder)),
		Settings: TierSettingsBody{Window: string(s.Window), Start: string(s.Start), Downgrade: string(s.Downgrade),
			Validity: string(s.Validity), GraceMonths: s.GraceMonths, RefundsDowngrade: s.RefundsDowngrade, Mode: string(s.Mode),
			WarningDays: s.WarningDays}}}
	for i, t := range p.Ladder {
		b.Tiers[i] = tierBody(t)
	}
	return b
}

func (in TierProgramInput) program() (tier.Ladder, tier.Settings) {
	l := make(tier.Ladder, len(in.Tiers))
	for i, t := range in.Tiers {
		l[i] = tier.Tier{Code: tier.Code(t.Code), Name: tier.Text{ZH: t.Name.ZH, EN: t.Name.EN}, Colour: t.Colour, BadgeURL: t.BadgeURL,
			Benefits: tier.Text{ZH: t.Benefits.ZH, EN: t.Benefits.EN}, Match: tier.Match(t.Match)}
		for _, c := range t.Criteria {
			l[i].Criteria = append(l[i].Criteria, tier.Criterion{Kind: tier.Kind(c.Kind), Min: c.Min})
		}
	}
	s := in.Settings
	return l, tier.Settings{Window: tier.Window(s.Window), Start: tier.Start(s.Start), Downgrade: tier.Downgrade(s.Downgrade),
		Validity: tier.Validity(s.Validity), GraceMonths: s.GraceMonths, RefundsDowngrade: s.RefundsDowngrade, Mode: tier.Mode(s.Mode),
		WarningDays: s.WarningDays}
}

// TierMissingBody is how far a member is from one criterion's minimum.
type TierMissingBody struct {
	Kind  string `json:"kind" enum:"spend,status_points,visits"`
	Min   int64  `json:"min"`
	Have  int64  `json:"have"`
	Short int64  `json:"short" doc:"What the member lacks; 0 when met"`
}

// TierFiguresBody are what a member did in a window.
type TierFiguresBody struct {
	SpendFen     int64 `json:"spend_fen"`
	StatusPoints int64 `json:"status_points"`
	Visits       int64 `json:"visits"`
}

// TierChangeBody is one entry of a member's tier history.
type TierChangeBody struct {
	ID         string          `json:"id" format:"uuid"`
	From       string          `json:"from,omitempty" doc:"Absent for the first"`
	To         string          `json:"to"`
	Kind       string          `json:"kind" enum:"upgrade,downgrade,renewal,manual,expiry,rule_change"`
	Reason     string          `json:"reason"`
	Figures    TierFiguresBody `json:"figures" doc:"The figures that decided"`
	ValidUntil *time.Time      `json:"valid_until,omitempty"`
	OccurredAt time.Time       `json:"occurred_at"`
}

// MemberTierBody is a member's tier: the tier, its validity, the next tier and what is missing
// for it, what is missing to keep the tier, the tier the next evaluation would give on what is
// known now, sentences in the member's language, and the history.
type MemberTierBody struct {
	CustomerID  string            `json:"customer_id" format:"uuid"`
	Tier        TierBody          `json:"tier"`
	Since       *time.Time        `json:"since,omitempty" doc:"Absent for a member with no figures yet"`
	ValidUntil  *time.Time        `json:"valid_until,omitempty" doc:"When the tier lapses unless renewed; absent for the lowest tier"`
	Manual      bool              `json:"manual" doc:"Set by an admin: outranks the rules until manual_until (or for good)"`
	ManualUntil *time.Time        `json:"manual_until,omitempty"`
	Figures     TierFiguresBody   `json:"figures" doc:"The period under way"`
	Next        *TierBody         `json:"next,omitempty" doc:"Absent at the top"`
	ToNext      []TierMissingBody `json:"to_next" doc:"Per criterion of the next tier"`
	Keep        []TierMissingBody `json:"keep" doc:"What is missing to keep the tier at the end of its validity; empty when nothing is"`
	KeepBy      *time.Time        `json:"keep_by,omitempty" doc:"The end (exclusive) of the window deciding whether the tier is kept"`
	Projected   string            `json:"projected" doc:"The tier the evaluation at the end of the validity would give on what is known now"`
	Lang        string            `json:"lang" enum:"zh-CN,en"`
	Upgrade     string            `json:"upgrade,omitempty" example:"再消费2,000元即可升级为金卡会员" doc:"What is missing for the next tier, in words"`
	KeepText    string            `json:"keep_text,omitempty" example:"12月31日前再消费800元即可保级金卡" doc:"What is missing to keep the tier, in words"`
	History     []TierChangeBody  `json:"history" doc:"Newest first, at most 50"`
}

func missingBodies(ms []tier.Missing) []TierMissingBody {
	out := make([]TierMissingBody, len(ms))
	for i, m := range ms {
		out[i] = TierMissingBody{Kind: string(m.Kind), Min: m.Min, Have: m.Have, Short: m.Short}
	}
	return out
}

func figuresBody(f tier.Figures) TierFiguresBody {
	return TierFiguresBody{SpendFen: f.SpendFen, StatusPoints: f.StatusPoints, Visits: f.Visits}
}

func memberBody(v tiers.View) MemberTierBody {
	b := MemberTierBody{CustomerID: v.Member.Customer.String(), Tier: tierBody(v.Tier()), ValidUntil: v.Member.ValidUntil,
		Manual: v.Member.Manual, ManualUntil: v.Member.ManualUntil, Figures: figuresBody(v.Figures),
		ToNext: missingBodies(v.Progress.ToNext), Keep: missingBodies(v.Progress.Keep),
		Projected: string(v.Ladder[v.Progress.Projected].Code), Lang: v.Lang, Upgrade: v.Upgrade, KeepText: v.Keep,
		History: make([]TierChangeBody, len(v.History))}
	if !v.Member.Since.IsZero() {
		b.Since = &v.Member.Since
	}
	if !v.KeepBy.IsZero() {
		b.KeepBy = &v.KeepBy
	}
	if v.Progress.Next >= 0 {
		next := tierBody(v.Ladder[v.Progress.Next])
		b.Next = &next
	}
	for i, c := range v.History {
		b.History[i] = TierChangeBody{ID: c.ID.String(), From: string(c.From), To: string(c.To), Kind: string(c.Kind), Reason: c.Reason,
			Figures: figuresBody(c.Figures), ValidUntil: c.ValidUntil, OccurredAt: c.OccurredAt}
	}
	return b
}
