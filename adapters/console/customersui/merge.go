package customersui

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/customermerge"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// mergeRow is one profile field side by side: the survivor's value, the duplicate's, and what
// the survivor will hold after the merge.
type mergeRow struct {
	Label                       string
	Survivor, Duplicate, Result string
	// Filled says the result takes the duplicate's value.
	Filled bool
}

type mergeView struct {
	*console.View
	Survivor  customer.Customer
	Duplicate *customer.Customer
	Query     string
	// Candidates are the customers the search found, the survivor left out, or without a
	// search (Suggested) those that look like the survivor.
	Candidates []customer.Customer
	Suggested  bool
	Rows       []mergeRow
	// Merged is the result of a merge done; Error explains a refused one.
	Merged *customermerge.Result
	Error  string
}

// mergeFields are the profile fields the comparison shows, with their label keys.
var mergeFields = []struct {
	key, label string
	value      func(customer.Customer, *console.View) string
}{
	{"name", "customers.name", func(c customer.Customer, _ *console.View) string { return c.Name }},
	{"phone", "customers.phone", func(c customer.Customer, v *console.View) string { return shownPhone(v, c.Phone) }},
	{"email", "form.email", func(c customer.Customer, _ *console.View) string { return c.Email }},
	{"external_id", "merge.external_id", func(c customer.Customer, _ *console.View) string { return c.ExternalID }},
	{"gender", "customers.gender", func(c customer.Customer, _ *console.View) string { return c.Gender }},
	{"birth_date", "customers.birth_date", func(c customer.Customer, _ *console.View) string {
		if c.BirthDate == nil {
			return ""
		}
		return c.BirthDate.Format(console.DateLayout)
	}},
	{"city", "customers.city", func(c customer.Customer, _ *console.View) string { return c.City }},
	{"region", "merge.region", func(c customer.Customer, _ *console.View) string { return c.Region }},
	{"preferred_store", "customers.preferred_store", func(c customer.Customer, _ *console.View) string { return c.PreferredStore }},
	{"address", "merge.address", func(c customer.Customer, _ *console.View) string {
		a := c.Address
		return strings.TrimSpace(strings.Join([]string{a.Province, a.City, a.District, a.Line, a.Postcode}, " "))
	}},
	{"consents", "customers.consents", func(c customer.Customer, v *console.View) string {
		var on []string
		for _, k := range customer.Consents {
			if c.Consents[k] {
				on = append(on, messages.T(v.Lang, "consent."+k))
			}
		}
		return strings.Join(on, messages.T(v.Lang, "list.sep"))
	}},
	{"since", "customers.since", func(c customer.Customer, v *console.View) string { return v.Day(c.CreatedAt) }},
}

// compare lays the two profiles side by side with the merge's result, as the domain computes it.
func compare(v *console.View, survivor, duplicate customer.Customer) []mergeRow {
	result, filled := customer.FillGaps(survivor, duplicate)
	rows := make([]mergeRow, 0, len(mergeFields)+len(survivor.Attributes)+len(duplicate.Attributes))
	for _, f := range mergeFields {
		rows = append(rows, mergeRow{Label: messages.T(v.Lang, f.label), Survivor: f.value(survivor, v), Duplicate: f.value(duplicate, v),
			Result: f.value(result, v), Filled: slices.Contains(filled, f.key)})
	}
	all := maps.Clone(survivor.Attributes)
	if all == nil {
		all = map[string]any{}
	}
	maps.Copy(all, duplicate.Attributes)
	keys := slices.Sorted(maps.Keys(all))
	show := func(v any, ok bool) string {
		if !ok {
			return ""
		}
		return fmt.Sprint(v)
	}
	for _, k := range keys {
		s, inS := survivor.Attributes[k]
		d, inD := duplicate.Attributes[k]
		r := mergeRow{Label: k, Survivor: show(s, inS), Duplicate: show(d, inD), Result: show(s, inS)}
		if !inS && inD {
			r.Result, r.Filled = show(d, inD), true
		}
		rows = append(rows, r)
	}
	return rows
}

