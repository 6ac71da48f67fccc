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
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// PointsRuleTextBody is a text in the languages customers read.
type PointsRuleTextBody struct {
	ZH string `json:"zh_cn" maxLength:"300" doc:"In Simplified Chinese (zh-CN)"`
	EN string `json:"en" maxLength:"300" doc:"In English"`
}

// PointsRuleAttributeBody is a condition on a customer attribute.
type PointsRuleAttributeBody struct {
	Name   string   `json:"name" maxLength:"40" example:"tier" doc:"The attribute's key. Tiers are a later module: a tier condition is a condition on the attribute it fills (tier)"`
	Values []string `json:"values" minItems:"1" maxItems:"100" example:"[\"gold\",\"platinum\"]"`
}

// PointsRuleConditionsBody is what must hold for a rule to apply; absent fields always hold.
type PointsRuleConditionsBody struct {
	StoreCategories   []string                 `json:"store_categories,omitempty" maxItems:"100" doc:"The purchase's store is in one of these store categories of the rule set"`
	ProductCategories []string                 `json:"product_categories,omitempty" maxItems:"100" doc:"A line in one of these product categories is bought; a multiplier multiplies only those lines' share of the amount"`
	MinSpendFen       int64                    `json:"min_spend_fen,omitempty" minimum:"0" maximum:"10000000000" doc:"The purchase's amount is at least this"`
	Weekdays          []int                    `json:"weekdays,omitempty" maxItems:"7" doc:"Days of the week in the brand's time zone: 0 Sunday to 6 Saturday ([0, 6]: weekends)"`
	FromHour          int                      `json:"from_hour,omitempty" minimum:"0" maximum:"23" doc:"From this hour of the brand's day"`
	ToHour            int                      `json:"to_hour,omitempty" minimum:"0" maximum:"24" doc:"Until this hour, excluded; before from_hour it wraps past midnight"`
	FromDate          string                   `json:"from_date,omitempty" format:"date" doc:"From this date in the brand's time zone"`
	ToDate            string                   `json:"to_date,omitempty" format:"date" doc:"Until this date, included"`
	Birthday          string                   `json:"birthday,omitempty" enum:"day,month" doc:"On the customer's birthday, or in its month"`
	Segments          []string                 `json:"segments,omitempty" maxItems:"100" doc:"The customer is a member of one of these segments (IDs)"`
	Attribute         *PointsRuleAttributeBody `json:"attribute,omitempty"`
}

// PointsRuleBody is one purchase earning rule.
type PointsRuleBody struct {
	Key       string                   `json:"key" pattern:"^[a-z][a-z0-9_]{0,39}$" example:"weekend_double"`
	Title     PointsRuleTextBody       `json:"title" doc:"Both languages required: customers read it"`
	Tip       *PointsRuleTextBody      `json:"tip,omitempty" doc:"A tip for customers; without one they read what the rule gives in words"`
	Wallet    string                   `json:"wallet" maxLength:"40" example:"points"`
	Kind      string                   `json:"kind" enum:"base,multiplier,bonus" doc:"base: points per per_fen of the amount (the first base rule of a wallet whose conditions hold); multiplier: the base points of the spend it matches times percent/100; bonus: points"`
	Priority  int                      `json:"priority,omitempty" doc:"Higher first"`
	Stacking  string                   `json:"stacking,omitempty" enum:"stack,best_of,exclusive" doc:"Among the multipliers and bonuses of a wallet whose conditions hold, highest priority first: an exclusive one first applies alone; otherwise every stack rule applies, only the best_of rule earning the most does, and exclusive ones do not. stack when absent"`
	Points    int64                    `json:"points,omitempty" minimum:"0" maximum:"100000000" doc:"base: points for every whole per_fen; bonus: the points"`
	PerFen    int64                    `json:"per_fen,omitempty" minimum:"0" maximum:"100000000" doc:"base: 100 is per yuan"`
	Percent   int64                    `json:"percent,omitempty" minimum:"0" maximum:"10000" doc:"multiplier: 200 doubles"`
	MaxPoints int64                    `json:"max_points,omitempty" minimum:"0" maximum:"100000000" doc:"The most this rule gives one purchase; 0 no cap"`
	When      PointsRuleConditionsBody `json:"when,omitempty"`
}

