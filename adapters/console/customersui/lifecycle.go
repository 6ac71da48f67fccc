package customersui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
)

// lifecycleFields are the settings the form edits, in order.
var lifecycleFields = []string{"new_days", "at_risk_days", "lapsed_days", "won_back_days"}

type lifecycleView struct {
	*console.View
	Stages []ports.StageCount
	Form   customerForm
	Saved  bool
}

func settingsValues(s lifecycle.Settings) map[string]string {
	return map[string]string{"new_days": strconv.Itoa(s.NewDays), "at_risk_days": strconv.Itoa(s.AtRiskDays),
		"lapsed_days": strconv.Itoa(s.LapsedDays), "won_back_days": strconv.Itoa(s.WonBackDays)}
}

// lifecyclePage shows how many customers are at each stage and the rules that put them there.
func (h *handlers) lifecyclePage(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	settings, err := h.d.Lifecycle.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	stages, err := h.d.Lifecycle.Stages(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "lifecycle", lifecycleView{View: v, Stages: stages, Form: customerForm{Values: settingsValues(settings), Errors: map[string]string{}}})
}

// saveLifecycle changes the rules; the stages follow moments later, by a job.
func (h *handlers) saveLifecycle(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	form := customerForm{Values: map[string]string{}, Errors: map[string]string{}}
	days := map[string]int{}
	for _, f := range lifecycleFields {
		form.Values[f] = strings.TrimSpace(r.PostFormValue(f))
		n, err := strconv.Atoi(form.Values[f])
		if err != nil {
			form.Errors[f] = messages.T(v.Lang, "lifecycle.bad_days")
		}
		days[f] = n
	}
	if len(form.Errors) == 0 {
		err := h.d.Lifecycle.SetSettings(r.Context(), v.Tenant.ID, lifecycle.Settings{NewDays: days["new_days"],
			AtRiskDays: days["at_risk_days"], LapsedDays: days["lapsed_days"], WonBackDays: days["won_back_days"]})
		fes := fielderr.All(err)
		if err != nil && len(fes) == 0 {
			console.Internal(w, r, err)
			return
		}
		for _, fe := range fes {
			key := "lifecycle.bad_days"
			if errors.Is(fe, lifecycle.ErrOrder) {
				key = "lifecycle.bad_order"
			}
			form.Errors[fe.Field] = messages.T(v.Lang, key)
		}
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	console.RenderBlock(w, r, "lifecycle", "lifecycle-form", lifecycleView{View: v, Form: form, Saved: len(form.Errors) == 0})
}
