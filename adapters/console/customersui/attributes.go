package customersui

import (
	"net/http"
	"slices"
	"strings"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/fielderr"
)

// attributesView is the page of the brand's custom attribute definitions and the editor of one.
type attributesView struct {
	*console.View
	Defs  []customer.AttributeDef
	Types []string
	Form  attributeForm
}

// attributeForm is one definition as typed; Editing keeps the key of an existing one fixed.
type attributeForm struct {
	Key, Label, LabelEn, Type, EnumValues string
	Editing                               bool
	// Errors are translated messages by part: "key", "label", "label_en", "type", "enum_values".
	Errors map[string]string
}

func attributeFormOf(d customer.AttributeDef, editing bool) attributeForm {
	return attributeForm{Key: d.Key, Label: d.Label, LabelEn: d.LabelEn, Type: d.Type, EnumValues: strings.Join(d.EnumValues, ", "), Editing: editing,
		Errors: map[string]string{}}
}

func (h *handlers) attributes(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	defs, err := h.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	form := attributeFormOf(customer.AttributeDef{Type: customer.AttributeTypes[0]}, false)
	if key := r.URL.Query().Get("edit"); key != "" {
		if i := slices.IndexFunc(defs, func(d customer.AttributeDef) bool { return d.Key == key }); i >= 0 {
			form = attributeFormOf(defs[i], true)
		}
	}
	console.Render(w, r, "attributes", attributesView{View: v, Defs: defs, Types: customer.AttributeTypes, Form: form})
}

// saveAttribute adds a definition or changes the one with its key: the brand's set is
// replaced as a whole, as the service keeps it.
func (h *handlers) saveAttribute(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	form := attributeForm{Key: strings.TrimSpace(r.PostFormValue("key")), Label: strings.TrimSpace(r.PostFormValue("label")),
		LabelEn: strings.TrimSpace(r.PostFormValue("label_en")), Type: r.PostFormValue("type"), EnumValues: strings.TrimSpace(r.PostFormValue("enum_values")),
		Editing: r.PostFormValue("editing") == "true", Errors: map[string]string{}}
	d := customer.AttributeDef{Key: form.Key, Label: form.Label, LabelEn: form.LabelEn, Type: form.Type}
	for val := range strings.FieldsFuncSeq(form.EnumValues, func(c rune) bool { return c == ',' || c == '，' || c == '\n' }) {
		if val = strings.TrimSpace(val); val != "" {
			d.EnumValues = append(d.EnumValues, val)
		}
	}
	defs, err := h.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	i := slices.IndexFunc(defs, func(x customer.AttributeDef) bool { return x.Key == d.Key })
	switch {
	case i >= 0 && !form.Editing:
		form.Errors["key"] = messages.T(v.Lang, "attributes.taken")
	case i >= 0:
		defs[i] = d
	default:
		defs = append(defs, d)
	}
	if len(form.Errors) == 0 {
		err = h.d.Customers.SetAttributeDefs(r.Context(), v.Tenant.ID, defs)
		if err == nil {
			console.Redirect(w, r, "/console/settings/attributes")
			return
		}
		for _, fe := range fielderr.All(err) {
			// Fields are attributes[i].part; only the definition being saved can be at fault.
			_, part, _ := strings.Cut(fe.Field, "].")
			switch part {
			case "key", "label", "label_en", "type", "enum_values":
				form.Errors[part] = messages.T(v.Lang, "attributes.bad_"+part)
			}
		}
		if len(form.Errors) == 0 {
			console.Internal(w, r, err)
			return
		}
	}
	current, err := h.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.Render(w, r, "attributes", attributesView{View: v, Defs: current, Types: customer.AttributeTypes, Form: form})
}