// PointsRuleCapBody caps what a wallet earns from purchases.
type PointsRuleCapBody struct {
	Wallet   string `json:"wallet" maxLength:"40"`
	PerOrder int64  `json:"per_order,omitempty" minimum:"0" maximum:"100000000" doc:"The most one purchase earns; 0 no cap"`
	PerDay   int64  `json:"per_day,omitempty" minimum:"0" maximum:"100000000" doc:"The most a customer earns from purchases on one day of the brand's calendar; 0 no cap"`
}

// PointsStoreCategoryBody names a group of stores.
type PointsStoreCategoryBody struct {
	Key    string             `json:"key" pattern:"^[a-z][a-z0-9_]{0,39}$" example:"outlet"`
	Title  PointsRuleTextBody `json:"title"`
	Stores []string           `json:"stores" minItems:"1" maxItems:"1000" doc:"The stores' codes, as purchases name them"`
}

// PointsRuleSetBody is a set of purchase earning rules.
type PointsRuleSetBody struct {
	Rules           []PointsRuleBody          `json:"rules" maxItems:"50"`
	Caps            []PointsRuleCapBody       `json:"caps,omitempty" maxItems:"8"`
	StoreCategories []PointsStoreCategoryBody `json:"store_categories,omitempty" maxItems:"50"`
}

// The bodies share the domain's JSON form; segments that are not IDs are fields at fault
// (under "rules", where the bodies carry a rule set).
func (b PointsRuleSetBody) set() (rules.Set, error) {
	var s rules.Set
	var bad []error
	for i, r := range b.Rules {
		for j, id := range r.When.Segments {
			if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
				bad = append(bad, fielderr.Errorf(fmt.Sprintf("rules[%d].when.segments[%d]", i, j), "a segment ID (UUID)"))
			}
		}
	}
	if len(bad) > 0 {
		return s, fielderr.Under("rules", errors.Join(bad...))
	}
	raw, err := json.Marshal(b)
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(raw, &s)
}

func ruleSetBody(s rules.Set) PointsRuleSetBody {
	var b PointsRuleSetBody
	raw, _ := json.Marshal(s)
	_ = json.Unmarshal(raw, &b)
	if b.Rules == nil {
		b.Rules = []PointsRuleBody{}
	}
	return b
}

// PointsRuleVersionBody is one version of the brand's earning rules.
type PointsRuleVersionBody struct {
	Version     int               `json:"version" minimum:"1"`
	EffectiveAt time.Time         `json:"effective_at" doc:"From then until the next version takes effect, purchases earn under it"`
	InEffect    bool              `json:"in_effect" doc:"The version purchases made now earn under"`
	Note        string            `json:"note,omitempty"`
	CreatedBy   string            `json:"created_by"`
	CreatedAt   time.Time         `json:"created_at"`
	Rules       PointsRuleSetBody `json:"rules"`
}

func versionBody(v rules.Version, current int) PointsRuleVersionBody {
	return PointsRuleVersionBody{Version: v.Number, EffectiveAt: v.EffectiveAt, InEffect: v.Number == current, Note: v.Note,
		CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt, Rules: ruleSetBody(v.Set)}
}

// PointsRulesBody is the brand's earning rules: every version, and the default.
type PointsRulesBody struct {
	Current  int                     `json:"current" doc:"The version in effect now; 0 when none is and purchases earn by the default rules"`
	Default  PointsRuleSetBody       `json:"default" doc:"The rules of a purchase made when no version was in effect: each wallet's base rate in the points settings"`
	Versions []PointsRuleVersionBody `json:"versions" doc:"By the time they take effect"`
}

// newRuleVersionBody is a new version of the rules.
type newRuleVersionBody struct {
	EffectiveAt *time.Time        `json:"effective_at,omitempty" doc:"Now or later (now when absent): purchases made from then on earn under it"`
	Note        string            `json:"note,omitempty" maxLength:"500"`
	Rules       PointsRuleSetBody `json:"rules"`
}

// pointsSimulatedPurchaseBody is a purchase to simulate.
type pointsSimulatedPurchaseBody struct {
	CustomerID string             `json:"customer_id,omitempty" format:"uuid" doc:"The customer: their birthday, segments, attributes and what they earned that day count. Absent: an unknown customer"`
	AmountFen  int64              `json:"amount_fen" minimum:"0" maximum:"10000000000" example:"25800"`
	OccurredAt *time.Time         `json:"occurred_at,omitempty" doc:"Now when absent"`
	Store      string             `json:"store,omitempty" maxLength:"100"`
	Items      []PurchaseItemBody `json:"items,omitempty" maxItems:"200"`
}

