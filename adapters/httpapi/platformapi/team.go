package platformapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// MemberBody is a member of the brand's team.
type MemberBody struct {
	UserID    string    `json:"user_id" format:"uuid"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Roles     []string  `json:"roles"`
	CreatedAt time.Time `json:"created_at"`
}

// InvitationBody is an invitation to join the brand's team.
type InvitationBody struct {
	ID         string     `json:"id" format:"uuid"`
	Email      string     `json:"email"`
	Roles      []string   `json:"roles"`
	InvitedBy  string     `json:"invited_by"`
	Status     string     `json:"status" enum:"open,accepted,replaced,revoked,expired" doc:"replaced: a newer invitation to the same email revoked it"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
}

func memberBody(m ports.Membership) MemberBody {
	return MemberBody{UserID: m.UserID.String(), Email: m.Email, Name: m.Name, Roles: access.Names(m.Roles), CreatedAt: m.CreatedAt}
}

func invitationBody(i ports.Invitation) InvitationBody {
	return InvitationBody{ID: i.ID.String(), Email: i.Email, Roles: access.Names(i.Roles), InvitedBy: i.InvitedBy,
		Status: accessapp.InvitationStatus(i, time.Now()), CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt, AcceptedAt: i.AcceptedAt}
}

// CreatedInvitationBody is a new invitation with its link, which is in this response only.
type CreatedInvitationBody struct {
	InvitationBody
	AcceptURL string   `json:"accept_url" format:"uri" doc:"The invitation's link, in this response only: the invitee opens it to join. It stops working when the invitation is accepted, revoked, replaced or expires."`
	EmailSent bool     `json:"email_sent" doc:"Whether the link was emailed to the invitee, through the brand's own mail server (its SMTP channel) or, for a brand without one, the platform's. When false, no email was sent: pass the link on yourself."`
	Replaced  []string `json:"replaced" doc:"The pending invitations to the same email that this one replaced (revoked); their links no longer work."`
}

type createdInvitationOutput struct{ Body CreatedInvitationBody }

// invite makes the invitation, mails its link through the brand's or the platform's mail server, and answers
// the link either way.
func (m *Module) invite(ctx context.Context, tenant tenants.ID, actorRoles []access.Role, email string, roles []access.Role) (*createdInvitationOutput, error) {
	inv, err := m.deps.Access.Invite(ctx, tenant, actorRoles, email, roles)
	if err != nil {
		return nil, m.mapError(ctx, err)
	}
	link := accessapp.Link(m.kit.PublicURL(), inv.Token)
	mailed := m.deps.Access.MailInvitation(ctx, inv, link)
	if mailed.Err != nil {
		m.kit.Logger().WarnContext(ctx, "invitation email not sent", "invitation", inv.ID, "error", mailed.Err)
	}
	out := &createdInvitationOutput{Body: CreatedInvitationBody{InvitationBody: invitationBody(inv.Invitation), AcceptURL: link,
		EmailSent: mailed.Sent, Replaced: make([]string, len(inv.Replaced))}}
	for i, r := range inv.Replaced {
		out.Body.Replaced[i] = r.ID.String()
	}
	return out, nil
}

type rolesBody struct {
	Roles []string `json:"roles" minItems:"1" maxItems:"10" uniqueItems:"true" doc:"Built-in or brand-defined role names"`
}

func parseRoleList(ctx context.Context, names []string) ([]access.Role, error) {
	out := make([]access.Role, len(names))
	for i, n := range names {
		r, err := access.ParseRole(n)
		if err != nil {
			return nil, roleProblem(ctx, "body.roles", err)
		}
		out[i] = r
	}
	return out, nil
}

// UserPath names a team member in the path.
type UserPath struct {
	UserID string `path:"user_id" format:"uuid"`
}

// InvitationPath names an invitation in the path.
type InvitationPath struct {
	ID string `path:"id" format:"uuid"`
}

type membersOutput struct {
	Body struct {
		Items []MemberBody `json:"items"`
	}
}

type memberOutput struct{ Body MemberBody }

type invitationsOutput struct {
	Body struct {
		Items []InvitationBody `json:"items"`
	}
}

type invitationOutput struct{ Body InvitationBody }

type inviteInput struct {
	Body struct {
		Email string   `json:"email" format:"email" maxLength:"254"`
		Roles []string `json:"roles" minItems:"1" maxItems:"10" uniqueItems:"true" doc:"Built-in or brand-defined role names"`
	}
}

