package console

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/engagehq/engage/application/tenancy"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type brandView struct {
	*view
	Form brandForm
	// Logo is whether the brand has a logo to show.
	Logo bool
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
	_, err := s.d.Tenancy.Logo(r.Context(), v.Tenant.ID)
	if err != nil && !errors.Is(err, ports.ErrNoLogo) {
		s.internal(w, r, err)
		return
	}
	s.pages.render(w, "brand", brandView{view: v, Logo: err == nil,
		Form: brandForm{Name: v.Tenant.Name, Timezone: v.Tenant.Timezone, Locale: v.Tenant.Locale}})
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

// logo serves the current brand's logo.
func (s *Server) logo(w http.ResponseWriter, r *http.Request) {
	v := viewFrom(r.Context())
	l, err := s.d.Tenancy.Logo(r.Context(), v.Tenant.ID)
	if errors.Is(err, ports.ErrNoLogo) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", l.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=60")
	_, _ = w.Write(l.Data)
}

// uploadLogo replaces the brand's logo from a multipart form.
func (s *Server) uploadLogo(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermTenantWrite) {
		return
	}
	v := viewFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, tenancy.MaxLogoBytes+64<<10)
	form := brandForm{Name: v.Tenant.Name, Timezone: v.Tenant.Timezone, Locale: v.Tenant.Locale, Errors: map[string]string{}}
	data, err := uploaded(r, "logo", tenancy.MaxLogoBytes)
	if err == nil {
		err = s.d.Tenancy.SetLogo(r.Context(), v.Tenant.ID, data)
	}
	var fe *tenants.FieldError
	switch {
	case errors.Is(err, errUpload), errors.As(err, &fe):
		form.Errors["logo"] = tr(v.Lang, "brand.bad_logo")
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.pages.renderBlock(w, "brand", "brand-form", brandView{view: v, Form: form})
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	v.Flash = tr(v.Lang, "brand.logo_saved")
	s.pages.renderBlock(w, "brand", "brand-form", brandView{view: v, Form: form, Logo: true})
}

// errUpload is a missing, malformed or oversized file upload.
var errUpload = errors.New("bad upload")

// uploaded reads the file of a multipart form field, up to limit bytes.
func uploaded(r *http.Request, field string, limit int64) ([]byte, error) {
	file, _, err := r.FormFile(field)
	if err != nil {
		return nil, errUpload
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil || int64(len(data)) > limit {
		return nil, errUpload
	}
	return data, nil
}

// unjoin flattens errors.Join trees into their leaves: services join the fields at fault, and
// some join joins.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, unjoin(e)...)
	}
	return out
}