// simulationBody asks what a purchase would earn.
type simulationBody struct {
	Purchase pointsSimulatedPurchaseBody `json:"purchase"`
	Version  int                         `json:"version,omitempty" minimum:"0" doc:"Evaluate this version; absent: the version in effect at the purchase's time"`
	Rules    *PointsRuleSetBody          `json:"rules,omitempty" doc:"Evaluate these rules (a draft, not stored) instead"`
}

// PointsRuleLineBody is one line of a breakdown.
type PointsRuleLineBody struct {
	Rule      string              `json:"rule,omitempty" doc:"The rule's key; absent on a cap's line"`
	Title     *PointsRuleTextBody `json:"title,omitempty"`
	Wallet    string              `json:"wallet"`
	Kind      string              `json:"kind" enum:"base,multiplier,bonus,cap_per_order,cap_per_day,campaign" doc:"campaign: what a bonus campaign covering the purchase's time gives beside the rules (rule is campaign:<id>), within the budget it has left"`
	Outcome   string              `json:"outcome" enum:"applied,not_met,excluded,not_best,superseded,capped" doc:"applied; not_met (unmet names the condition); excluded (an exclusive rule applied alone, or this exclusive one was not first); not_best (another best_of rule gave more); superseded (a base rule of higher priority applied); capped (a cap's line, taking off points)"`
	Unmet     string              `json:"unmet,omitempty" enum:"store_categories,product_categories,min_spend_fen,weekdays,hours,from_date,to_date,birthday,segments,attribute,base" doc:"The first condition that did not hold (base: no base rule applied, so a multiplier has nothing to multiply)"`
	Points    int64               `json:"points" doc:"What the line gave; negative on a cap's line"`
	WouldGive int64               `json:"would_give,omitempty" doc:"What a rule that did not apply would have given"`
}

// PointsRuleEarnedBody is what a purchase earns into one wallet.
type PointsRuleEarnedBody struct {
	Wallet string `json:"wallet"`
	Points int64  `json:"points"`
}

// PointsSimulationBody is what a purchase would earn.
type PointsSimulationBody struct {
	Version int                    `json:"version" doc:"The version evaluated; 0 the default rules or a draft"`
	Draft   bool                   `json:"draft"`
	Wallets []PointsRuleEarnedBody `json:"wallets"`
	Lines   []PointsRuleLineBody   `json:"lines" doc:"A line per rule of each wallet, in the order evaluated, then the caps'; the points add up to the wallets'"`
}

func lineBodies(ls []rules.Line) []PointsRuleLineBody {
	out := make([]PointsRuleLineBody, len(ls))
	for i, l := range ls {
		out[i] = PointsRuleLineBody{Rule: l.Rule, Wallet: string(l.Wallet), Kind: l.Kind, Outcome: l.Outcome, Unmet: l.Unmet,
			Points: l.Points, WouldGive: l.WouldGive}
		if l.Title != (rules.Text{}) {
			out[i].Title = &PointsRuleTextBody{ZH: l.Title.ZH, EN: l.Title.EN}
		}
	}
	return out
}

// previewBody asks what a change of rules would have changed.
type previewBody struct {
	Version int                `json:"version,omitempty" minimum:"0" doc:"A stored version (not yet in effect, usually)"`
	Rules   *PointsRuleSetBody `json:"rules,omitempty" doc:"Or a draft, not stored"`
	Days    int                `json:"days,omitempty" minimum:"0" maximum:"90" doc:"How many days back; 30 when absent"`
}

// PointsPreviewWalletBody is a wallet's points both ways.
type PointsPreviewWalletBody struct {
	Wallet   string `json:"wallet"`
	Current  int64  `json:"current"`
	Proposed int64  `json:"proposed"`
	Gaining  int    `json:"gaining" doc:"Customers who would earn more of it"`
	Losing   int    `json:"losing" doc:"Customers who would earn fewer of it"`
}

// PointsPreviewRuleBody is what one rule gave over the period.
type PointsPreviewRuleBody struct {
	Side      string              `json:"side" enum:"current,proposed"`
	Rule      string              `json:"rule,omitempty"`
	Title     *PointsRuleTextBody `json:"title,omitempty"`
	Wallet    string              `json:"wallet"`
	Kind      string              `json:"kind" enum:"base,multiplier,bonus,cap_per_order,cap_per_day"`
	Purchases int                 `json:"purchases"`
	Points    int64               `json:"points"`
}

