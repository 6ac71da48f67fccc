package customersui

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/fieldtype"
	"github.com/engagehq/engage/ports"
)

type customersView struct {
	*console.View
	Rows      []customerRow
	Total     string
	Query     string
	City      string
	Tag       string
	Lifecycle string
	// Sort and Dir are the list's order ("asc" or "desc"); Sorts are the orders offered.
	Sort, Dir string
	Sorts     []ports.CustomerSortKey
	Next      string
}

// customerRow is one customer as the list shows them, the phone masked unless the admin may
// see it.
type customerRow struct {
	ports.CustomerSummary
	Spend, LastPurchase string
}

type customerForm struct {
	Values map[string]string
	Errors map[string]string
}

// listPage is how many customers the list shows at a time.
const listPage = 50

// listSort reads the list's order from its query: newest first unless another is chosen.
func listSort(get func(string) string) ports.CustomerSort {
	s := ports.CustomerSort{Key: ports.SortCreated, Asc: get("dir") == "asc"}
	if k := ports.CustomerSortKey(get("sort")); slices.Contains(ports.CustomerSortKeys, k) {
		s.Key = k
	}
	return s
}

// shownPhone is a phone as v's admin may see it: in full with customers:pii, else masked.
func shownPhone(v *console.View, phone string) string {
	if v.Can(string(customer.PermPersonalData)) {
		return phone
	}
	return customer.MaskPhone(phone)
}

func (h *handlers) customers(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	get := r.URL.Query().Get
	filter, sort := customerFilter(get), listSort(get)
	ctx := r.Context()
	list, err := h.d.Customers.Browse(ctx, v.Tenant.ID, filter, sort, ports.Page{After: get("cursor"), Limit: listPage + 1})
	if errors.Is(err, ports.ErrBadCursor) {
		list, err = h.d.Customers.Browse(ctx, v.Tenant.ID, filter, sort, ports.Page{Limit: listPage + 1})
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	total, err := h.d.Customers.Count(ctx, v.Tenant.ID, filter)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := customersView{View: v, Total: console.FormatCount(total), Query: filter.Search, City: filter.City, Tag: filter.Tag,
		Lifecycle: string(filter.Lifecycle), Sort: string(sort.Key), Dir: "desc", Sorts: ports.CustomerSortKeys}
	if sort.Asc {
		out.Dir = "asc"
	}
	if len(list) > listPage {
		list = list[:listPage]
		next := url.Values{"q": {out.Query}, "city": {out.City}, "tag": {out.Tag}, "lifecycle": {out.Lifecycle},
			"sort": {out.Sort}, "dir": {out.Dir}, "cursor": {list[len(list)-1].Cursor}}
		out.Next = "/console/customers?" + next.Encode()
	}
	for _, c := range list {
		c.Phone = shownPhone(v, c.Phone)
		row := customerRow{CustomerSummary: c, Spend: yuan(c.SpendFen), LastPurchase: when(v, c.LastPurchaseAt)}
		out.Rows = append(out.Rows, row)
	}
	block := "page"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "customer-list" {
		block = "customer-list"
	}
	console.RenderBlock(w, r, "customers", block, out)
}

// profileFields are the text inputs of the profile form, in order; gender and language are
// chosen, the address has its own inputs.
var profileFields = []string{"name", "phone", "email", "external_id", "birth_date", "city", "region", "preferred_store", "avatar_url"}

// addressFields are the parts of the postal address, in China's order.
var addressFields = []string{"province", "city", "district", "line", "postcode"}

// maxExternalID is the longest external ID, in characters, as the database keeps it.
const maxExternalID = 100

// languages are the languages a customer may prefer.
var languages = []string{"zh-CN", "en"}

// attributeInput is a custom attribute as the profile form edits it: by its definition.
type attributeInput struct {
	customer.AttributeDef
	// Name is the input's name, Value the value as typed or stored, Shown as the view reads.
	Name, Value, Shown string
}

// attributeText is a stored attribute value as a form holds it.
func attributeText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// attributeInputs pairs the brand's definitions with the values of a form.
func attributeInputs(lang string, defs []customer.AttributeDef, values map[string]string) []attributeInput {
	out := make([]attributeInput, 0, len(defs))
	for _, d := range defs {
		in := attributeInput{AttributeDef: d, Name: "attributes." + d.Key, Value: values["attributes."+d.Key]}
		in.Shown = in.Value
		switch {
		case in.Value == "":
			in.Shown = "—"
		case d.Type == fieldtype.Boolean && in.Value == "true":
			in.Shown = messages.T(lang, "customers.yes")
		case d.Type == fieldtype.Boolean:
			in.Shown = messages.T(lang, "customers.no")
		}
		in.Label = d.LabelIn(lang)
		out = append(out, in)
	}
	return out
}

// readAttributes reads the form's custom attributes by their definitions: an empty input
// removes the value, the others are sent as the type's JSON value for the domain to check.
func readAttributes(r *http.Request, defs []customer.AttributeDef, values, errs map[string]string) map[string]any {
	out := map[string]any{}
	for _, d := range defs {
		name := "attributes." + d.Key
		raw := strings.TrimSpace(r.PostFormValue(name))
		values[name] = raw
		if raw == "" {
			out[d.Key] = nil
			continue
		}
		switch d.Type {
		case fieldtype.Number:
			f, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				errs[name] = "number"
				continue
			}
			out[d.Key] = f
		case fieldtype.Boolean:
			out[d.Key] = raw == "true"
		default:
			out[d.Key] = raw
		}
	}
	return out
}

