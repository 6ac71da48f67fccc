package pointsui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/ledger"
)

// streakRows are how many streak bonuses the form offers.
const streakRows = 3

// actionsView is the page of the brand's action rules and the editor of one.
type actionsView struct {
	*console.View
	Rules   []actions.Rule
	Form    actionForm
	CanEdit bool
	// Actions, Periods, Wallets and EventTypes are the form's pickers; EventTypes the brand's
	// custom types with their labels.
	Actions    []actions.Action
	Periods    []actions.Period
	Wallets    []ledger.Wallet
	EventTypes []event.CustomType
}

// actionForm is a rule as typed, with the message of every field at fault.
type actionForm struct {
	Key, Action, EventType, Wallet, Points, LimitCount, LimitPeriod string
	RefereePoints, Title, TitleEn, Tip, TipEn                       string
	AfterFirstPurchase, Active, Editing                             bool
	Streak                                                          []streakForm
	Errors                                                          map[string]string
}

type streakForm struct {
	Index        int
	Days, Points string
	Repeat       bool
}

// EventTypeLabel is a custom event type's label, or its key.
func (v actionsView) EventTypeLabel(typ string) string {
	key := strings.TrimPrefix(typ, event.CustomPrefix)
	for _, t := range v.EventTypes {
		if t.Key == key && t.Label != "" {
			return t.Label
		}
	}
	return key
}

func actionFormOf(r actions.Rule, editing bool) actionForm {
	f := actionForm{Key: r.Key, Action: string(r.Action), EventType: r.EventType, Wallet: string(r.Wallet),
		Points: strconv.FormatInt(r.Points, 10), LimitCount: strconv.Itoa(r.Limit.Count), LimitPeriod: string(r.Limit.Period),
		RefereePoints: strconv.FormatInt(r.RefereePoints, 10), Title: r.Title, TitleEn: r.TitleEn, Tip: r.Tip, TipEn: r.TipEn,
		AfterFirstPurchase: r.AfterFirstPurchase, Active: r.Active, Editing: editing, Errors: map[string]string{}}
	for i := range streakRows {
		row := streakForm{Index: i}
		if i < len(r.Streak) {
			row.Days, row.Points, row.Repeat = strconv.Itoa(r.Streak[i].Days), strconv.FormatInt(r.Streak[i].Points, 10), r.Streak[i].Repeat
		}
		f.Streak = append(f.Streak, row)
	}
	return f
}

// newActionRule is the form's starting point: a daily check-in of 5 points.
func newActionRule() actions.Rule {
	return actions.Rule{Action: actions.CheckIn, Wallet: ledger.Points, Points: 5, Limit: actions.Limit{Count: 1, Period: actions.Day}, Active: true}
}

func (h *handlers) actionRules(w http.ResponseWriter, r *http.Request) {
	form := actionFormOf(newActionRule(), false)
	if key := r.URL.Query().Get("edit"); key != "" {
		rules, err := h.d.Points.ActionRules(r.Context(), console.ViewOf(r).Tenant.ID)
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		if i := slices.IndexFunc(rules, func(x actions.Rule) bool { return x.Key == key }); i >= 0 {
			form = actionFormOf(rules[i], true)
		}
	}
	h.renderActions(w, r, form, http.StatusOK)
}

