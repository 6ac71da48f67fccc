package platformui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/tenants"
)

// platformView is the platform operator's page: every brand, and the form to onboard one.
type platformView struct {
	*console.View
	Tenants []tenants.Tenant
	Form    tenantForm
}

type tenantForm struct {
	Slug, Name, Timezone, Locale, Plan string
	Errors                             map[string]string
}

func (h *handlers) platform(w http.ResponseWriter, r *http.Request) {
	h.renderPlatform(w, r, "page", tenantForm{Timezone: tenants.DefaultTimezone, Locale: tenants.DefaultLocale, Plan: tenants.DefaultPlan}, "")
}

func (h *handlers) renderPlatform(w http.ResponseWriter, r *http.Request, block string, form tenantForm, flash string) {
	var all []tenants.Tenant
	after := ""
	for {
		page, err := h.d.Tenants.List(r.Context(), after, 200)
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		all = append(all, page...)
		if len(page) < 200 {
			break
		}
		after = page[len(page)-1].Slug
	}
	v := console.ViewOf(r)
	v.Flash = flash
	console.RenderBlock(w, r, "platform", block, platformView{View: v, Tenants: all, Form: form})
}

func (h *handlers) createTenant(w http.ResponseWriter, r *http.Request) {
	lang := console.ViewOf(r).Lang
	form := tenantForm{Slug: strings.TrimSpace(r.PostFormValue("slug")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Timezone: r.PostFormValue("timezone"), Locale: r.PostFormValue("locale"), Plan: r.PostFormValue("plan"), Errors: map[string]string{}}
	_, err := h.d.Tenancy.Create(r.Context(), tenants.Draft{Slug: form.Slug, Name: form.Name, Timezone: form.Timezone, Locale: form.Locale, Plan: form.Plan})
	messages.FieldErrors(lang, err, "platform.bad_", form.Errors)
	if errors.Is(err, tenants.ErrSlugTaken) {
		form.Errors["slug"] = messages.T(lang, "platform.slug_taken")
	}
	if _, bad := form.Errors["timezone"]; bad {
		// The picker offers only known zones: a refused one (a forged form) shows the default.
		form.Timezone = tenants.DefaultTimezone
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		h.renderPlatform(w, r, "tenants", form, "")
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	h.renderPlatform(w, r, "tenants", tenantForm{Timezone: tenants.DefaultTimezone, Locale: tenants.DefaultLocale, Plan: tenants.DefaultPlan},
		messages.T(lang, "platform.created"))
}

func (h *handlers) tenantStatus(suspend bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		change, done := h.d.Tenancy.Reinstate, "platform.reinstated"
		if suspend {
			change, done = h.d.Tenancy.Suspend, "platform.suspended"
		}
		if _, err := change(r.Context(), chi.URLParam(r, "slug")); errors.Is(err, tenants.ErrNotFound) {
			console.NotFound(w, r)
			return
		} else if err != nil {
			console.Internal(w, r, err)
			return
		}
		h.renderPlatform(w, r, "tenants", tenantForm{Timezone: tenants.DefaultTimezone, Locale: tenants.DefaultLocale, Plan: tenants.DefaultPlan},
			messages.T(console.ViewOf(r).Lang, done))
	}
}
