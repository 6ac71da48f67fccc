package tiersui

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
)

// customerTierView is a customer's tier on their 360° view.
type customerTierView struct {
	*console.View
	Customer uuid.UUID
	Tier     tiers.View
	Assign   assignForm
	// Saved says the tier was just set by hand.
	Saved bool
}

// assignForm is the manual assignment as typed: the tier's code, the reason, the last day
// (a date of the brand's zone, "" for until changed again).
type assignForm struct {
	Tier, Reason, Until string
	Errors              map[string]string
}

// Current is the customer's tier in effect.
func (v customerTierView) Current() tier.Tier { return v.Tier.Tier() }

// customerSection is the tier section of a customer's 360° view; none while the brand has no
// tier program.
func (h *handlers) customerSection(r *http.Request) (template.HTML, error) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		return "", nil
	}
	view, err := h.loadCustomer(r, id)
	if errors.Is(err, ports.ErrCustomerNotFound) || errors.Is(err, tiers.ErrNoProgram) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	view.Saved = r.URL.Query().Get("tier") == "saved"
	return console.Fragment(r, "customer-tier", view)
}

func (h *handlers) loadCustomer(r *http.Request, id uuid.UUID) (customerTierView, error) {
	v := console.ViewOf(r)
	tv, err := h.d.Tiers.MemberTier(r.Context(), v.Tenant.ID, id, v.Lang)
	if err != nil {
		return customerTierView{}, err
	}
	return customerTierView{View: v, Customer: id, Tier: tv,
		Assign: assignForm{Tier: string(tv.Member.Tier), Errors: map[string]string{}}}, nil
}

// assign sets the customer's tier by hand, with a reason and optionally a last day; answers
// the section again (htmx) or the 360° view.
func (h *handlers) assign(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	form := assignForm{Tier: r.PostFormValue("tier"), Reason: strings.TrimSpace(r.PostFormValue("reason")),
		Until: strings.TrimSpace(r.PostFormValue("until")), Errors: map[string]string{}}
	a := tiers.Assignment{Customer: id, Tier: tier.Code(form.Tier), Reason: form.Reason}
	if form.Until != "" {
		day, err := time.ParseInLocation(time.DateOnly, form.Until, v.Location())
		if err != nil {
			form.Errors["until"] = messages.T(v.Lang, "tiers.bad_until")
		}
		// The tier holds through the day named: it ends at the next midnight of the brand's zone.
		end := day.AddDate(0, 0, 1)
		a.Until = &end
	}
	if len(form.Errors) == 0 {
		_, err := h.d.Tiers.Assign(r.Context(), v.Tenant.ID, a)
		switch {
		case errors.Is(err, ports.ErrCustomerNotFound), errors.Is(err, tiers.ErrUnknownCustomer), errors.Is(err, tiers.ErrNoProgram):
			console.NotFound(w, r)
			return
		case err != nil:
			for _, fe := range fielderr.All(err) {
				form.Errors[fe.Field] = messages.TOr(v.Lang, "tiers.bad_assign_"+fe.Field, "form.invalid")
			}
			if len(form.Errors) == 0 {
				console.Internal(w, r, err)
				return
			}
		}
	}
	view, err := h.loadCustomer(r, id)
	if errors.Is(err, ports.ErrCustomerNotFound) || errors.Is(err, tiers.ErrNoProgram) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	status := http.StatusOK
	if len(form.Errors) > 0 {
		view.Assign, status = form, http.StatusUnprocessableEntity
	} else if r.Header.Get("HX-Request") != "true" {
		http.Redirect(w, r, "/console/customers/"+id.String()+"?tier=saved#customer-tier", http.StatusSeeOther)
		return
	} else {
		view.Saved = true
	}
	// The section alone: htmx swaps it in place on the 360° view.
	html, err := console.Fragment(r, "customer-tier", view)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(html))
}