type changeRolesInput struct {
	UserPath
	Body rolesBody
}

func (m *Module) registerTeam(api huma.API) {
	tags := []string{"Team"}
	httpapi.Register(api, httpapi.Tenant(access.PermTeamRead), huma.Operation{
		OperationID: "list-members", Method: http.MethodGet, Path: "/v1/team/members", Tags: tags, Summary: "List the team",
	}, func(ctx context.Context, _ *struct{}) (*membersOutput, error) {
		ms, err := m.deps.Access.Members(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		out := &membersOutput{}
		out.Body.Items = make([]MemberBody, len(ms))
		for i, member := range ms {
			out.Body.Items[i] = memberBody(member)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermTeamWrite), huma.Operation{
		OperationID: "change-member-roles", Errors: []int{http.StatusConflict, http.StatusForbidden}, Method: http.MethodPut, Path: "/v1/team/members/{user_id}/roles", Tags: tags,
		Summary: "Change a member's roles", Description: "You can grant, and take away, only what your own roles hold.",
	}, func(ctx context.Context, in *changeRolesInput) (*memberOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		roles, err := parseRoleList(ctx, in.Body.Roles)
		if err != nil {
			return nil, err
		}
		p := httpapi.PrincipalFrom(ctx)
		member, err := m.deps.Access.ChangeRoles(ctx, p.Tenant.ID, p.Roles, id, roles)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &memberOutput{Body: memberBody(member)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermTeamWrite), huma.Operation{
		OperationID: "remove-member", Errors: []int{http.StatusConflict}, Method: http.MethodDelete, Path: "/v1/team/members/{user_id}", Tags: tags,
		Summary: "Remove a member", DefaultStatus: http.StatusNoContent,
	}, func(ctx context.Context, in *UserPath) (*struct{}, error) {
		id, err := httpapi.ParseUUID(ctx, "path.user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		p := httpapi.PrincipalFrom(ctx)
		return nil, m.mapError(ctx, m.deps.Access.RemoveMember(ctx, p.Tenant.ID, p.Roles, id))
	})

	httpapi.Register(api, httpapi.Tenant(access.PermTeamRead), huma.Operation{
		OperationID: "list-invitations", Method: http.MethodGet, Path: "/v1/team/invitations", Tags: tags, Summary: "List invitations",
	}, func(ctx context.Context, _ *struct{}) (*invitationsOutput, error) {
		is, err := m.deps.Access.Invitations(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		out := &invitationsOutput{}
		out.Body.Items = make([]InvitationBody, len(is))
		for i, inv := range is {
			out.Body.Items[i] = invitationBody(inv)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermTeamWrite), httpapi.Creates(huma.Operation{
		OperationID: "invite-member", Errors: []int{http.StatusConflict, http.StatusForbidden}, Method: http.MethodPost, Path: "/v1/team/invitations", Tags: tags,
		Summary: "Invite someone by email", DefaultStatus: http.StatusCreated,
		Description: "The answer carries the invitation's link (`accept_url`), which the invitee opens to join within 7 days; " +
			"it is emailed to them through the brand's mail server, or the platform's when the brand has none (`email_sent`). The invitation also becomes a membership " +
			"when someone with this verified email first signs in. A pending invitation to the same email is replaced: " +
			"revoked, its link no longer works (`replaced`); a brand has one pending invitation per email.",
	}, "/v1/team/invitations/{id}"), func(ctx context.Context, in *inviteInput) (*createdInvitationOutput, error) {
		roles, err := parseRoleList(ctx, in.Body.Roles)
		if err != nil {
			return nil, err
		}
		p := httpapi.PrincipalFrom(ctx)
		return m.invite(ctx, p.Tenant.ID, p.Roles, in.Body.Email, roles)
	})

	httpapi.Register(api, httpapi.Tenant(access.PermTeamWrite), huma.Operation{
		OperationID: "revoke-invitation", Errors: []int{http.StatusConflict}, Method: http.MethodDelete, Path: "/v1/team/invitations/{id}", Tags: tags,
		Summary: "Revoke an invitation",
	}, func(ctx context.Context, in *InvitationPath) (*invitationOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		inv, err := m.deps.Access.RevokeInvitation(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.mapError(ctx, err)
		}
		return &invitationOutput{Body: invitationBody(inv)}, nil
	})
}
