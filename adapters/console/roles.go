package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	accessapp "github.com/engagehq/engage/application/access"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type roleRow struct {
	Name, Description string
	Builtin           bool
	Permissions       []string
}

type rolesView struct {
	*view
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

func (s *Server) roles(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermRolesRead) {
		return
	}
	s.renderRoles(w, r, "page", roleForm{})
}

func (s *Server) renderRoles(w http.ResponseWriter, r *http.Request, block string, form roleForm) {
	v := viewFrom(r.Context())
	custom, err := s.d.Access.Roles(r.Context(), v.Tenant.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := rolesView{view: v, Permissions: permNames(access.Permissions()), Form: form}
	for _, b := range access.BuiltinRoles {
		out.Roles = append(out.Roles, roleRow{Name: b.String(), Builtin: true, Permissions: permNames(access.BuiltinGrants(b))})
	}
	for _, c := range custom {
		out.Roles = append(out.Roles, roleRow{Name: c.Name, Description: c.Description, Permissions: permNames(c.Permissions)})
	}
	s.pages.renderBlock(w, "roles", block, out)
}

func (s *Server) saveRole(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermRolesWrite) {
		return
	}
	v := viewFrom(r.Context())
	_ = r.ParseForm()
	form := roleForm{Name: strings.TrimSpace(r.PostFormValue("name")), Description: strings.TrimSpace(r.PostFormValue("description")),
		Permissions: r.PostForm["permissions"], Errors: map[string]string{}}
	_, err := s.d.Access.SaveRole(r.Context(), v.Tenant.ID, v.Roles, form.Name, form.Description, form.Permissions)
	var fe *tenants.FieldError
	switch {
	case errors.As(err, &fe):
		form.Errors[fe.Field] = tr(v.Lang, "roles.bad_"+fe.Field)
	case errors.Is(err, accessapp.ErrEscalation):
		form.Errors["permissions"] = tr(v.Lang, "error.escalation")
	case err != nil:
		s.internal(w, r, err)
		return
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.renderRoles(w, r, "roles", form)
		return
	}
	v.Flash = tr(v.Lang, "roles.saved")
	s.renderRoles(w, r, "roles", roleForm{})
}

func (s *Server) deleteRole(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermRolesWrite) {
		return
	}
	v := viewFrom(r.Context())
	err := s.d.Access.DeleteRole(r.Context(), v.Tenant.ID, chi.URLParam(r, "name"))
	if errors.Is(err, ports.ErrRoleNotFound) {
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v.Flash = tr(v.Lang, "roles.deleted")
	s.renderRoles(w, r, "roles", roleForm{})
}
