package platformui

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/adapters/console"
	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// roleRow is one role as the roles page shows it: its name (a built-in role's term, a custom
// role's own), what it is for, and what it grants, by area.
type roleRow struct {
	Key, Name, Description string
	Builtin                bool
	Areas                  []roleArea
}

// roleArea is the permissions a role holds in one area, by name.
type roleArea struct {
	Name        string
	Permissions []string
}

type rolesView struct {
	*console.View
	Roles []roleRow
	// Areas are the permission catalogue by area, for the form's grouped checkboxes.
	Areas []console.PermissionArea
	Form  roleForm
}

type roleForm struct {
	Name, Description string
	Permissions       []string
	Errors            map[string]string
}

// grantsOf is what held grants, area by area in the catalogue's order, named.
func grantsOf(areas []console.PermissionArea, held []access.Permission) []roleArea {
	var out []roleArea
	for _, a := range areas {
		ra := roleArea{Name: a.Name}
		for _, p := range a.Permissions {
			if slices.Contains(held, access.Permission(p.Permission)) {
				ra.Permissions = append(ra.Permissions, p.Name)
			}
		}
		if len(ra.Permissions) > 0 {
			out = append(out, ra)
		}
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
	out := rolesView{View: v, Areas: v.PermissionAreas(), Form: form}
	for _, b := range access.BuiltinRoles {
		out.Roles = append(out.Roles, roleRow{Key: b.String(), Name: v.RoleName(b.String()), Builtin: true,
			Description: v.TermOr(console.TermRole, b.String()+".help", ""), Areas: grantsOf(out.Areas, access.BuiltinGrants(b))})
	}
	for _, c := range custom {
		out.Roles = append(out.Roles, roleRow{Key: c.Name, Name: c.Name, Description: c.Description, Areas: grantsOf(out.Areas, c.Permissions)})
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