// formPatch reads the profile form into a profile change. Without customers:pii the phone is
// neither shown nor changed: the form has no phone input to send.
func formPatch(r *http.Request, v *console.View, defs []customer.AttributeDef, withPhone bool) (customers.Patch, map[string]string, map[string]string) {
	values := map[string]string{}
	for _, f := range append(profileFields, "gender", "language") {
		values[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	errs := map[string]string{}
	p := customers.Patch{}
	for f, dst := range map[string]**string{"external_id": &p.ExternalID, "name": &p.Name, "email": &p.Email, "gender": &p.Gender,
		"city": &p.City, "region": &p.Region, "preferred_store": &p.PreferredStore, "language": &p.Language, "avatar_url": &p.AvatarURL} {
		val := values[f]
		*dst = &val
	}
	if withPhone {
		p.Phone = ptr(values["phone"])
	}
	if utf8.RuneCountInString(values["external_id"]) > maxExternalID {
		errs["external_id"] = messages.T(v.Lang, "customers.bad_external_id")
	}
	if d := values["birth_date"]; d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			errs["birth_date"] = messages.T(v.Lang, "customers.bad_birth_date")
		}
		p.BirthDate = &t
	}
	var a customer.Address
	for _, f := range addressFields {
		values["address."+f] = strings.TrimSpace(r.PostFormValue("address." + f))
	}
	a.Province, a.City, a.District, a.Line, a.Postcode = values["address.province"], values["address.city"],
		values["address.district"], values["address.line"], values["address.postcode"]
	p.Address = &a
	p.Attributes = readAttributes(r, defs, values, errs)
	for _, d := range defs {
		if errs["attributes."+d.Key] != "" {
			errs["attributes."+d.Key] = attributeError(v.Lang, d)
		}
	}
	return p, values, errs
}

func ptr(s string) *string { return &s }

// attributeError explains what a custom attribute of d's type takes.
func attributeError(lang string, d customer.AttributeDef) string {
	return messages.T(lang, "customers.bad_attr_"+d.Type)
}

// formError is the key of an error about the whole form rather than one of its inputs.
const formError = "_form"

func fieldErrors(lang string, err error, defs []customer.AttributeDef, into map[string]string) {
	messages.FieldErrors(lang, err, "customers.bad_", into)
	for _, d := range defs {
		if into["attributes."+d.Key] != "" {
			into["attributes."+d.Key] = attributeError(lang, d)
		}
	}
	switch {
	case errors.Is(err, ports.ErrPhoneTaken):
		into["phone"] = messages.T(lang, "customers.phone_taken")
	case errors.Is(err, ports.ErrExternalIDTaken):
		into["external_id"] = messages.T(lang, "customers.external_id_taken")
	case errors.Is(err, ports.ErrCustomerErased):
		into[formError] = messages.T(lang, "customers.erased")
	}
}

// customerView is the 360° view of one customer and the new-customer page: the profile, the
// form that edits it and the brand's custom attributes.
type customerView struct {
	*console.View
	Customer customer.Customer
	// Phone is the customer's phone as the admin may see it; EditPhone says whether the
	// form shows it to change.
	Phone     string
	EditPhone bool
	Address   string
	Consents  []consentView
	Attrs     []attributeInput
	Form      customerForm
	// Fields, AddressFields and Languages lay out the form.
	Fields, AddressFields, Languages []string
	// Sections are what other modules add to the page (CustomerSections).
	Sections []template.HTML
}

type consentView struct {
	Key   string
	Given bool
}

