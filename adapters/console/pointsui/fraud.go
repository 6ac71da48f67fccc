package pointsui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
)

// fraudRoutes are the anti-fraud review queue and the brand's fraud rules.
func (h *handlers) fraudRoutes() []console.Route {
	read := console.Needs(ledger.PermRead)
	approve := console.Needs(ledger.PermApprove)
	return []console.Route{
		console.Get("/points/fraud", read, h.fraudQueue),
		console.Post("/points/fraud/{id}/approve", approve, h.decideFlag(true)),
		console.Post("/points/fraud/{id}/reject", approve, h.decideFlag(false)),
		console.Get("/points/fraud/settings", read, h.fraudSettings),
		console.Post("/points/fraud/settings", console.Needs(access.PermSettingsWrite), h.saveFraudSettings),
	}
}

// fraudMenu is the queue's menu entry.
var fraudMenu = console.MenuEntry{Label: "nav.points_fraud", Path: "/console/points/fraud", ID: "points-fraud",
	Gate: console.Needs(ledger.PermRead), Order: 56}

// flagRow is a flag as the queue shows it: the customer's name and the reasons in words.
type flagRow struct {
	points.Flag
	CustomerName string
	Reasons      []string
}

type fraudQueueView struct {
	*console.View
	Pending, Decided []flagRow
	Names            walletNames
	CanDecide        bool
	Decisions        []string
	Error            string
}

// reasonSentence is why a rule flagged, in lang: "同一门店当天获得积分达到 300，超过上限 250".
func reasonSentence(lang string, r fraud.Reason) string {
	s := messages.T(lang, "fraud.reason_"+string(r.Code))
	term := func(kind, code string) string {
		if code == "" {
			return ""
		}
		return messages.T(lang, "fraud."+kind+"_"+code)
	}
	return strings.NewReplacer(
		"{subject}", term("subject", string(r.Subject)),
		"{period}", term("period", string(r.Period)),
		"{measure}", term("measure", string(r.Measure)),
		"{minutes}", console.FormatCount(int64(r.Minutes)),
		"{max}", console.FormatCount(r.Max),
		"{actual}", console.FormatCount(r.Actual),
	).Replace(s)
}

func (h *handlers) flagRows(r *http.Request, v *console.View, fs []points.Flag) []flagRow {
	out := make([]flagRow, len(fs))
	names := map[string]string{}
	for i, f := range fs {
		out[i] = flagRow{Flag: f}
		key := f.Customer.String()
		if _, ok := names[key]; !ok {
			if c, err := h.d.Customers.Get(r.Context(), v.Tenant.ID, f.Customer); err == nil {
				names[key] = c.Name
			}
		}
		out[i].CustomerName = names[key]
		for _, reason := range f.Reasons {
			out[i].Reasons = append(out[i].Reasons, reasonSentence(v.Lang, reason))
		}
	}
	return out
}

func (h *handlers) fraudQueue(w http.ResponseWriter, r *http.Request) {
	h.renderFraudQueue(w, r, http.StatusOK, "")
}

func (h *handlers) renderFraudQueue(w http.ResponseWriter, r *http.Request, status int, problem string) {
	v := console.ViewOf(r)
	pending, err := h.d.Points.FraudFlags(r.Context(), v.Tenant.ID, points.FlagQuery{Status: points.FlagPending}, ports.Page{Limit: 100})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	all, err := h.d.Points.FraudFlags(r.Context(), v.Tenant.ID, points.FlagQuery{}, ports.Page{Limit: 60})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	decided := slices.DeleteFunc(all, func(f points.Flag) bool { return f.Status == points.FlagPending })
	slices.SortStableFunc(decided, func(x, y points.Flag) int { return y.DecidedAt.Compare(x.DecidedAt) })
	decided = decided[:min(len(decided), 20)]
	names, err := h.walletNames(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	view := fraudQueueView{View: v, Pending: h.flagRows(r, v, pending), Decided: h.flagRows(r, v, decided), Names: names,
		CanDecide: v.Can(string(ledger.PermApprove)), Decisions: points.DecisionReasons, Error: problem}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	console.Render(w, r, "points_fraud", view)
}

// decideFlag approves or rejects a flag; one decided already is said on the queue.
func (h *handlers) decideFlag(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := console.PathID(w, r)
		if !ok {
			return
		}
		v := console.ViewOf(r)
		d := points.Decision{Reason: r.PostFormValue("reason"), Note: strings.TrimSpace(r.PostFormValue("note"))}
		decide, flash := h.d.Points.ApproveFlag, "fraud.approved"
		if !approve {
			decide, flash = h.d.Points.RejectFlag, "fraud.rejected"
		}
		_, err := decide(r.Context(), v.Tenant.ID, id, d)
		switch {
		case err == nil:
		case errors.Is(err, points.ErrFlagNotFound):
			console.NotFound(w, r)
			return
		case errors.Is(err, points.ErrFlagDecided):
			h.renderFraudQueue(w, r, http.StatusConflict, messages.T(v.Lang, "fraud.decided"))
			return
		case len(fielderr.All(err)) > 0:
			h.renderFraudQueue(w, r, http.StatusUnprocessableEntity, messages.T(v.Lang, "fraud.bad_decision"))
			return
		default:
			console.Internal(w, r, err)
			return
		}
		v.Flash = messages.T(v.Lang, flash)
		h.renderFraudQueue(w, r, http.StatusOK, "")
	}
}

// fraudBlankLimits is how many limit rows the form offers: the brand's and some blank ones.
const fraudBlankLimits = 2

