package pointsui

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// rulesView is the earning rules page: the rules in effect, every version, the simulator and,
// for a version, the change preview.
type rulesView struct {
	*console.View
	// Current is the version in effect (0: the default rules of the base rates).
	Current  int
	Rules    []ruleRow
	Caps     []string
	Versions []versionRow
	Sim      simForm
	Result   *simResult
	Preview  *previewView
	CanEdit  bool
}

// ruleRow is one rule in words.
type ruleRow struct {
	Title, Wallet, Kind, Gives, When, Stacking string
	Priority                                   int
}

// versionRow is one version of the rules.
type versionRow struct {
	Number            int
	EffectiveAt, Note string
	Status            string
	Rules             int
	Ahead             bool
}

// simForm is the simulator's purchase as typed.
type simForm struct {
	Amount, At, Store, Category, Customer, Version string
	Errors                                         map[string]string
}

// simResult is the simulator's answer in words.
type simResult struct {
	Version int
	Wallets []walletPoints
	Lines   []lineRow
}

type walletPoints struct {
	Wallet string
	Points int64
}

type lineRow struct {
	Rule, Wallet, Outcome string
	Points                int64
	Applied               bool
}

// previewView is a version's change preview in words.
type previewView struct {
	Version                        int
	From, To                       string
	Purchases, Customers, Affected int64
	Wallets                        []previewWallet
	Rules                          []lineRow
	Largest                        []previewCustomer
	Took                           string
}

// previewCustomer is one of the largest changes, with the customer's name.
type previewCustomer struct {
	points.PreviewCustomer
	Name string
}

// previewWallet is a wallet's points both ways and the change.
type previewWallet struct {
	Wallet                    ledger.Wallet
	Current, Proposed, Change int64
	Gaining, Losing           int64
}

func (h *handlers) rulesPage(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out, ok := h.rulesBase(w, r, v)
	if !ok {
		return
	}
	q := r.URL.Query()
	if q.Get("simulate") != "" {
		out.Sim = simForm{Amount: strings.TrimSpace(q.Get("amount")), At: q.Get("at"), Store: strings.TrimSpace(q.Get("store")),
			Category: strings.TrimSpace(q.Get("category")), Customer: strings.TrimSpace(q.Get("customer")), Version: q.Get("version"),
			Errors: map[string]string{}}
		h.simulate(r, v, &out)
		if len(out.Sim.Errors) > 0 {
			w.WriteHeader(http.StatusUnprocessableEntity)
		}
	}
	console.Render(w, r, "points_rules", out)
}

// rulesBase loads the rules in effect and the versions.
func (h *handlers) rulesBase(w http.ResponseWriter, r *http.Request, v *console.View) (rulesView, bool) {
	out := rulesView{View: v, CanEdit: v.Can("settings:write"), Sim: simForm{At: time.Now().In(v.Location()).Format("2006-01-02T15:04"),
		Amount: "100", Errors: map[string]string{}}}
	vs, current, err := h.d.Points.RuleVersions(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return out, false
	}
	out.Current = current
	set, err := h.d.Points.DefaultRules(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return out, false
	}
	now := time.Now()
	for i := len(vs) - 1; i >= 0; i-- {
		ver := vs[i]
		row := versionRow{Number: ver.Number, EffectiveAt: v.Time(ver.EffectiveAt), Note: ver.Note, Rules: len(ver.Set.Rules),
			Ahead: ver.EffectiveAt.After(now)}
		switch {
		case ver.Number == current:
			row.Status, set = "points.rules_in_effect", ver.Set
		case row.Ahead:
			row.Status = "points.rules_ahead"
		default:
			row.Status = "points.rules_past"
		}
		out.Versions = append(out.Versions, row)
	}
	out.Rules, out.Caps = describeSet(v.Lang, set)
	return out, true
}

