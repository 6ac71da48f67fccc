package customersui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/fieldtype"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
)

// blankFieldRows is how many empty field rows the editor offers for new fields.
const blankFieldRows = 3

type eventTypesView struct {
	*console.View
	Types      []event.CustomType
	Form       eventTypeForm
	FieldTypes []string
}

// eventTypeForm is the editor of one custom event type.
type eventTypeForm struct {
	Key, Label, Description string
	// Editing keeps the key of an existing type fixed.
	Editing bool
	Rows    []fieldRow
	// Errors are translated messages by part: "key", "label", "description", "fields".
	Errors map[string]string
}

// fieldRow is one field of the editor, as typed.
type fieldRow struct {
	Key, Label, Type, EnumValues, MaxLength string
	Required                                bool
	// Errors are translated messages by part: "key", "type", "enum_values", "max_length".
	Errors map[string]string
}

func formOf(t event.CustomType, editing bool) eventTypeForm {
	f := eventTypeForm{Key: t.Key, Label: t.Label, Description: t.Description, Editing: editing, Errors: map[string]string{}}
	for _, fd := range t.Fields {
		row := fieldRow{Key: fd.Key, Label: fd.Label, Type: fd.Type, Required: fd.Required, EnumValues: strings.Join(fd.EnumValues, ", ")}
		if fd.MaxLength > 0 {
			row.MaxLength = strconv.Itoa(fd.MaxLength)
		}
		f.Rows = append(f.Rows, row)
	}
	for range blankFieldRows {
		f.Rows = append(f.Rows, fieldRow{Type: fieldtype.String})
	}
	return f
}

func (h *handlers) eventTypes(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	types, err := h.d.Events.EventTypes(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	form := formOf(event.CustomType{}, false)
	if key := r.URL.Query().Get("edit"); key != "" {
		for _, t := range types {
			if t.Key == key {
				form = formOf(t, true)
			}
		}
	}
	console.Render(w, r, "event_types", eventTypesView{View: v, Types: types, Form: form, FieldTypes: fieldtype.Types})
}

// readEventType reads the editor's form: the type, the rows as typed (with the index of the
// row behind each field of the type), and the errors found before the domain's checks.
func readEventType(r *http.Request, lang string) (event.CustomType, eventTypeForm, []int) {
	form := eventTypeForm{Key: strings.TrimSpace(r.PostFormValue("key")), Label: strings.TrimSpace(r.PostFormValue("label")),
		Description: strings.TrimSpace(r.PostFormValue("description")), Editing: r.PostFormValue("editing") == "true", Errors: map[string]string{}}
	t := event.CustomType{Key: form.Key, Label: form.Label, Description: form.Description}
	rows, _ := strconv.Atoi(r.PostFormValue("rows"))
	var rowOf []int
	for i := range min(rows, event.MaxCustomFields+blankFieldRows) {
		at := "f" + strconv.Itoa(i) + "_"
		row := fieldRow{Key: strings.TrimSpace(r.PostFormValue(at + "key")), Label: strings.TrimSpace(r.PostFormValue(at + "label")),
			Type: r.PostFormValue(at + "type"), Required: r.PostFormValue(at+"required") == "on",
			EnumValues: strings.TrimSpace(r.PostFormValue(at + "enum_values")), MaxLength: strings.TrimSpace(r.PostFormValue(at + "max_length")),
			Errors: map[string]string{}}
		form.Rows = append(form.Rows, row)
		if row.Key == "" && row.Label == "" && row.EnumValues == "" && row.MaxLength == "" {
			continue // an unused row
		}
		f := event.CustomField{Key: row.Key, Label: row.Label, Type: row.Type, Required: row.Required}
		for v := range strings.FieldsFuncSeq(row.EnumValues, func(c rune) bool { return c == ',' || c == '，' }) {
			if v = strings.TrimSpace(v); v != "" {
				f.EnumValues = append(f.EnumValues, v)
			}
		}
		if row.MaxLength != "" {
			n, err := strconv.Atoi(row.MaxLength)
			if err != nil || n < 1 {
				form.Rows[i].Errors["max_length"] = messages.T(lang, "eventtypes.bad_max_length")
			}
			f.MaxLength = n
		}
		t.Fields = append(t.Fields, f)
		rowOf = append(rowOf, i)
	}
	return t, form, rowOf
}

// placeErrors puts the domain's findings next to the inputs at fault.
func placeErrors(lang string, err error, form *eventTypeForm, rowOf []int) {
	for _, fe := range fielderr.All(err) {
		field, part, _ := strings.Cut(fe.Field, ".")
		if i, ok := strings.CutPrefix(field, "fields["); ok && part != "" {
			n, _ := strconv.Atoi(strings.TrimSuffix(i, "]"))
			if n < len(rowOf) {
				form.Rows[rowOf[n]].Errors[part] = messages.T(lang, "eventtypes.bad_"+part)
				continue
			}
		}
		form.Errors[field] = messages.T(lang, "eventtypes.bad_"+field)
	}
}

func (h *handlers) saveEventType(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	t, form, rowOf := readEventType(r, v.Lang)
	if !rowsFailed(form.Rows) {
		_, err := h.d.Events.SaveEventType(r.Context(), v.Tenant.ID, t)
		if err == nil {
			console.Redirect(w, r, "/console/settings/event-types")
			return
		}
		placeErrors(v.Lang, err, &form, rowOf)
		if errors.Is(err, events.ErrTooManyTypes) {
			form.Errors["key"] = messages.T(v.Lang, "eventtypes.too_many")
		}
		if len(form.Errors) == 0 && !rowsFailed(form.Rows) {
			console.Internal(w, r, err)
			return
		}
	}
	types, err := h.d.Events.EventTypes(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.Render(w, r, "event_types", eventTypesView{View: v, Types: types, Form: form, FieldTypes: fieldtype.Types})
}

func rowsFailed(rows []fieldRow) bool {
	for _, row := range rows {
		if len(row.Errors) > 0 {
			return true
		}
	}
	return false
}

func (h *handlers) deleteEventType(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	err := h.d.Events.DeleteEventType(r.Context(), v.Tenant.ID, chi.URLParam(r, "key"))
	if errors.Is(err, ports.ErrEventTypeNotFound) {
		// Another brand's type is not found, as one that never was: no redirect that looks done.
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Redirect(w, r, "/console/settings/event-types")
}
