package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

type brandView struct {
	*view
	Form brandForm
}

type brandForm struct {
	Name, Timezone, Locale string
	Errors                 map[string]string
}

func (s *Server) brand(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermTenantRead) {
		return
	}
	v := viewFrom(r.Context())
	s.pages.render(w, "brand", brandView{view: v, Form: brandForm{Name: v.Tenant.Name, Timezone: v.Tenant.Timezone, Locale: v.Tenant.Locale}})
}

func (s *Server) saveBrand(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermTenantWrite) {
		return
	}
	v := viewFrom(r.Context())
	form := brandForm{Name: strings.TrimSpace(r.PostFormValue("name")), Timezone: r.PostFormValue("timezone"),
		Locale: r.PostFormValue("locale"), Errors: map[string]string{}}
	t, err := s.d.Tenancy.Update(r.Context(), v.Tenant.ID.String(), tenants.Changes{Name: &form.Name, Timezone: &form.Timezone, Locale: &form.Locale})
	var fe *tenants.FieldError
	for _, e := range unjoin(err) {
		if errors.As(e, &fe) {
			form.Errors[fe.Field] = tr(v.Lang, "brand.bad_"+fe.Field)
		}
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.pages.renderBlock(w, "brand", "brand-form", brandView{view: v, Form: form})
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v.Tenant, v.Flash = t, tr(v.Lang, "brand.saved")
	s.pages.renderBlock(w, "brand", "brand-form", brandView{view: v, Form: brandForm{Name: t.Name, Timezone: t.Timezone, Locale: t.Locale}})
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}
