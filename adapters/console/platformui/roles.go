package platformui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/adapters/console"
	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

type roleRow struct {
	Name, Description string
	Builtin           bool
	Permissions       []string
}

type rolesView struct {
	*console.View
	Roles       []roleRow
	Permissions []string
	Form        roleForm
}

type roleForm struct {
	Name, Description string
	Permissions       []string
	Errors            map[string]string
}

func permNames(ps []access.Permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func (h *handlers) roles(w http.ResponseWriter, r *http.Request) {
	h.renderRoles(w, r, "page", roleForm{})
}

func (h *handlers) renderRoles(w http.ResponseWriter, r *http.Request, block string, form roleForm) {
	v := console.ViewOf(r)
	custom, err := h.d.Access.Roles(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := rolesView{View: v, Permissions: permNames(access.Permissions()), Form: form}
	for _, b := range access.BuiltinRoles {
		out.Roles = append(out.Roles, roleRow{Name: b.String(), Builtin: true, Permissions: permNames(access.BuiltinGrants(b))})
	}
	for _, c := range custom {
		out.Roles = append(out.Roles, roleRow{Name: c.Name, Description: c.Description, Permissions: permNames(c.Permissions)})
	}
	console.RenderBlock(w, r, "roles", block, out)
}

func (h *handlers) saveRole(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	_ = r.ParseForm()
	form := roleForm{Name: strings.TrimSpace(r.PostFormValue("name")), Description: strings.TrimSpace(r.PostFormValue("description")),
		Permissions: r.PostForm["permissions"], Errors: map[string]string{}}
	_, err := h.d.Access.SaveRole(r.Context(), v.Tenant.ID, v.Roles, form.Name, form.Description, form.Permissions)
	switch {
	case messages.FieldErrors(v.Lang, err, "roles.bad_", form.Errors):
	case errors.Is(err, accessapp.ErrEscalation):
		form.Errors["permissions"] = messages.T(v.Lang, "error.escalation")
	case err != nil:
		console.Internal(w, r, err)
		return
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		h.renderRoles(w, r, "roles", form)
		return
	}
	v.Flash = messages.T(v.Lang, "roles.saved")
	h.renderRoles(w, r, "roles", roleForm{})
}

func (h *handlers) deleteRole(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	err := h.d.Access.DeleteRole(r.Context(), v.Tenant.ID, chi.URLParam(r, "name"))
	if errors.Is(err, ports.ErrRoleNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	v.Flash = messages.T(v.Lang, "roles.deleted")
	h.renderRoles(w, r, "roles", roleForm{})
}
