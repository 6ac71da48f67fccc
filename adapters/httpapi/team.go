package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
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
	Status     string     `json:"status" enum:"open,accepted,revoked,expired"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
}

func memberBody(m ports.Membership) MemberBody {
	return MemberBody{UserID: m.UserID.String(), Email: m.Email, Name: m.Name, Roles: roleStrings(m.Roles), CreatedAt: m.CreatedAt}
}

func invitationBody(i ports.Invitation) InvitationBody {
	status := "open"
	switch {
	case i.AcceptedAt != nil:
		status = "accepted"
	case i.RevokedAt != nil:
		status = "revoked"
	case !i.Open(time.Now()):
		status = "expired"
	}
	return InvitationBody{ID: i.ID.String(), Email: i.Email, Roles: roleStrings(i.Roles), InvitedBy: i.InvitedBy, Status: status,
		CreatedAt: i.CreatedAt, ExpiresAt: i.ExpiresAt, AcceptedAt: i.AcceptedAt}
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

func parseUUID(ctx context.Context, location, raw string) (uuid.UUID, error) {
	id, err := uuid.Parse(raw)
	if err != nil {
		return id, problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "malformed ID", field(location, "expected a UUID", raw))
	}
	return id, nil
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

func (s *Server) registerTeam() {
	tags := []string{"Team"}
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "list-members", Method: http.MethodGet, Path: "/v1/team/members", Tags: tags, Summary: "List the team",
	}, access.PermTeamRead), func(ctx context.Context, _ *struct{}) (*membersOutput, error) {
		ms, err := s.deps.Access.Members(ctx, principalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		out := &membersOutput{}
		out.Body.Items = make([]MemberBody, len(ms))
		for i, m := range ms {
			out.Body.Items[i] = memberBody(m)
		}
		return out, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "change-member-roles", Method: http.MethodPut, Path: "/v1/team/members/{user_id}/roles", Tags: tags,
		Summary: "Change a member's roles", Description: "You can grant, and take away, only what your own roles hold.",
	}, access.PermTeamWrite), func(ctx context.Context, in *changeRolesInput) (*memberOutput, error) {
		id, err := parseUUID(ctx, "path.user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		roles, err := parseRoleList(ctx, in.Body.Roles)
		if err != nil {
			return nil, err
		}
		p := principalFrom(ctx)
		m, err := s.deps.Access.ChangeRoles(ctx, p.Tenant.ID, p.Roles, id, roles)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		return &memberOutput{Body: memberBody(m)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "remove-member", Method: http.MethodDelete, Path: "/v1/team/members/{user_id}", Tags: tags,
		Summary: "Remove a member", DefaultStatus: http.StatusNoContent,
	}, access.PermTeamWrite), func(ctx context.Context, in *UserPath) (*struct{}, error) {
		id, err := parseUUID(ctx, "path.user_id", in.UserID)
		if err != nil {
			return nil, err
		}
		p := principalFrom(ctx)
		return nil, mapError(ctx, s.deps.Logger, s.deps.Access.RemoveMember(ctx, p.Tenant.ID, p.Roles, id))
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "list-invitations", Method: http.MethodGet, Path: "/v1/team/invitations", Tags: tags, Summary: "List invitations",
	}, access.PermTeamRead), func(ctx context.Context, _ *struct{}) (*invitationsOutput, error) {
		is, err := s.deps.Access.Invitations(ctx, principalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		out := &invitationsOutput{}
		out.Body.Items = make([]InvitationBody, len(is))
		for i, inv := range is {
			out.Body.Items[i] = invitationBody(inv)
		}
		return out, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "invite-member", Method: http.MethodPost, Path: "/v1/team/invitations", Tags: tags,
		Summary: "Invite someone by email", DefaultStatus: http.StatusCreated,
		Description: "The invitation becomes a membership when someone with this verified email first signs in, within 7 days.",
	}, access.PermTeamWrite), func(ctx context.Context, in *inviteInput) (*invitationOutput, error) {
		roles, err := parseRoleList(ctx, in.Body.Roles)
		if err != nil {
			return nil, err
		}
		p := principalFrom(ctx)
		inv, err := s.deps.Access.Invite(ctx, p.Tenant.ID, p.Roles, in.Body.Email, roles)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		return &invitationOutput{Body: invitationBody(inv)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "revoke-invitation", Method: http.MethodDelete, Path: "/v1/team/invitations/{id}", Tags: tags,
		Summary: "Revoke an invitation",
	}, access.PermTeamWrite), func(ctx context.Context, in *InvitationPath) (*invitationOutput, error) {
		id, err := parseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		inv, err := s.deps.Access.RevokeInvitation(ctx, principalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, mapError(ctx, s.deps.Logger, err)
		}
		return &invitationOutput{Body: invitationBody(inv)}, nil
	})
}