// fraudForm is the rules' form, as typed.
type fraudForm struct {
	Limits []fraud.Limit
	// The numbers as typed, by field name.
	Values map[string]string
	Errors map[string]string
}

type fraudSettingsView struct {
	*console.View
	Form      fraudForm
	CanEdit   bool
	Subjects  []fraud.Subject
	Periods   []fraud.Period
	Measures  []fraud.Measure
	RiskRanks []int
	// Windows are the rules of "more than a count within minutes".
	Windows []string
}

// fraudNumbers are the form's number fields and where they go in the settings.
var fraudNumbers = []string{"velocity.count", "velocity.minutes", "referrals.count", "referrals.minutes", "receipts.count",
	"receipts.minutes", "redeem.minutes", "redeem.points", "risk_rank"}

func fraudFormOf(s fraud.Settings) fraudForm {
	f := fraudForm{Limits: slices.Clone(s.Limits), Values: map[string]string{}, Errors: map[string]string{}}
	for i, n := range []int64{int64(s.Velocity.Count), int64(s.Velocity.Minutes), int64(s.Referrals.Count), int64(s.Referrals.Minutes),
		int64(s.Receipts.Count), int64(s.Receipts.Minutes), int64(s.Redeem.Minutes), s.Redeem.Points, int64(s.RiskRank)} {
		f.Values[fraudNumbers[i]] = strconv.FormatInt(n, 10)
	}
	for i, l := range f.Limits {
		f.Values[fmt.Sprintf("limits[%d].max", i)] = strconv.FormatInt(l.Max, 10)
	}
	return f
}

// readFraudForm reads the form: a limit row without a maximum is left out.
func readFraudForm(r *http.Request) (fraudForm, fraud.Settings) {
	f := fraudForm{Values: map[string]string{}, Errors: map[string]string{}}
	num := func(name string) int64 {
		raw := strings.TrimSpace(r.PostFormValue(name))
		f.Values[name] = raw
		if raw == "" {
			return 0
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			f.Errors[name] = "fraud.bad_number"
		}
		return n
	}
	var s fraud.Settings
	s.Velocity = fraud.Window{Count: int(num("velocity.count")), Minutes: int(num("velocity.minutes"))}
	s.Referrals = fraud.Window{Count: int(num("referrals.count")), Minutes: int(num("referrals.minutes"))}
	s.Receipts = fraud.Window{Count: int(num("receipts.count")), Minutes: int(num("receipts.minutes"))}
	s.Redeem = fraud.RedeemAfter{Minutes: int(num("redeem.minutes")), Points: num("redeem.points")}
	s.RiskRank = int(num("risk_rank"))
	for i := 0; i < fraud.MaxLimits+fraudBlankLimits; i++ {
		field := fmt.Sprintf("limits[%d]", i)
		if _, ok := r.PostForm[field+".max"]; !ok {
			break
		}
		if strings.TrimSpace(r.PostFormValue(field+".max")) == "" {
			continue
		}
		n := len(s.Limits)
		l := fraud.Limit{Subject: fraud.Subject(r.PostFormValue(field + ".subject")), Period: fraud.Period(r.PostFormValue(field + ".period")),
			Measure: fraud.Measure(r.PostFormValue(field + ".measure"))}
		raw := strings.TrimSpace(r.PostFormValue(field + ".max"))
		max, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			f.Errors[fmt.Sprintf("limits[%d].max", n)] = "fraud.bad_number"
		}
		l.Max = max
		f.Values[fmt.Sprintf("limits[%d].max", n)] = raw
		s.Limits = append(s.Limits, l)
	}
	f.Limits = slices.Clone(s.Limits)
	return f, s
}

func (h *handlers) fraudSettingsPage(v *console.View, f fraudForm) fraudSettingsView {
	for range fraudBlankLimits {
		f.Limits = append(f.Limits, fraud.Limit{Subject: fraud.Customer, Period: fraud.Day, Measure: fraud.Points})
	}
	for k, key := range f.Errors {
		f.Errors[k] = messages.T(v.Lang, key)
	}
	return fraudSettingsView{View: v, Form: f, CanEdit: v.Can(string(access.PermSettingsWrite)), Subjects: fraud.LimitSubjects,
		Periods: fraud.Periods, Measures: fraud.Measures, RiskRanks: []int{0, 1, 2, 3, 4},
		Windows: []string{"velocity", "referrals", "receipts"}}
}

func (h *handlers) fraudSettings(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	s, err := h.d.Points.FraudSettings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "points_fraud_settings", h.fraudSettingsPage(v, fraudFormOf(s)))
}

func (h *handlers) saveFraudSettings(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, s := readFraudForm(r)
	if len(f.Errors) == 0 {
		saved, err := h.d.Points.PutFraudSettings(r.Context(), v.Tenant.ID, s)
		if err == nil {
			v.Flash = messages.T(v.Lang, "fraud.settings_saved")
			console.Render(w, r, "points_fraud_settings", h.fraudSettingsPage(v, fraudFormOf(saved)))
			return
		}
		fes := fielderr.All(err)
		if len(fes) == 0 {
			console.Internal(w, r, err)
			return
		}
		for _, fe := range fes {
			f.Errors[fe.Field] = "fraud.bad_" + fraudFieldKind(fe.Field)
		}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.Render(w, r, "points_fraud_settings", h.fraudSettingsPage(v, f))
}

// fraudFieldKind names the message of a field at fault: a limit row repeated, or a number out
// of its range.
func fraudFieldKind(field string) string {
	if strings.HasPrefix(field, "limits[") && strings.HasSuffix(field, "]") {
		return "limit_repeated"
	}
	return "number"
}