// describeSet is a rule set in words, the rules of highest priority first.
func describeSet(lang string, set rules.Set) ([]ruleRow, []string) {
	rs := slices.Clone(set.Rules)
	slices.SortStableFunc(rs, func(a, b rules.Rule) int { return b.Priority - a.Priority })
	var rows []ruleRow
	for _, r := range rs {
		stacking := r.Stacking
		if stacking == "" {
			stacking = rules.Stack
		}
		row := ruleRow{Title: r.Title.In(lang), Wallet: walletName(lang, r.Wallet), Kind: messages.T(lang, "points.rule_kind_"+string(r.Kind)),
			Gives: points.Describe(r, lang), When: conditionsText(lang, set, r.When), Priority: r.Priority}
		if r.Kind != rules.KindBase {
			row.Stacking = messages.T(lang, "points.stacking_"+string(stacking))
		}
		rows = append(rows, row)
	}
	var caps []string
	for _, c := range set.Caps {
		if c.PerOrder > 0 {
			caps = append(caps, fmt.Sprintf(messages.T(lang, "points.cap_per_order_text"), walletName(lang, c.Wallet), console.FormatCount(c.PerOrder)))
		}
		if c.PerDay > 0 {
			caps = append(caps, fmt.Sprintf(messages.T(lang, "points.cap_per_day_text"), walletName(lang, c.Wallet), console.FormatCount(c.PerDay)))
		}
	}
	return rows, caps
}

// conditionsText says a rule's conditions in words ("always" without any).
func conditionsText(lang string, set rules.Set, c rules.Conditions) string {
	t := func(k string) string { return messages.T(lang, k) }
	sep := "、"
	if lang == "en" {
		sep = ", "
	}
	var parts []string
	if len(c.StoreCategories) > 0 {
		var names []string
		for _, k := range c.StoreCategories {
			name := k
			for _, sc := range set.StoreCategories {
				if sc.Key == k {
					name = sc.Title.In(lang)
				}
			}
			names = append(names, name)
		}
		parts = append(parts, t("points.cond_stores")+" "+strings.Join(names, sep))
	}
	if len(c.ProductCategories) > 0 {
		parts = append(parts, t("points.cond_products")+" "+strings.Join(c.ProductCategories, sep))
	}
	if c.MinSpendFen > 0 {
		parts = append(parts, fmt.Sprintf(t("points.cond_min_spend"), console.FormatYuan(c.MinSpendFen)))
	}
	if len(c.Weekdays) > 0 {
		var days []string
		for _, d := range c.Weekdays {
			days = append(days, t(fmt.Sprintf("points.weekday_%d", d)))
		}
		parts = append(parts, strings.Join(days, sep))
	}
	if c.FromHour != 0 || c.ToHour != 0 {
		to := c.ToHour
		if to == 0 {
			to = 24
		}
		parts = append(parts, fmt.Sprintf("%02d:00–%02d:00", c.FromHour, to))
	}
	switch {
	case c.FromDate != "" && c.ToDate != "":
		parts = append(parts, fmt.Sprintf(t("points.cond_dates"), c.FromDate, c.ToDate))
	case c.FromDate != "":
		parts = append(parts, fmt.Sprintf(t("points.cond_from"), c.FromDate))
	case c.ToDate != "":
		parts = append(parts, fmt.Sprintf(t("points.cond_until"), c.ToDate))
	}
	if c.Birthday != "" {
		parts = append(parts, t("points.cond_birthday_"+c.Birthday))
	}
	if len(c.Segments) > 0 {
		parts = append(parts, fmt.Sprintf(t("points.cond_segments"), len(c.Segments)))
	}
	if a := c.Attribute; a != nil {
		parts = append(parts, fmt.Sprintf(t("points.cond_attribute"), a.Name, strings.Join(a.Values, sep)))
	}
	if len(parts) == 0 {
		return t("points.cond_always")
	}
	return strings.Join(parts, sep)
}