// mergePage finds a duplicate of the customer and compares the two before a merge.
func (h *handlers) mergePage(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	out, ok := h.mergeView(w, r, v, id, r.URL.Query().Get("duplicate"))
	if !ok {
		return
	}
	out.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	if out.Duplicate == nil {
		var cs []customer.Customer
		var err error
		if out.Query != "" {
			cs, err = h.d.Customers.List(r.Context(), v.Tenant.ID, ports.CustomerQuery{Search: out.Query}, ports.Page{Limit: 20})
		} else {
			cs, err = h.d.Merges.LookAlikes(r.Context(), v.Tenant.ID, id)
			out.Suggested = true
		}
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		out.Candidates = slices.DeleteFunc(cs, func(c customer.Customer) bool { return c.ID == id })
		for i := range out.Candidates {
			out.Candidates[i].Phone = shownPhone(v, out.Candidates[i].Phone)
		}
	}
	console.Render(w, r, "customer_merge", out)
}

// mergeView loads the survivor and, when one is named, the duplicate with the comparison.
func (h *handlers) mergeView(w http.ResponseWriter, r *http.Request, v *console.View, id uuid.UUID, duplicate string) (mergeView, bool) {
	out := mergeView{View: v}
	var err error
	if out.Survivor, err = h.d.Customers.Get(r.Context(), v.Tenant.ID, id); err != nil {
		customerMissing(w, r, err)
		return out, false
	}
	if dupID, perr := uuid.Parse(duplicate); perr == nil && dupID != id {
		d, err := h.d.Customers.Get(r.Context(), v.Tenant.ID, dupID)
		switch {
		case errors.Is(err, ports.ErrCustomerNotFound):
			out.Error = messages.T(v.Lang, "merge.not_found")
		case err != nil:
			console.Internal(w, r, err)
			return out, false
		default:
			out.Duplicate = &d
			out.Rows = compare(v, out.Survivor, d)
		}
	}
	return out, true
}

func customerMissing(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ports.ErrCustomerNotFound) {
		console.NotFound(w, r)
		return
	}
	console.Internal(w, r, err)
}

// mergeCustomers merges the chosen duplicate into the customer and shows the result.
func (h *handlers) mergeCustomers(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	dupID, err := uuid.Parse(r.PostFormValue("duplicate_id"))
	if err != nil {
		console.Fail(w, r, http.StatusUnprocessableEntity, messages.T(v.Lang, "merge.not_found"))
		return
	}
	if !console.Fresh(r) {
		console.Redirect(w, r, "/console/customers/"+id.String())
		return
	}
	res, err := h.d.Merges.Merge(r.Context(), v.Tenant.ID, id, dupID)
	var merged *customermerge.MergedError
	message := ""
	switch {
	case err == nil:
		out := mergeView{View: v, Survivor: res.Survivor, Merged: &res}
		console.Render(w, r, "customer_merge", out)
		return
	case errors.Is(err, customermerge.ErrSameCustomer):
		message = messages.T(v.Lang, "merge.itself")
	case errors.Is(err, customermerge.ErrDuplicateNotFound), errors.Is(err, customermerge.ErrSurvivorNotFound):
		message = messages.T(v.Lang, "merge.not_found")
	case errors.As(err, &merged):
		message = messages.T(v.Lang, "merge.already")
	case errors.Is(err, ports.ErrCustomerErased), errors.Is(err, ports.ErrErasurePending):
		message = messages.T(v.Lang, "merge.erased")
	default:
		console.Internal(w, r, err)
		return
	}
	out, ok := h.mergeView(w, r, v, id, dupID.String())
	if !ok {
		return
	}
	out.Error = message
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.Render(w, r, "customer_merge", out)
}