func (h *handlers) renderActions(w http.ResponseWriter, r *http.Request, form actionForm, status int) {
	v := console.ViewOf(r)
	rules, err := h.d.Points.ActionRules(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	settings, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	types, err := h.d.Events.EventTypes(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	console.Render(w, r, "points_actions", actionsView{View: v, Rules: rules, Form: form, CanEdit: v.Can(string(access.PermSettingsWrite)),
		Actions: actions.Actions, Periods: actions.Periods, Wallets: settings.Keys(), EventTypes: types})
}

// saveActionRule adds or replaces a rule; what the rules refuse is shown beside its input.
func (h *handlers) saveActionRule(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	form, rule := readActionForm(r)
	if len(form.Errors) == 0 {
		_, err := h.d.Points.PutActionRule(r.Context(), v.Tenant.ID, rule)
		if err == nil {
			console.Redirect(w, r, "/console/points/actions")
			return
		}
		for _, fe := range fielderr.All(err) {
			part, _, _ := strings.Cut(fe.Field, "[")
			part, _, _ = strings.Cut(part, ".")
			if errors.Is(fe, points.ErrUnknownWallet) {
				part = "wallet"
			}
			form.Errors[fe.Field] = messages.TOr(v.Lang, "actions.bad_"+part, "form.invalid")
		}
		if len(form.Errors) == 0 {
			console.Internal(w, r, err)
			return
		}
	}
	h.renderActions(w, r, form, http.StatusUnprocessableEntity)
}

func (h *handlers) deleteActionRule(w http.ResponseWriter, r *http.Request) {
	err := h.d.Points.DeleteActionRule(r.Context(), console.ViewOf(r).Tenant.ID, chi.URLParam(r, "key"))
	if err != nil && !errors.Is(err, points.ErrRuleNotFound) {
		console.Internal(w, r, err)
		return
	}
	console.Redirect(w, r, "/console/points/actions")
}

// readActionForm reads the posted rule; numbers that are not numbers are the form's own errors.
func readActionForm(r *http.Request) (actionForm, actions.Rule) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := actionForm{Key: get("key"), Action: get("action"), EventType: get("event_type"), Wallet: get("wallet"), Points: get("points"),
		LimitCount: get("limit_count"), LimitPeriod: get("limit_period"), RefereePoints: get("referee_points"), Title: get("title"),
		TitleEn: get("title_en"), Tip: get("tip"), TipEn: get("tip_en"), AfterFirstPurchase: get("after_first_purchase") == "on",
		Active: get("active") == "on", Editing: get("editing") == "true", Errors: map[string]string{}}
	lang := console.ViewOf(r).Lang
	number := func(s, field string) int64 {
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
		if err != nil {
			f.Errors[field] = messages.T(lang, "points.not_a_number")
		}
		return n
	}
	rule := actions.Rule{Key: f.Key, Action: actions.Action(f.Action), Wallet: ledger.Wallet(f.Wallet), Points: number(f.Points, "points"),
		Limit: actions.Limit{Count: int(number(f.LimitCount, "limit.count")), Period: actions.Period(f.LimitPeriod)},
		Title: f.Title, TitleEn: f.TitleEn, Tip: f.Tip, TipEn: f.TipEn, Active: f.Active}
	// Fields of other actions are left out: the form keeps them for a change of mind. A
	// check-in is once a day, joining, a first login and being referred once: the form does not ask.
	switch rule.Action {
	case actions.Registration, actions.FirstLogin:
		rule.Limit = actions.Limit{Count: 1, Period: actions.Ever}
	case actions.Event:
		rule.EventType = f.EventType
	case actions.Referral:
		rule.Limit = actions.Limit{Count: 1, Period: actions.Ever}
		rule.RefereePoints, rule.AfterFirstPurchase = number(f.RefereePoints, "referee_points"), f.AfterFirstPurchase
	case actions.CheckIn:
		rule.Limit = actions.Limit{Count: 1, Period: actions.Day}
		for i := range streakRows {
			row := streakForm{Index: i, Days: get(fmt.Sprintf("streak[%d].days", i)), Points: get(fmt.Sprintf("streak[%d].points", i)),
				Repeat: get(fmt.Sprintf("streak[%d].repeat", i)) == "on"}
			f.Streak = append(f.Streak, row)
			if row.Days == "" && row.Points == "" {
				continue
			}
			rule.Streak = append(rule.Streak, actions.StreakBonus{Days: int(number(row.Days, fmt.Sprintf("streak[%d].days", i))),
				Points: number(row.Points, fmt.Sprintf("streak[%d].points", i)), Repeat: row.Repeat})
		}
	}
	for len(f.Streak) < streakRows {
		f.Streak = append(f.Streak, streakForm{Index: len(f.Streak)})
	}
	return f, rule
}
