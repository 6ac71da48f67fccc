package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	accessapp "github.com/engagehq/engage/application/access"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type teamView struct {
	*view
	Members     []ports.Membership
	Invitations []ports.Invitation
	Form        inviteForm
}

type inviteForm struct {
	Email  string
	Roles  []string
	Errors map[string]string
}

func (s *Server) team(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermTeamRead) {
		return
	}
	s.renderTeam(w, r, "page", inviteForm{Roles: []string{access.RoleMarketer.String()}})
}

func (s *Server) renderTeam(w http.ResponseWriter, r *http.Request, block string, form inviteForm) {
	v := viewFrom(r.Context())
	ms, err := s.d.Access.Members(r.Context(), v.Tenant.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	is, err := s.d.Access.Invitations(r.Context(), v.Tenant.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.pages.renderBlock(w, "team", block, teamView{view: v, Members: ms, Invitations: is, Form: form})
}

func parseRoles(names []string) ([]access.Role, error) {
	if len(names) == 0 {
		return nil, access.ErrRoleName
	}
	out := make([]access.Role, 0, len(names))
	for _, n := range names {
		r, err := access.ParseRole(n)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// teamError turns a refused team change into the message for the field at fault.
func teamError(lang string, err error) (field, message string, ok bool) {
	var fe *tenants.FieldError
	switch {
	case errors.As(err, &fe):
		return fe.Field, tr(lang, "team.bad_email"), true
	case errors.Is(err, accessapp.ErrEscalation):
		return "roles", tr(lang, "error.escalation"), true
	case errors.Is(err, accessapp.ErrUnknownRole):
		return "roles", tr(lang, "keys.bad_role"), true
	case errors.Is(err, accessapp.ErrLastOwner):
		return "roles", tr(lang, "team.last_owner"), true
	}
	return "", "", false
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermTeamWrite) {
		return
	}
	v := viewFrom(r.Context())
	_ = r.ParseForm()
	form := inviteForm{Email: strings.TrimSpace(r.PostFormValue("email")), Roles: r.PostForm["roles"], Errors: map[string]string{}}
	roles, err := parseRoles(form.Roles)
	if err != nil {
		form.Errors["roles"] = tr(v.Lang, "team.pick_role")
	}
	if form.Email == "" {
		form.Errors["email"] = tr(v.Lang, "team.bad_email")
	}
	if len(form.Errors) == 0 {
		if !s.fresh(r.PostFormValue("_nonce")) {
			v.Flash = tr(v.Lang, "form.already_submitted")
			s.renderTeam(w, r, "members", inviteForm{Roles: form.Roles})
			return
		}
		_, err = s.d.Access.Invite(r.Context(), v.Tenant.ID, v.Roles, form.Email, roles)
		if f, msg, ok := teamError(v.Lang, err); ok {
			form.Errors[f] = msg
		} else if err != nil {
			s.internal(w, r, err)
			return
		}
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.renderTeam(w, r, "members", form)
		return
	}
	v.Flash = tr(v.Lang, "team.invited")
	s.renderTeam(w, r, "members", inviteForm{Roles: form.Roles})
}

// pathID reads the {id} path parameter, answering 404 when it is not a UUID.
func (s *Server) pathID(w http.ResponseWriter, r *http.Request) (uuid.UUID, bool) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, http.StatusNotFound, tr(language(r), "error.not_found"))
	}
	return id, err == nil
}

func (s *Server) teamChange(w http.ResponseWriter, r *http.Request, change func(v *view, id uuid.UUID) error, done string) {
	if !s.allowed(w, r, access.PermTeamWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	err := change(v, id)
	if _, msg, ok := teamError(v.Lang, err); ok {
		s.fail(w, r, http.StatusForbidden, msg)
		return
	}
	switch {
	case errors.Is(err, ports.ErrMembershipNotFound), errors.Is(err, ports.ErrInvitationNotFound):
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
		return
	case errors.Is(err, accessapp.ErrInvitationState):
		s.fail(w, r, http.StatusConflict, tr(v.Lang, "team.invitation_closed"))
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	v.Flash = tr(v.Lang, done)
	s.renderTeam(w, r, "members", inviteForm{Roles: []string{access.RoleMarketer.String()}})
}

func (s *Server) changeRoles(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	s.teamChange(w, r, func(v *view, id uuid.UUID) error {
		roles, err := parseRoles(r.PostForm["roles"])
		if err != nil {
			return accessapp.ErrUnknownRole
		}
		_, err = s.d.Access.ChangeRoles(r.Context(), v.Tenant.ID, v.Roles, id, roles)
		return err
	}, "team.roles_changed")
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	s.teamChange(w, r, func(v *view, id uuid.UUID) error {
		return s.d.Access.RemoveMember(r.Context(), v.Tenant.ID, v.Roles, id)
	}, "team.removed")
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	s.teamChange(w, r, func(v *view, id uuid.UUID) error {
		_, err := s.d.Access.RevokeInvitation(r.Context(), v.Tenant.ID, id)
		return err
	}, "team.invitation_revoked")
}
