package platformui

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
)

type teamView struct {
	*console.View
	Members     []ports.Membership
	Invitations []ports.Invitation
	Form        inviteForm
	// Invited is the invitation just made: its link, to copy, and whether it was mailed.
	Invited *invitedView
	// RoleOptions are the roles an admin may be given, by name: the built-in ones, then the
	// brand's own.
	RoleOptions []roleOption
}

// roleOption is a role a picker offers: its key (the value forms send), its name and, for a
// brand's own role, its description.
type roleOption struct{ Key, Name, Description string }

// roleOptions are the built-in roles by their terms, then the brand's custom roles by their
// names.
func (h *handlers) roleOptions(r *http.Request) ([]roleOption, error) {
	v := console.ViewOf(r)
	custom, err := h.d.Access.Roles(r.Context(), v.Tenant.ID)
	if err != nil {
		return nil, err
	}
	out := make([]roleOption, 0, len(access.BuiltinRoles)+len(custom))
	for _, b := range access.BuiltinRoles {
		out = append(out, roleOption{Key: b.String(), Name: v.RoleName(b.String())})
	}
	for _, c := range custom {
		out = append(out, roleOption{Key: c.Name, Name: c.Name, Description: c.Description})
	}
	return out, nil
}

// invitedView is what the inviter needs after inviting: the link (shown once), when it
// expires, and whether an email carried it, to whom, or why not.
type invitedView struct {
	accessapp.Mailing
	Email, Link string
	Expires     time.Time
	Replaced    bool
}

type inviteForm struct {
	Email  string
	Roles  []string
	Errors map[string]string
}

func (h *handlers) team(w http.ResponseWriter, r *http.Request) {
	h.renderTeam(w, r, "page", inviteForm{Roles: []string{access.RoleMarketer.String()}})
}

func (h *handlers) renderTeam(w http.ResponseWriter, r *http.Request, block string, form inviteForm) {
	h.renderTeamWith(w, r, block, form, nil)
}

func (h *handlers) renderTeamWith(w http.ResponseWriter, r *http.Request, block string, form inviteForm, invited *invitedView) {
	v := console.ViewOf(r)
	ms, err := h.d.Access.Members(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	is, err := h.d.Access.Invitations(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	opts, err := h.roleOptions(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.RenderBlock(w, r, "team", block, teamView{View: v, Members: ms, Invitations: is, Form: form, Invited: invited, RoleOptions: opts})
}

// invitationStatus names where an invitation stands, as its message key ends: pending,
// accepted, replaced, revoked or expired.
func invitationStatus(i ports.Invitation) string {
	if s := accessapp.InvitationStatus(i, time.Now()); s != "open" {
		return s
	}
	return "pending"
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
	var fe *fielderr.Error
	switch {
	case errors.As(err, &fe):
		return fe.Field, messages.T(lang, "team.bad_email"), true
	case errors.Is(err, accessapp.ErrEscalation):
		return "roles", messages.T(lang, "error.escalation"), true
	case errors.Is(err, accessapp.ErrUnknownRole):
		return "roles", messages.T(lang, "keys.bad_role"), true
	case errors.Is(err, accessapp.ErrLastOwner):
		return "roles", messages.T(lang, "team.last_owner"), true
	}
	return "", "", false
}

func (h *handlers) invite(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	_ = r.ParseForm()
	form := inviteForm{Email: strings.TrimSpace(r.PostFormValue("email")), Roles: r.PostForm["roles"], Errors: map[string]string{}}
	var inv accessapp.Invited
	roles, err := parseRoles(form.Roles)
	if err != nil {
		form.Errors["roles"] = messages.T(v.Lang, "team.pick_role")
	}
	if form.Email == "" {
		form.Errors["email"] = messages.T(v.Lang, "team.bad_email")
	}
	if len(form.Errors) == 0 {
		if !console.Fresh(r) {
			v.Flash = messages.T(v.Lang, "form.already_submitted")
			h.renderTeam(w, r, "members", inviteForm{Roles: form.Roles})
			return
		}
		inv, err = h.d.Access.Invite(r.Context(), v.Tenant.ID, v.Roles, form.Email, roles)
		if f, msg, ok := teamError(v.Lang, err); ok {
			form.Errors[f] = msg
		} else if errors.Is(err, ports.ErrInvitationPending) {
			form.Errors["email"] = messages.T(v.Lang, "team.invitation_pending")
		} else if err != nil {
			console.Internal(w, r, err)
			return
		}
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		h.renderTeam(w, r, "members", form)
		return
	}
	link := console.AbsoluteURL(r, accessapp.LinkPath+inv.Token)
	mailed := h.d.Access.MailInvitation(r.Context(), inv, link)
	if mailed.Err != nil {
		console.Logger(r).WarnContext(r.Context(), "invitation email not sent", "invitation", inv.ID, "error", mailed.Err)
	}
	h.renderTeamWith(w, r, "members", inviteForm{Roles: form.Roles}, &invitedView{Mailing: mailed, Email: inv.Email, Link: link,
		Expires: inv.ExpiresAt, Replaced: len(inv.Replaced) > 0})
}

func (h *handlers) teamChange(w http.ResponseWriter, r *http.Request, change func(v *console.View, id uuid.UUID) error, done string) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	err := change(v, id)
	if _, msg, ok := teamError(v.Lang, err); ok {
		console.Fail(w, r, http.StatusForbidden, msg)
		return
	}
	switch {
	case errors.Is(err, ports.ErrMembershipNotFound), errors.Is(err, ports.ErrInvitationNotFound):
		console.NotFound(w, r)
		return
	case errors.Is(err, accessapp.ErrInvitationState):
		console.Fail(w, r, http.StatusConflict, messages.T(v.Lang, "team.invitation_closed"))
		return
	case err != nil:
		console.Internal(w, r, err)
		return
	}
	v.Flash = messages.T(v.Lang, done)
	h.renderTeam(w, r, "members", inviteForm{Roles: []string{access.RoleMarketer.String()}})
}

func (h *handlers) changeRoles(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	h.teamChange(w, r, func(v *console.View, id uuid.UUID) error {
		roles, err := parseRoles(r.PostForm["roles"])
		if err != nil {
			return accessapp.ErrUnknownRole
		}
		_, err = h.d.Access.ChangeRoles(r.Context(), v.Tenant.ID, v.Roles, id, roles)
		return err
	}, "team.roles_changed")
}

func (h *handlers) removeMember(w http.ResponseWriter, r *http.Request) {
	h.teamChange(w, r, func(v *console.View, id uuid.UUID) error {
		return h.d.Access.RemoveMember(r.Context(), v.Tenant.ID, v.Roles, id)
	}, "team.removed")
}

func (h *handlers) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	h.teamChange(w, r, func(v *console.View, id uuid.UUID) error {
		_, err := h.d.Access.RevokeInvitation(r.Context(), v.Tenant.ID, id)
		return err
	}, "team.invitation_revoked")
}