// PointsPreviewCustomerBody is one customer's points in one wallet, both ways.
type PointsPreviewCustomerBody struct {
	CustomerID string `json:"customer_id" format:"uuid"`
	Wallet     string `json:"wallet"`
	Current    int64  `json:"current"`
	Proposed   int64  `json:"proposed"`
}

// PointsPreviewBody is what a change of rules would have changed.
type PointsPreviewBody struct {
	From      time.Time                   `json:"from"`
	To        time.Time                   `json:"to"`
	Purchases int                         `json:"purchases"`
	Customers int                         `json:"customers" doc:"Customers who made them"`
	Affected  int                         `json:"affected" doc:"Customers who would earn differently in some wallet"`
	Wallets   []PointsPreviewWalletBody   `json:"wallets"`
	Rules     []PointsPreviewRuleBody     `json:"rules"`
	Largest   []PointsPreviewCustomerBody `json:"largest" doc:"The ten largest changes of a customer's points in a wallet"`
	TookMS    int64                       `json:"took_ms"`
}

// PointsRuleTipBody is one rule as a member reads it.
type PointsRuleTipBody struct {
	Key    string `json:"key"`
	Wallet string `json:"wallet"`
	Kind   string `json:"kind" enum:"base,multiplier,bonus"`
	Title  string `json:"title"`
	Tip    string `json:"tip"`
	Until  string `json:"until,omitempty" format:"date" doc:"The last day the rule holds"`
}

// PointsRuleTipsBody is how a member earns points, in their language.
type PointsRuleTipsBody struct {
	Lang  string              `json:"lang" enum:"zh-CN,en"`
	Rules []PointsRuleTipBody `json:"rules"`
}

// tierNote is the decision on the purchase that crosses a tier threshold.
const tierNote = "\n\nTiers: a tier condition reads the customer's attribute that the tiers module fills. The purchase that " +
	"crosses a tier threshold earns at the tier the customer had before it; the new tier applies from the next purchase " +
	"(tiers are evaluated from the points a purchase earns, after it is credited)."

