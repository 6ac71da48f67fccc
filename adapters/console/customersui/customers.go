package customersui

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

type customersView struct {
	*console.View
	Customers []customer.Customer
	Query     string
	City      string
	Tag       string
	Lifecycle string
	Next      string
	Form      customerForm
}

type customerForm struct {
	Values map[string]string
	Errors map[string]string
}

// customerFormFields are the profile fields the console edits, in order.
var customerFormFields = []string{"name", "phone", "email", "gender", "birth_date", "city", "preferred_store"}

func (h *handlers) customers(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	filter := customerFilter(r.URL.Query().Get)
	q, city := filter.Search, filter.City
	after, _ := base64.RawURLEncoding.DecodeString(r.URL.Query().Get("cursor"))
	const limit = 50
	cs, err := h.d.Customers.List(r.Context(), v.Tenant.ID, filter, ports.Page{After: string(after), Limit: limit + 1})
	if errors.Is(err, ports.ErrBadCursor) {
		cs, err = h.d.Customers.List(r.Context(), v.Tenant.ID, filter, ports.Page{Limit: limit + 1})
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := customersView{View: v, Query: q, City: city, Tag: filter.Tag, Lifecycle: string(filter.Lifecycle), Form: customerForm{Values: map[string]string{"gender": "unknown"}, Errors: map[string]string{}}}
	if len(cs) > limit {
		cs = cs[:limit]
		out.Next = base64.RawURLEncoding.EncodeToString([]byte(cs[len(cs)-1].ID.String()))
	}
	out.Customers = cs
	block := "page"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "customer-list" {
		block = "customer-list"
	}
	console.RenderBlock(w, r, "customers", block, out)
}

// formPatch reads the customer form into a profile change.
func formPatch(r *http.Request) (customers.Patch, map[string]string, map[string]string) {
	values := map[string]string{}
	for _, f := range customerFormFields {
		values[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	errs := map[string]string{}
	p := customers.Patch{}
	for f, dst := range map[string]**string{"name": &p.Name, "phone": &p.Phone, "email": &p.Email, "gender": &p.Gender,
		"city": &p.City, "preferred_store": &p.PreferredStore} {
		val := values[f]
		*dst = &val
	}
	if d := values["birth_date"]; d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			errs["birth_date"] = "YYYY-MM-DD"
		}
		p.BirthDate = &t
	}
	return p, values, errs
}

func fieldErrors(lang string, err error, into map[string]string) {
	messages.FieldErrors(lang, err, "customers.bad_", into)
	switch {
	case errors.Is(err, ports.ErrPhoneTaken):
		into["phone"] = messages.T(lang, "customers.phone_taken")
	case errors.Is(err, ports.ErrExternalIDTaken):
		into["external_id"] = messages.T(lang, "customers.external_id_taken")
	}
}

func (h *handlers) createCustomer(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	p, values, errs := formPatch(r)
	if len(errs) == 0 {
		if !console.Fresh(r) {
			console.Redirect(w, r, "/console/customers")
			return
		}
		c, err := h.d.Customers.Create(r.Context(), v.Tenant.ID, p)
		if err == nil {
			console.Redirect(w, r, "/console/customers/"+c.ID.String())
			return
		}
		fieldErrors(v.Lang, err, errs)
		if len(errs) == 0 {
			console.Internal(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.RenderBlock(w, r, "customers", "customer-form", customersView{View: v, Form: customerForm{Values: values, Errors: errs}})
}

type customerView struct {
	*console.View
	Customer customer.Customer
	Defs     []customer.AttributeDef
	Form     customerForm
}

func valuesOf(c customer.Customer) map[string]string {
	out := map[string]string{"name": c.Name, "phone": c.Phone, "email": c.Email, "gender": c.Gender, "city": c.City,
		"preferred_store": c.PreferredStore}
	if c.BirthDate != nil {
		out["birth_date"] = c.BirthDate.Format("2006-01-02")
	}
	return out
}

// customer is the 360° view of one customer.
func (h *handlers) customer(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	c, err := h.d.Customers.Get(r.Context(), v.Tenant.ID, id)
	if errors.Is(err, ports.ErrCustomerNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	defs, err := h.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "customer", customerView{View: v, Customer: c, Defs: defs, Form: customerForm{Values: valuesOf(c), Errors: map[string]string{}}})
}

func (h *handlers) updateCustomer(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	p, values, errs := formPatch(r)
	var c customer.Customer
	var err error
	if len(errs) == 0 {
		c, err = h.d.Customers.Update(r.Context(), v.Tenant.ID, id, p)
		if errors.Is(err, ports.ErrCustomerNotFound) {
			console.NotFound(w, r)
			return
		}
		fieldErrors(v.Lang, err, errs)
		if err != nil && len(errs) == 0 {
			console.Internal(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		console.RenderBlock(w, r, "customer", "profile-form", customerView{View: v, Customer: customer.Customer{ID: id}, Form: customerForm{Values: values, Errors: errs}})
		return
	}
	v.Flash = messages.T(v.Lang, "customers.saved")
	console.RenderBlock(w, r, "customer", "profile-form", customerView{View: v, Customer: c, Form: customerForm{Values: valuesOf(c), Errors: map[string]string{}}})
}
