package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// platformView is the platform operator's page: every brand, and the form to onboard one.
type platformView struct {
	Lang, CSRF, Flash string
	Tenants           []tenants.Tenant
	Form              tenantForm
}

type tenantForm struct {
	Slug, Name, Timezone, Locale, Plan string
	Errors                             map[string]string
}

// requirePlatform admits the platform operator: the platform key as the password of HTTP basic
// authentication, so a browser can sign in. Forms carry a CSRF token derived from the key,
// since browsers resend basic credentials on their own.
func (s *Server) requirePlatform(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pw, ok := r.BasicAuth()
		if !ok || s.d.PlatformKey == "" || subtle.ConstantTimeCompare([]byte(pw), []byte(s.d.PlatformKey)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="engage platform"`)
			s.fail(w, r, http.StatusUnauthorized, tr(language(r), "error.signed_out"))
			return
		}
		if r.Method != http.MethodGet {
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = r.PostFormValue("_csrf")
			}
			if subtle.ConstantTimeCompare([]byte(sent), []byte(s.csrfToken("platform:"+s.d.PlatformKey))) != 1 {
				s.fail(w, r, http.StatusForbidden, tr(language(r), "error.csrf"))
				return
			}
		}
		ctx := ports.WithActor(r.Context(), ports.Actor{Kind: ports.ActorPlatform, Label: "platform",
			RequestID: r.Header.Get("X-Request-ID"), IP: actorBase(r).IP, UserAgent: r.UserAgent()})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) platform(w http.ResponseWriter, r *http.Request) {
	s.renderPlatform(w, r, "page", tenantForm{Timezone: tenants.DefaultTimezone, Locale: tenants.DefaultLocale, Plan: tenants.DefaultPlan}, "")
}

func (s *Server) renderPlatform(w http.ResponseWriter, r *http.Request, block string, form tenantForm, flash string) {
	var all []tenants.Tenant
	after := ""
	for {
		page, err := s.d.Tenants.List(r.Context(), after, 200)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		all = append(all, page...)
		if len(page) < 200 {
			break
		}
		after = page[len(page)-1].Slug
	}
	s.pages.renderBlock(w, "platform", block, platformView{Lang: language(r), CSRF: s.csrfToken("platform:" + s.d.PlatformKey),
		Flash: flash, Tenants: all, Form: form})
}

func (s *Server) createTenant(w http.ResponseWriter, r *http.Request) {
	lang := language(r)
	form := tenantForm{Slug: strings.TrimSpace(r.PostFormValue("slug")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Timezone: r.PostFormValue("timezone"), Locale: r.PostFormValue("locale"), Plan: r.PostFormValue("plan"), Errors: map[string]string{}}
	_, err := s.d.Tenancy.Create(r.Context(), tenants.Draft{Slug: form.Slug, Name: form.Name, Timezone: form.Timezone, Locale: form.Locale, Plan: form.Plan})
	var fe *tenants.FieldError
	for _, e := range unjoin(err) {
		if errors.As(e, &fe) {
			form.Errors[fe.Field] = tr(lang, "platform.bad_"+fe.Field)
		}
	}
	if errors.Is(err, tenants.ErrSlugTaken) {
		form.Errors["slug"] = tr(lang, "platform.slug_taken")
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.renderPlatform(w, r, "tenants", form, "")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.renderPlatform(w, r, "tenants", tenantForm{Timezone: tenants.DefaultTimezone, Locale: tenants.DefaultLocale, Plan: tenants.DefaultPlan},
		tr(lang, "platform.created"))
}

func (s *Server) tenantStatus(suspend bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		change, done := s.d.Tenancy.Reinstate, "platform.reinstated"
		if suspend {
			change, done = s.d.Tenancy.Suspend, "platform.suspended"
		}
		if _, err := change(r.Context(), chi.URLParam(r, "slug")); errors.Is(err, tenants.ErrNotFound) {
			s.fail(w, r, http.StatusNotFound, tr(language(r), "error.not_found"))
			return
		} else if err != nil {
			s.internal(w, r, err)
			return
		}
		s.renderPlatform(w, r, "tenants", tenantForm{Timezone: tenants.DefaultTimezone, Locale: tenants.DefaultLocale, Plan: tenants.DefaultPlan},
			tr(language(r), done))
	}
}