func (m *Module) registerRules(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-points-rules", Method: http.MethodGet, Path: "/v1/points/rules", Tags: tags,
		Summary: "The brand's earning rules",
		Description: "Every version of the purchase earning rules, the one in effect now, and the default rules (each wallet's " +
			"base rate) that a purchase made when no version was in effect earns by. A purchase earns under the version in " +
			"effect when it happened, whether it reaches earning from the activity stream or the till." + tierNote,
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body PointsRulesBody }, error) {
		tenant := httpapi.PrincipalFrom(ctx).Tenant.ID
		vs, current, err := m.svc.RuleVersions(ctx, tenant)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		def, err := m.svc.DefaultRules(ctx, tenant)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		out := &struct{ Body PointsRulesBody }{Body: PointsRulesBody{Current: current, Default: ruleSetBody(def),
			Versions: make([]PointsRuleVersionBody, len(vs))}}
		for i, v := range vs {
			out.Body.Versions[i] = versionBody(v, current)
		}
		return out, nil
	})
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "add-points-rule-version", Method: http.MethodPost, Path: "/v1/points/rules/versions", Tags: tags,
		DefaultStatus: http.StatusCreated, Summary: "Publish a version of the earning rules",
		Description: "Audited. The version takes effect at effective_at (now or later) and stays in effect until the next one " +
			"does; versions never change. Preview what it would have changed first (POST /v1/points/rules/preview). Two " +
			"versions never take effect at the same instant (`effective_at_taken`).",
	}, func(ctx context.Context, in *struct{ Body newRuleVersionBody }) (*struct{ Body PointsRuleVersionBody }, error) {
		set, err := in.Body.Rules.set()
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		v := rules.Version{Set: set, Note: in.Body.Note}
		if in.Body.EffectiveAt != nil {
			v.EffectiveAt = *in.Body.EffectiveAt
		}
		stored, err := m.svc.AddRuleVersion(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, v)
		if err != nil {
			return nil, m.fail(ctx, err, ruleErrors)
		}
		return &struct{ Body PointsRuleVersionBody }{Body: versionBody(stored, 0)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "withdraw-points-rule-version", Errors: []int{http.StatusNotFound, http.StatusConflict}, Method: http.MethodDelete, Path: "/v1/points/rules/versions/{version}", Tags: tags,
		DefaultStatus: http.StatusNoContent, Summary: "Withdraw a version not yet in effect",
		Description: "Audited. The version is no longer listed and its number is never given again. A version that took " +
			"effect stays (`rule_version_in_effect`): purchases earned under it.",
	}, func(ctx context.Context, in *struct {
		Version int `path:"version" minimum:"1"`
	}) (*struct{}, error) {
		if err := m.svc.WithdrawRuleVersion(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Version); err != nil {
			return nil, m.fail(ctx, err, versionErrors("path.version"))
		}
		return &struct{}{}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "simulate-points-rules", Errors: []int{http.StatusNotFound}, Method: http.MethodPost, Path: "/v1/points/rules/simulate", Tags: tags,
		Summary: "What would this purchase earn?",
		Description: "Evaluates a purchase with the code earning runs (the customer's birthday, segments and attributes, and " +
			"what they earned that day, read as earning reads them) and answers with a line per rule; nothing changes. " +
			"Under the version in effect at the purchase's time, a stored version, or draft rules." + tierNote,
	}, func(ctx context.Context, in *struct{ Body simulationBody }) (*struct{ Body PointsSimulationBody }, error) {
		b := in.Body
		sim := points.Simulation{Version: b.Version, Purchase: points.Purchase{AmountFen: b.Purchase.AmountFen, Store: b.Purchase.Store}}
		if b.Purchase.CustomerID != "" {
			id, err := httpapi.ParseUUID(ctx, "body.purchase.customer_id", b.Purchase.CustomerID)
			if err != nil {
				return nil, err
			}
			sim.Purchase.Customer = id
		}
		if b.Purchase.OccurredAt != nil {
			sim.Purchase.OccurredAt = *b.Purchase.OccurredAt
		}
		for _, it := range b.Purchase.Items {
			sim.Purchase.Items = append(sim.Purchase.Items, event.Item{SKU: it.SKU, Category: it.Category, Quantity: it.Quantity, PriceFen: it.PriceFen})
		}
		if b.Rules != nil {
			set, err := b.Rules.set()
			if err != nil {
				return nil, m.fail(ctx, err)
			}
			sim.Draft = &set
		}
		res, err := m.svc.Simulate(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, sim)
		if err != nil {
			return nil, m.fail(ctx, err, customerNotFound("body.purchase.customer_id"), simulationErrors)
		}
		out := PointsSimulationBody{Version: res.Version, Draft: res.Draft, Wallets: []PointsRuleEarnedBody{}, Lines: lineBodies(res.Lines)}
		for _, w := range res.Wallets {
			out.Wallets = append(out.Wallets, PointsRuleEarnedBody{Wallet: string(w.Wallet), Points: w.Points})
		}
		return &struct{ Body PointsSimulationBody }{Body: out}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "preview-points-rules", Method: http.MethodPost, Path: "/v1/points/rules/preview", Tags: tags,
		Summary: "What would a change of rules have changed?",
		Description: "Before a version takes effect: every purchase stored in the last 30 days (or days), evaluated with the " +
			"code earning runs under the rules in effect when it happened and under the proposed ones (a stored version, " +
			"compared with the versions before it, or draft rules): points per wallet both ways, what each rule gave, how " +
			"many customers would earn more or less, and the largest changes. Customers' birthdays, segments and attributes " +
			"are read as they are now; caps per day count the period's purchases in order. Nothing changes.",
	}, func(ctx context.Context, in *struct{ Body previewBody }) (*struct{ Body PointsPreviewBody }, error) {
		req := points.PreviewRequest{Version: in.Body.Version, Days: in.Body.Days}
		if in.Body.Rules != nil {
			set, err := in.Body.Rules.set()
			if err != nil {
				return nil, m.fail(ctx, err)
			}
			req.Draft = &set
		} else if req.Version == 0 {
			return nil, httpapi.Invalid(ctx, httpapi.Field("body.version", "a version, or rules", nil))
		}
		pv, err := m.svc.PreviewChange(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, req)
		if err != nil {
			return nil, m.fail(ctx, err, simulationErrors)
		}
		return &struct{ Body PointsPreviewBody }{Body: previewOut(pv)}, nil
	})
}