// simulate runs the simulator on the form's purchase.
func (h *handlers) simulate(r *http.Request, v *console.View, out *rulesView) {
	f := &out.Sim
	lang := v.Lang
	fen, err := console.ParseYuan(f.Amount)
	if err != nil {
		f.Errors["amount_fen"] = messages.T(lang, "points.not_yuan")
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", f.At, v.Location())
	if err != nil {
		f.Errors["occurred_at"] = messages.T(lang, "points.bad_sim_at")
	}
	sim := points.Simulation{Purchase: points.Purchase{AmountFen: fen, OccurredAt: at, Store: f.Store,
		Items: []event.Item{{SKU: "item", Category: f.Category, Quantity: 1}}}}
	if f.Customer != "" {
		id, err := uuid.Parse(f.Customer)
		if err != nil {
			f.Errors["customer"] = messages.T(lang, "points.bad_sim_customer")
		}
		sim.Purchase.Customer = id
	}
	if f.Version != "" {
		sim.Version, _ = strconv.Atoi(f.Version)
	}
	if len(f.Errors) > 0 {
		return
	}
	res, err := h.d.Points.Simulate(r.Context(), v.Tenant.ID, sim)
	if err != nil {
		if fes := fielderr.All(err); len(fes) > 0 {
			for _, fe := range fes {
				f.Errors[fe.Field] = messages.TOr(lang, "points.bad_sim_"+fe.Field, "form.invalid")
			}
			return
		}
		f.Errors["customer"] = messages.T(lang, "points.bad_sim_customer")
		return
	}
	out.Result = &simResult{Version: res.Version}
	for _, w := range res.Wallets {
		out.Result.Wallets = append(out.Result.Wallets, walletPoints{Wallet: walletName(lang, w.Wallet), Points: w.Points})
	}
	for _, l := range res.Lines {
		out.Result.Lines = append(out.Result.Lines, lineOf(lang, l))
	}
}

// lineOf is a breakdown line in words.
func lineOf(lang string, l rules.Line) lineRow {
	row := lineRow{Rule: l.Title.In(lang), Wallet: walletName(lang, l.Wallet), Points: l.Points, Applied: l.Outcome == rules.Applied}
	switch {
	case l.Rule == "":
		row.Rule = messages.T(lang, "points.line_"+l.Kind)
	case l.Kind == points.LineCampaign:
		row.Rule = messages.T(lang, "nav.points_campaigns") + messages.T(lang, "points.colon") + row.Rule
	}
	row.Outcome = messages.T(lang, "points.outcome_"+l.Outcome)
	if l.Unmet != "" {
		row.Outcome += messages.T(lang, "points.colon") + messages.T(lang, "points.unmet_"+l.Unmet)
	}
	return row
}

func (h *handlers) previewPage(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	n, err := strconv.Atoi(chi.URLParam(r, "version"))
	if err != nil {
		console.NotFound(w, r)
		return
	}
	out, ok := h.rulesBase(w, r, v)
	if !ok {
		return
	}
	pv, err := h.d.Points.PreviewChange(r.Context(), v.Tenant.ID, points.PreviewRequest{Version: n})
	if fielderr.All(err) != nil {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	p := &previewView{Version: n, From: v.Day(pv.From), To: v.Day(pv.To), Purchases: int64(pv.Purchases), Customers: int64(pv.Customers),
		Affected: int64(pv.Affected), Took: pv.Took.Round(time.Millisecond).String()}
	for _, w := range pv.Wallets {
		p.Wallets = append(p.Wallets, previewWallet{Wallet: w.Wallet, Current: w.Current, Proposed: w.Proposed, Change: w.Proposed - w.Current,
			Gaining: int64(w.Gaining), Losing: int64(w.Losing)})
	}
	for _, c := range pv.Largest {
		row := previewCustomer{PreviewCustomer: c, Name: c.Customer.String()[:8]}
		if got, err := h.d.Customers.Get(r.Context(), v.Tenant.ID, c.Customer); err == nil && got.Name != "" {
			row.Name = got.Name
		}
		p.Largest = append(p.Largest, row)
	}
	for _, pr := range pv.Rules {
		row := lineOf(v.Lang, rules.Line{Rule: pr.Rule, Title: pr.Title, Wallet: pr.Wallet, Kind: pr.Kind, Points: pr.Points})
		row.Applied = pr.Proposed
		row.Outcome = strconv.Itoa(pr.Purchases)
		p.Rules = append(p.Rules, row)
	}
	out.Preview = p
	console.Render(w, r, "points_rules", out)
}

// withdraw deletes a version not yet in effect.
func (h *handlers) withdraw(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	n, err := strconv.Atoi(chi.URLParam(r, "version"))
	if err != nil {
		console.NotFound(w, r)
		return
	}
	switch err := h.d.Points.WithdrawRuleVersion(r.Context(), v.Tenant.ID, n); {
	case err == nil || err == points.ErrVersionNotFound:
		console.Redirect(w, r, "/console/points/rules")
	case err == points.ErrVersionInEffect:
		out, ok := h.rulesBase(w, r, v)
		if !ok {
			return
		}
		out.Flash = messages.T(v.Lang, "points.rules_stays")
		w.WriteHeader(http.StatusConflict)
		console.Render(w, r, "points_rules", out)
	default:
		console.Internal(w, r, err)
	}
}

func init() {
	for lang, m := range rulesMessages {
		maps.Copy(messages[lang], m)
	}
}