func (h *handlers) customerPage(v *console.View, c customer.Customer, defs []customer.AttributeDef, form customerForm) customerView {
	out := customerView{View: v, Customer: c, Phone: shownPhone(v, c.Phone), EditPhone: c.ID == uuid.Nil || v.Can(string(customer.PermPersonalData)),
		Form: form, Fields: profileFields, AddressFields: addressFields, Languages: languages}
	a := c.Address
	out.Address = strings.Join(slices.DeleteFunc([]string{a.Province, a.City, a.District, a.Line, a.Postcode}, func(s string) bool { return s == "" }), " ")
	for _, k := range customer.Consents {
		if given, ok := c.Consents[k]; ok {
			out.Consents = append(out.Consents, consentView{Key: k, Given: given})
		}
	}
	stored := valuesOf(c)
	out.Attrs = attributeInputs(v.Lang, defs, form.Values)
	shown := attributeInputs(v.Lang, defs, stored)
	for i := range out.Attrs {
		out.Attrs[i].Shown = shown[i].Shown
	}
	return out
}

func valuesOf(c customer.Customer) map[string]string {
	out := map[string]string{"external_id": c.ExternalID, "name": c.Name, "phone": c.Phone, "email": c.Email, "gender": c.Gender,
		"city": c.City, "region": c.Region, "preferred_store": c.PreferredStore, "language": c.Language, "avatar_url": c.AvatarURL,
		"address.province": c.Address.Province, "address.city": c.Address.City, "address.district": c.Address.District,
		"address.line": c.Address.Line, "address.postcode": c.Address.Postcode}
	if c.BirthDate != nil {
		out["birth_date"] = c.BirthDate.Format("2006-01-02")
	}
	for k, val := range c.Attributes {
		out["attributes."+k] = attributeText(val)
	}
	return out
}

// newCustomer is the page of the new-customer form.
func (h *handlers) newCustomer(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	defs, err := h.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	form := customerForm{Values: map[string]string{"gender": "unknown", "language": v.Lang}, Errors: map[string]string{}}
	console.Render(w, r, "customer_new", h.customerPage(v, customer.Customer{}, defs, form))
}

func (h *handlers) createCustomer(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	defs, err := h.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	p, values, errs := formPatch(r, v, defs, true)
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
		fieldErrors(v.Lang, err, defs, errs)
		if len(errs) == 0 {
			console.Internal(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.RenderBlock(w, r, "customer_new", "customer-form", h.customerPage(v, customer.Customer{}, defs, customerForm{Values: values, Errors: errs}))
}

// customer is the 360° view of one customer.
func (h *handlers) customer(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	c, defs, ok := h.loadCustomer(w, r, id)
	if !ok {
		return
	}
	page := h.customerPage(v, c, defs, customerForm{Values: valuesOf(c), Errors: map[string]string{}})
	var err error
	if page.Sections, err = console.Parts(r, CustomerSections); err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "customer", page)
}

// loadCustomer reads the customer and the brand's attribute definitions, or answers.
func (h *handlers) loadCustomer(w http.ResponseWriter, r *http.Request, id uuid.UUID) (customer.Customer, []customer.AttributeDef, bool) {
	v := console.ViewOf(r)
	c, err := h.d.Customers.Get(r.Context(), v.Tenant.ID, id)
	if errors.Is(err, ports.ErrCustomerNotFound) {
		console.NotFound(w, r)
		return c, nil, false
	}
	if err != nil {
		console.Internal(w, r, err)
		return c, nil, false
	}
	defs, err := h.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return c, nil, false
	}
	return c, defs, true
}

func (h *handlers) updateCustomer(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	c, defs, ok := h.loadCustomer(w, r, id)
	if !ok {
		return
	}
	p, values, errs := formPatch(r, v, defs, v.Can(string(customer.PermPersonalData)))
	if len(errs) == 0 {
		changed, err := h.d.Customers.Update(r.Context(), v.Tenant.ID, id, p)
		if errors.Is(err, ports.ErrCustomerNotFound) {
			console.NotFound(w, r)
			return
		}
		fieldErrors(v.Lang, err, defs, errs)
		if err != nil && len(errs) == 0 {
			console.Internal(w, r, err)
			return
		}
		if err == nil {
			c = changed
		}
	}
	if len(errs) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		console.RenderBlock(w, r, "customer", "profile", h.customerPage(v, c, defs, customerForm{Values: values, Errors: errs}))
		return
	}
	v.Flash = messages.T(v.Lang, "customers.saved")
	console.RenderBlock(w, r, "customer", "profile", h.customerPage(v, c, defs, customerForm{Values: valuesOf(c), Errors: map[string]string{}}))
}
