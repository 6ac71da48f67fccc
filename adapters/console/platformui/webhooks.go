package platformui

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/platform/webhooks"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// webhookForm is the endpoint form: its values and the errors of its fields.
type webhookForm struct {
	URL, Description string
	EventTypes       []string
	Errors           map[string]string
}

// endpointRow is an endpoint as the list shows it: with when it will be disabled if it keeps
// failing.
type endpointRow struct {
	webhook.Endpoint
	Disabling *webhook.Forecast
}

type webhooksView struct {
	*console.View
	Endpoints []endpointRow
	// Disabled are the endpoints the platform turned off, for the notice at the top.
	Disabled []webhook.Endpoint
	Types    []typeOption
	Form     webhookForm
	// Secret is shown once, right after creation or rotation.
	Secret string
}

type webhookView struct {
	*console.View
	Endpoint webhook.Endpoint
	// Disabling is when the endpoint will be disabled if it keeps failing; nil when it is not.
	Disabling  *webhook.Forecast
	Types      []typeOption
	Form       webhookForm
	Deliveries []ports.WebhookDeliveryLog
	Secret     string
	// Test is the result of a test send just made.
	Test *webhooks.TestResult
}

// typeOption is an event type as the console offers it, described in the admin's language.
type typeOption struct{ Name, Description string }

// typeOptions lists the catalogue; a test keeps every registered type described in both
// languages.
func typeOptions(lang string) []typeOption {
	var out []typeOption
	for _, et := range webhooks.EventTypes() {
		out = append(out, typeOption{Name: et.Name, Description: typeDescription(lang, et)})
	}
	return out
}

// typeDescription describes et in lang: by this module's messages, else as the module that
// registered it says in that language.
func typeDescription(lang string, et webhook.EventType) string {
	key := "webhooks.type_" + et.Name
	if s, ok := messages[lang][key]; ok {
		return s
	}
	if s, ok := et.Descriptions[lang]; ok {
		return s
	}
	return messages.T(lang, key)
}

func readWebhookForm(r *http.Request) webhookForm {
	_ = r.ParseForm()
	return webhookForm{URL: strings.TrimSpace(r.PostFormValue("url")), Description: strings.TrimSpace(r.PostFormValue("description")),
		EventTypes: r.PostForm["event_types"], Errors: map[string]string{}}
}

// webhookErrors puts a message for each field at fault into errs; it reports whether any was.
func webhookErrors(lang string, err error, errs map[string]string) bool {
	for _, fe := range fielderr.All(err) {
		field, _, _ := strings.Cut(fe.Field, "[")
		key := "webhooks.bad_" + field
		switch {
		case errors.Is(fe.Err, webhook.ErrURLScheme):
			key = "webhooks.url_scheme"
		case errors.Is(fe.Err, webhook.ErrURLCredentials):
			key = "webhooks.url_credentials"
		case errors.Is(fe.Err, webhook.ErrURLHost):
			key = "webhooks.url_host"
		case errors.Is(fe.Err, webhook.ErrURLPort):
			key = "webhooks.url_port"
		case errors.Is(fe.Err, webhook.ErrURLCharacters):
			key = "webhooks.url_characters"
		}
		errs[field] = messages.T(lang, key)
	}
	return len(errs) > 0
}

// firstType is what a new endpoint's form starts with: the catalogue's first event type.
func firstType() []string {
	types := webhooks.EventTypes()
	if len(types) == 0 {
		return nil
	}
	return []string{types[0].Name}
}

func (h *handlers) webhooks(w http.ResponseWriter, r *http.Request) {
	h.renderWebhooks(w, r, "page", webhookForm{EventTypes: firstType(), Errors: map[string]string{}}, "")
}

func (h *handlers) renderWebhooks(w http.ResponseWriter, r *http.Request, block string, form webhookForm, secret string) {
	v := console.ViewOf(r)
	es, err := h.d.Webhooks.List(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := webhooksView{View: v, Types: typeOptions(v.Lang), Form: form, Secret: secret}
	for _, e := range es {
		out.Endpoints = append(out.Endpoints, endpointRow{Endpoint: e, Disabling: h.disabling(e)})
		if e.Status == webhook.Disabled {
			out.Disabled = append(out.Disabled, e)
		}
	}
	console.RenderBlock(w, r, "webhooks", block, out)
}

func (h *handlers) createWebhook(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	form := readWebhookForm(r)
	if !console.Fresh(r) {
		v.Flash = messages.T(v.Lang, "form.already_submitted")
		h.renderWebhooks(w, r, "webhooks", webhookForm{Errors: map[string]string{}}, "")
		return
	}
	_, secret, err := h.d.Webhooks.Create(r.Context(), v.Tenant.ID, webhook.Draft{URL: form.URL, Description: form.Description, EventTypes: form.EventTypes})
	if webhookErrors(v.Lang, err, form.Errors) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		h.renderWebhooks(w, r, "webhooks", form, "")
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	v.Flash = messages.T(v.Lang, "webhooks.created")
	h.renderWebhooks(w, r, "webhooks", webhookForm{Errors: map[string]string{}}, string(secret))
}

// webhookState pauses or resumes an endpoint (change is the service's method), from its page
// or from the list (form value from=list), and shows where it was done again.
func (h *handlers) webhookState(change func(*webhooks.Service, context.Context, tenants.ID, uuid.UUID) (webhook.Endpoint, error), done string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := console.PathID(w, r)
		if !ok {
			return
		}
		v := console.ViewOf(r)
		if _, err := change(h.d.Webhooks, r.Context(), v.Tenant.ID, id); err != nil && !errors.Is(err, webhooks.ErrNotPaused) {
			webhookFailure(w, r, err)
			return
		}
		v.Flash = messages.T(v.Lang, done)
		if r.PostFormValue("from") == "list" {
			h.renderWebhooks(w, r, "webhooks", webhookForm{Errors: map[string]string{}}, "")
			return
		}
		h.renderWebhook(w, r, id, "webhook", nil, "", nil)
	}
}

