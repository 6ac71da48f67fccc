package console

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/application/webhooks"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// webhookForm is the endpoint form: its values and the errors of its fields.
type webhookForm struct {
	URL, Description string
	EventTypes       []string
	Errors           map[string]string
}

type webhooksView struct {
	*view
	Endpoints []webhook.Endpoint
	// Disabled are the endpoints the platform turned off, for the notice at the top.
	Disabled []webhook.Endpoint
	Types    []typeOption
	Form     webhookForm
	// Secret is shown once, right after creation or rotation.
	Secret string
}

type webhookView struct {
	*view
	Endpoint   webhook.Endpoint
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
		out = append(out, typeOption{Name: et.Name, Description: tr(lang, "webhooks.type_"+et.Name)})
	}
	return out
}

func readWebhookForm(r *http.Request) webhookForm {
	_ = r.ParseForm()
	return webhookForm{URL: strings.TrimSpace(r.PostFormValue("url")), Description: strings.TrimSpace(r.PostFormValue("description")),
		EventTypes: r.PostForm["event_types"], Errors: map[string]string{}}
}

// webhookErrors puts a message for each field at fault into errs; it reports whether any was.
func webhookErrors(lang string, err error, errs map[string]string) bool {
	var fe *webhook.FieldError
	for _, e := range unjoin(err) {
		if !errors.As(e, &fe) {
			continue
		}
		field, _, _ := strings.Cut(fe.Field, "[")
		key := "webhooks.bad_" + field
		switch {
		case errors.Is(fe.Err, webhook.ErrURLScheme):
			key = "webhooks.url_scheme"
		case errors.Is(fe.Err, webhook.ErrURLCredentials):
			key = "webhooks.url_credentials"
		case errors.Is(fe.Err, webhook.ErrURLHost):
			key = "webhooks.url_host"
		}
		errs[field] = tr(lang, key)
	}
	return len(errs) > 0
}

func (s *Server) webhooks(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermWebhooksRead) {
		return
	}
	s.renderWebhooks(w, r, "page", webhookForm{EventTypes: []string{webhook.CustomerCreated}, Errors: map[string]string{}}, "")
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, block string, form webhookForm, secret string) {
	v := viewFrom(r.Context())
	es, err := s.d.Webhooks.List(r.Context(), v.Tenant.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := webhooksView{view: v, Endpoints: es, Types: typeOptions(v.Lang), Form: form, Secret: secret}
	for _, e := range es {
		if e.Status == webhook.Disabled {
			out.Disabled = append(out.Disabled, e)
		}
	}
	s.pages.renderBlock(w, "webhooks", block, out)
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermWebhooksWrite) {
		return
	}
	v := viewFrom(r.Context())
	form := readWebhookForm(r)
	if !s.fresh(r.PostFormValue("_nonce")) {
		v.Flash = tr(v.Lang, "form.already_submitted")
		s.renderWebhooks(w, r, "webhooks", webhookForm{Errors: map[string]string{}}, "")
		return
	}
	_, secret, err := s.d.Webhooks.Create(r.Context(), v.Tenant.ID, webhook.Draft{URL: form.URL, Description: form.Description, EventTypes: form.EventTypes})
	if webhookErrors(v.Lang, err, form.Errors) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.renderWebhooks(w, r, "webhooks", form, "")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v.Flash = tr(v.Lang, "webhooks.created")
	s.renderWebhooks(w, r, "webhooks", webhookForm{Errors: map[string]string{}}, string(secret))
}

// webhookState pauses or resumes an endpoint (change is the service's method), from its page
// or from the list (form value from=list), and shows where it was done again.
func (s *Server) webhookState(change func(*webhooks.Service, context.Context, tenants.ID, uuid.UUID) (webhook.Endpoint, error), done string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.allowed(w, r, access.PermWebhooksWrite) {
			return
		}
		id, ok := s.pathID(w, r)
		if !ok {
			return
		}
		v := viewFrom(r.Context())
		if _, err := change(s.d.Webhooks, r.Context(), v.Tenant.ID, id); err != nil && !errors.Is(err, webhooks.ErrNotPaused) {
			s.webhookFailure(w, r, err)
			return
		}
		v.Flash = tr(v.Lang, done)
		if r.PostFormValue("from") == "list" {
			s.renderWebhooks(w, r, "webhooks", webhookForm{Errors: map[string]string{}}, "")
			return
		}
		s.renderWebhook(w, r, id, "webhook", nil, "", nil)
	}
}