func previewOut(pv points.Preview) PointsPreviewBody {
	b := PointsPreviewBody{From: pv.From, To: pv.To, Purchases: pv.Purchases, Customers: pv.Customers, Affected: pv.Affected,
		TookMS: pv.Took.Milliseconds(), Wallets: []PointsPreviewWalletBody{},
		Rules: []PointsPreviewRuleBody{}, Largest: []PointsPreviewCustomerBody{}}
	for _, w := range pv.Wallets {
		b.Wallets = append(b.Wallets, PointsPreviewWalletBody{Wallet: string(w.Wallet), Current: w.Current, Proposed: w.Proposed,
			Gaining: w.Gaining, Losing: w.Losing})
	}
	for _, r := range pv.Rules {
		side := "current"
		if r.Proposed {
			side = "proposed"
		}
		rb := PointsPreviewRuleBody{Side: side, Rule: r.Rule, Wallet: string(r.Wallet), Kind: r.Kind, Purchases: r.Purchases, Points: r.Points}
		if r.Title != (rules.Text{}) {
			rb.Title = &PointsRuleTextBody{ZH: r.Title.ZH, EN: r.Title.EN}
		}
		b.Rules = append(b.Rules, rb)
	}
	for _, c := range pv.Largest {
		b.Largest = append(b.Largest, PointsPreviewCustomerBody{CustomerID: c.Customer.String(), Wallet: string(c.Wallet), Current: c.Current, Proposed: c.Proposed})
	}
	return b
}

func (m *Module) registerMyRules(api huma.API) {
	httpapi.Register(api, httpapi.Customer(m.kit.CustomerTokens()), huma.Operation{
		OperationID: "list-my-points-rules", Errors: []int{http.StatusNotFound}, Method: http.MethodGet, Path: "/v1/me/points/rules", Tags: []string{"Mini Program"},
		Summary: "How the member earns points",
		Description: "The earning rules in effect now, in the member's language (lang, else the member's own, else zh-CN): " +
			"each rule's title and its tip (the brand's, or what the rule gives in words), the rules of highest priority first; " +
			"rules whose date range ended are left out. Action rules (registration, check-ins, referrals, surveys) come with " +
			"the module that adds them." + tierNote,
	}, func(ctx context.Context, in *struct {
		Lang string `query:"lang" enum:"zh-CN,en" doc:"The language; the member's own when absent"`
	}) (*struct{ Body PointsRuleTipsBody }, error) {
		p := httpapi.PrincipalFrom(ctx)
		tips, lang, err := m.svc.MyRules(ctx, p.Tenant.ID, p.CustomerID, in.Lang)
		if err != nil {
			return nil, m.fail(ctx, err, customerNotFound(""))
		}
		out := &struct{ Body PointsRuleTipsBody }{}
		out.Body.Lang, out.Body.Rules = lang, make([]PointsRuleTipBody, len(tips))
		for i, t := range tips {
			out.Body.Rules[i] = PointsRuleTipBody{Key: t.Key, Wallet: string(t.Wallet), Kind: string(t.Kind), Title: t.Title, Tip: t.Tip, Until: t.Until}
		}
		return out, nil
	})
}

// ruleErrors answer refusals of a new version.
var ruleErrors = httpapi.ErrorTable{
	fieldsOf().When(points.ErrEffectiveTaken, "effective_at_taken"),
	fieldsOf().When(rules.ErrEffectiveInPast, "effective_in_past"),
	fieldsOf().When(rules.ErrUnknownWallet, "unknown_wallet"),
	fieldsOf().When(rules.ErrUnknownStoreCategory, "unknown_store_category"),
}

// simulationErrors answer an unknown version named in a body, and bad draft rules.
var simulationErrors = append(httpapi.ErrorTable{
	fieldsOf().When(points.ErrVersionNotFound, "rule_version_not_found"),
}, ruleErrors...)

// versionErrors answer a version named at location.
func versionErrors(location string) httpapi.ErrorTable {
	return httpapi.ErrorTable{
		{Err: points.ErrVersionNotFound, Status: http.StatusNotFound, Code: "rule_version_not_found", Detail: "no such version of the rules",
			Field: location, Reason: "no such version"},
		{Err: points.ErrVersionInEffect, Status: http.StatusConflict, Code: "rule_version_in_effect",
			Detail: "this version took effect: purchases earned under it, so it stays; publish a new version instead", Field: location,
			Reason: "in effect"},
	}
}
