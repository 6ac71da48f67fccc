package platformui

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/platform/tenancy"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type brandView struct {
	*console.View
	Form brandForm
	// Logo is whether the brand has a logo to show.
	Logo bool
}

type brandForm struct {
	Name, Timezone, Locale string
	Errors                 map[string]string
}

func (h *handlers) brand(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	_, err := h.d.Tenancy.Logo(r.Context(), v.Tenant.ID)
	if err != nil && !errors.Is(err, ports.ErrNoLogo) {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "brand", brandView{View: v, Logo: err == nil,
		Form: brandForm{Name: v.Tenant.Name, Timezone: v.Tenant.Timezone, Locale: v.Tenant.Locale}})
}

func (h *handlers) saveBrand(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	form := brandForm{Name: strings.TrimSpace(r.PostFormValue("name")), Timezone: r.PostFormValue("timezone"),
		Locale: r.PostFormValue("locale"), Errors: map[string]string{}}
	t, err := h.d.Tenancy.Update(r.Context(), v.Tenant.ID.String(), tenants.Changes{Name: &form.Name, Timezone: &form.Timezone, Locale: &form.Locale})
	if messages.FieldErrors(v.Lang, err, "brand.bad_", form.Errors) {
		if _, bad := form.Errors["timezone"]; bad {
			// The picker offers only known zones: a refused one (a forged form) shows the brand's.
			form.Timezone = v.Tenant.Timezone
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		console.RenderBlock(w, r, "brand", "brand-form", brandView{View: v, Form: form})
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	v.Tenant, v.Flash = t, messages.T(v.Lang, "brand.saved")
	console.RenderBlock(w, r, "brand", "brand-form", brandView{View: v, Form: brandForm{Name: t.Name, Timezone: t.Timezone, Locale: t.Locale}})
}

// logo serves the current brand's logo.
func (h *handlers) logo(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	l, err := h.d.Tenancy.Logo(r.Context(), v.Tenant.ID)
	if errors.Is(err, ports.ErrNoLogo) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", l.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=60")
	_, _ = w.Write(l.Data)
}

// uploadLogo replaces the brand's logo from a multipart form.
func (h *handlers) uploadLogo(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, tenancy.MaxLogoBytes+64<<10)
	form := brandForm{Name: v.Tenant.Name, Timezone: v.Tenant.Timezone, Locale: v.Tenant.Locale, Errors: map[string]string{}}
	data, err := uploaded(r, "logo", tenancy.MaxLogoBytes)
	if err == nil {
		err = h.d.Tenancy.SetLogo(r.Context(), v.Tenant.ID, data)
	}
	switch {
	case errors.Is(err, errUpload), fielderr.All(err) != nil:
		form.Errors["logo"] = messages.T(v.Lang, "brand.bad_logo")
		w.WriteHeader(http.StatusUnprocessableEntity)
		console.RenderBlock(w, r, "brand", "brand-form", brandView{View: v, Form: form})
		return
	case err != nil:
		console.Internal(w, r, err)
		return
	}
	v.Flash = messages.T(v.Lang, "brand.logo_saved")
	console.RenderBlock(w, r, "brand", "brand-form", brandView{View: v, Form: form, Logo: true})
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