func (s *Server) webhookFailure(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ports.ErrWebhookNotFound) || errors.Is(err, ports.ErrDeliveryNotFound) {
		s.fail(w, r, http.StatusNotFound, tr(language(r), "error.not_found"))
		return
	}
	s.internal(w, r, err)
}

func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermWebhooksRead) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.renderWebhook(w, r, id, "page", nil, "", nil)
}

// renderWebhook shows an endpoint with its log; form replaces the saved values when refused.
func (s *Server) renderWebhook(w http.ResponseWriter, r *http.Request, id uuid.UUID, block string, form *webhookForm, secret string, test *webhooks.TestResult) {
	v := viewFrom(r.Context())
	e, err := s.d.Webhooks.Get(r.Context(), v.Tenant.ID, id)
	if err != nil {
		s.webhookFailure(w, r, err)
		return
	}
	logs, err := s.d.Webhooks.Deliveries(r.Context(), v.Tenant.ID, id, ports.Page{Limit: 50})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := webhookView{view: v, Endpoint: e, Types: typeOptions(v.Lang), Deliveries: logs, Secret: secret, Test: test,
		Form: webhookForm{URL: e.URL, Description: e.Description, EventTypes: e.EventTypes, Errors: map[string]string{}}}
	if form != nil {
		out.Form = *form
	}
	s.pages.renderBlock(w, "webhook", block, out)
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermWebhooksWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	form := readWebhookForm(r)
	types := form.EventTypes
	if types == nil {
		types = []string{} // no box ticked: refused, not left as it was
	}
	_, err := s.d.Webhooks.Update(r.Context(), v.Tenant.ID, id, webhooks.Patch{URL: &form.URL, Description: &form.Description, EventTypes: types})
	if webhookErrors(v.Lang, err, form.Errors) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.renderWebhook(w, r, id, "webhook", &form, "", nil)
		return
	}
	if err != nil {
		s.webhookFailure(w, r, err)
		return
	}
	v.Flash = tr(v.Lang, "webhooks.saved")
	s.renderWebhook(w, r, id, "webhook", nil, "", nil)
}

func (s *Server) rotateWebhook(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermWebhooksWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	secret, err := s.d.Webhooks.RotateSecret(r.Context(), v.Tenant.ID, id)
	if err != nil {
		s.webhookFailure(w, r, err)
		return
	}
	v.Flash = tr(v.Lang, "webhooks.rotated")
	s.renderWebhook(w, r, id, "webhook", nil, string(secret), nil)
}

func (s *Server) testWebhook(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermWebhooksWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	res, err := s.d.Webhooks.Test(r.Context(), v.Tenant.ID, id, r.PostFormValue("event_type"))
	var fe *webhook.FieldError
	if errors.As(err, &fe) {
		s.fail(w, r, http.StatusUnprocessableEntity, tr(v.Lang, "webhooks.bad_event_types"))
		return
	}
	if err != nil {
		s.webhookFailure(w, r, err)
		return
	}
	s.renderWebhook(w, r, id, "webhook", nil, "", &res)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermWebhooksWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	if err := s.d.Webhooks.Delete(r.Context(), viewFrom(r.Context()).Tenant.ID, id); err != nil {
		s.webhookFailure(w, r, err)
		return
	}
	redirect(w, r, "/console/webhooks")
}

func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermWebhooksWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	delivery, err := uuid.Parse(chi.URLParam(r, "delivery"))
	if err != nil {
		s.fail(w, r, http.StatusNotFound, tr(language(r), "error.not_found"))
		return
	}
	v := viewFrom(r.Context())
	_, err = s.d.Webhooks.Retry(r.Context(), v.Tenant.ID, delivery)
	if errors.Is(err, webhooks.ErrNotFinished) {
		s.fail(w, r, http.StatusConflict, tr(v.Lang, "webhooks.still_pending"))
		return
	}
	if err != nil {
		s.webhookFailure(w, r, err)
		return
	}
	v.Flash = tr(v.Lang, "webhooks.resent")
	s.renderWebhook(w, r, id, "webhook", nil, "", nil)
}

// disabledWebhooks counts the brand's disabled endpoints, for the dashboard's notice.
func (s *Server) disabledWebhooks(r *http.Request) (int, error) {
	es, err := s.d.Webhooks.List(r.Context(), viewFrom(r.Context()).Tenant.ID)
	n := 0
	for _, e := range es {
		if e.Status == webhook.Disabled {
			n++
		}
	}
	return n, err
}