// disabling is when e will be disabled if it keeps failing; nil when it is not failing.
func (h *handlers) disabling(e webhook.Endpoint) *webhook.Forecast {
	if f, ok := h.d.Webhooks.Forecast(e); ok {
		return &f
	}
	return nil
}

func webhookFailure(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ports.ErrWebhookNotFound) || errors.Is(err, ports.ErrDeliveryNotFound) {
		console.NotFound(w, r)
		return
	}
	console.Internal(w, r, err)
}

func (h *handlers) webhook(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	h.renderWebhook(w, r, id, "page", nil, "", nil)
}

// renderWebhook shows an endpoint with its log; form replaces the saved values when refused.
func (h *handlers) renderWebhook(w http.ResponseWriter, r *http.Request, id uuid.UUID, block string, form *webhookForm, secret string, test *webhooks.TestResult) {
	v := console.ViewOf(r)
	e, err := h.d.Webhooks.Get(r.Context(), v.Tenant.ID, id)
	if err != nil {
		webhookFailure(w, r, err)
		return
	}
	logs, err := h.d.Webhooks.Deliveries(r.Context(), v.Tenant.ID, id, ports.Page{Limit: 50})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := webhookView{View: v, Endpoint: e, Disabling: h.disabling(e), Types: typeOptions(v.Lang), Deliveries: logs, Secret: secret, Test: test,
		Form: webhookForm{URL: e.URL, Description: e.Description, EventTypes: e.EventTypes, Errors: map[string]string{}}}
	if form != nil {
		out.Form = *form
	}
	console.RenderBlock(w, r, "webhook", block, out)
}

func (h *handlers) updateWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	form := readWebhookForm(r)
	types := form.EventTypes
	if types == nil {
		types = []string{} // no box ticked: refused, not left as it was
	}
	_, err := h.d.Webhooks.Update(r.Context(), v.Tenant.ID, id, webhooks.Patch{URL: &form.URL, Description: &form.Description, EventTypes: types})
	if webhookErrors(v.Lang, err, form.Errors) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		h.renderWebhook(w, r, id, "webhook", &form, "", nil)
		return
	}
	if err != nil {
		webhookFailure(w, r, err)
		return
	}
	v.Flash = messages.T(v.Lang, "webhooks.saved")
	h.renderWebhook(w, r, id, "webhook", nil, "", nil)
}

func (h *handlers) rotateWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	secret, err := h.d.Webhooks.RotateSecret(r.Context(), v.Tenant.ID, id)
	if err != nil {
		webhookFailure(w, r, err)
		return
	}
	v.Flash = messages.T(v.Lang, "webhooks.rotated")
	h.renderWebhook(w, r, id, "webhook", nil, string(secret), nil)
}

func (h *handlers) testWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	res, err := h.d.Webhooks.Test(r.Context(), v.Tenant.ID, id, r.PostFormValue("event_type"))
	if fielderr.All(err) != nil {
		console.Fail(w, r, http.StatusUnprocessableEntity, messages.T(v.Lang, "webhooks.bad_event_types"))
		return
	}
	if err != nil {
		webhookFailure(w, r, err)
		return
	}
	h.renderWebhook(w, r, id, "webhook", nil, "", &res)
}

func (h *handlers) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	if err := h.d.Webhooks.Delete(r.Context(), console.ViewOf(r).Tenant.ID, id); err != nil {
		webhookFailure(w, r, err)
		return
	}
	console.Redirect(w, r, "/console/webhooks")
}

func (h *handlers) retryDelivery(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	delivery, err := uuid.Parse(chi.URLParam(r, "delivery"))
	if err != nil {
		console.NotFound(w, r)
		return
	}
	v := console.ViewOf(r)
	_, err = h.d.Webhooks.Retry(r.Context(), v.Tenant.ID, delivery)
	if errors.Is(err, webhooks.ErrNotFinished) {
		console.Fail(w, r, http.StatusConflict, messages.T(v.Lang, "webhooks.still_pending"))
		return
	}
	if err != nil {
		webhookFailure(w, r, err)
		return
	}
	v.Flash = messages.T(v.Lang, "webhooks.resent")
	h.renderWebhook(w, r, id, "webhook", nil, "", nil)
}

// disabledWebhooksNotice tells the dashboard's admin that the platform disabled an endpoint.
func (h *handlers) disabledWebhooksNotice(r *http.Request) (template.HTML, error) {
	v := console.ViewOf(r)
	es, err := h.d.Webhooks.List(r.Context(), v.Tenant.ID)
	if err != nil || !slices.ContainsFunc(es, func(e webhook.Endpoint) bool { return e.Status == webhook.Disabled }) {
		return "", err
	}
	return console.Fragment(r, "webhooks-disabled-notice", v)
}
