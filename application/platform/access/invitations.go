package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Errors of invitation links.
var (
	// ErrInvitationLink is a link that names no invitation: malformed, unknown or forged.
	ErrInvitationLink = errors.New("invitation link is not valid")
	// ErrInvitationEmail is an invitation accepted by someone signed in with another email.
	ErrInvitationEmail = errors.New("the invitation is for another email address")
)

// LinkPath is where the console accepts an invitation's link: LinkPath + token.
const LinkPath = "/console/invitations/"

// Link is the invitation link of token on the console at base (its public URL).
func Link(base, token string) string { return strings.TrimRight(base, "/") + LinkPath + token }

// Invited is an invitation just made, with its link's token, which is shown once and never
// stored, and the pending invitations to the same email it replaced.
type Invited struct {
	ports.Invitation
	Token    string
	Replaced []ports.Invitation
}

// Mailing is what became of mailing an invitation: sent to To, not sent because the brand has
// no mail server (NoServer), or failed with Err (for the log; say it in the reader's words).
type Mailing struct {
	Sent     bool
	To       string
	NoServer bool
	Err      error
}

// InvitationStatus names where an invitation stands at now: open, accepted, replaced (by a
// newer one to the same email), revoked or expired.
func InvitationStatus(i ports.Invitation, now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return "accepted"
	case i.ReplacedBy != nil:
		return "replaced"
	case i.RevokedAt != nil:
		return "revoked"
	case !now.Before(i.ExpiresAt):
		return "expired"
	}
	return "open"
}

// tokenSecretLen is the length of a link's secret; a token is the tenant's ID, the
// invitation's ID and the secret, base64url-encoded.
const tokenSecretLen = 32

func newToken(tenant, id uuid.UUID) (token string, hash []byte, err error) {
	secret := make([]byte, tokenSecretLen)
	if _, err := rand.Read(secret); err != nil {
		return "", nil, err
	}
	raw := append(append(append(make([]byte, 0, 32+tokenSecretLen), tenant[:]...), id[:]...), secret...)
	sum := sha256.Sum256(secret)
	return base64.RawURLEncoding.EncodeToString(raw), sum[:], nil
}

func parseToken(token string) (tenant, id uuid.UUID, hash []byte, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32+tokenSecretLen {
		return uuid.Nil, uuid.Nil, nil, ErrInvitationLink
	}
	sum := sha256.Sum256(raw[32:])
	return uuid.UUID(raw[:16]), uuid.UUID(raw[16:32]), sum[:], nil
}

// replacePending revokes the pending invitations to email, naming by as their replacement, in
// the caller's tenant transaction.
func (s *Service) replacePending(ctx context.Context, email string, by uuid.UUID) ([]ports.Invitation, error) {
	all, err := s.d.Invitations.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []ports.Invitation
	for _, old := range all {
		if old.Email != email || old.AcceptedAt != nil || old.RevokedAt != nil {
			continue
		}
		var before ports.Invitation
		replaced, err := s.d.Invitations.Update(ctx, old.ID, func(i *ports.Invitation) error {
			before = *i
			if i.AcceptedAt != nil || i.RevokedAt != nil {
				return ErrInvitationState
			}
			now := s.d.Clock.Now()
			i.RevokedAt, i.ReplacedBy = &now, &by
			return nil
		})
		if errors.Is(err, ErrInvitationState) {
			continue // closed since it was listed
		}
		if err != nil {
			return nil, err
		}
		if err := s.d.Audit.Record(ctx, ports.AuditEntry{Action: "invitation.replace", TargetType: "invitation",
			TargetID: old.ID.String(), Before: invitationSnapshot(before), After: invitationSnapshot(replaced)}); err != nil {
			return nil, err
		}
		out = append(out, replaced)
	}
	return out, nil
}

// MailInvitation emails inv's link to the invitee through the brand's own mail server, or the
// platform's when the brand has none. Without either no email is sent (NoServer), and the
// inviter passes the link on themselves.
func (s *Service) MailInvitation(ctx context.Context, inv Invited, link string) Mailing {
	if s.d.Email == nil {
		return Mailing{NoServer: true}
	}
	t, err := s.d.Tenants.Resolve(ctx, inv.TenantID)
	if err != nil {
		return Mailing{Err: err}
	}
	err = ports.ErrChannelNotConfigured
	var (
		account  ports.SMTPAccount
		password string
	)
	if s.d.Mail != nil {
		account, password, err = s.d.Mail.SMTPCredentials(ctx, t.ID)
	}
	if errors.Is(err, ports.ErrChannelNotConfigured) {
		if s.d.PlatformMail == nil {
			return Mailing{NoServer: true}
		}
		account, password, err = s.d.PlatformMail.Account, s.d.PlatformMail.Password, nil
	}
	if err != nil {
		return Mailing{Err: err}
	}
	zone, err := time.LoadLocation(t.Timezone)
	if err != nil {
		zone = time.UTC
	}
	expires := inv.ExpiresAt.In(zone).Format("2006-01-02 15:04 MST")
	roles := strings.Join(access.Names(inv.Roles), ", ")
	text := fmt.Sprintf("您好！「%s」邀请您加入 Engage 管理后台（角色：%s）。请在 %s 前打开以下链接接受邀请：\n\n%s\n\n"+
		"Hello! %s invites you to its Engage console (roles: %s). Open this link before %s to accept:\n\n%s\n",
		t.Name, roles, expires, link, t.Name, roles, expires, link)
	err = s.d.Email.SendEmail(ctx, account, password, ports.Email{To: []string{inv.Email},
		Subject: "「" + t.Name + "」邀请您加入 Engage / " + t.Name + " invites you to Engage", Text: text})
	if err != nil {
		return Mailing{To: inv.Email, Err: err}
	}
	return Mailing{Sent: true, To: inv.Email}
}

// InvitationByLink returns the invitation a link's token names, in whatever state, and its
// brand; ErrInvitationLink when the token names none.
func (s *Service) InvitationByLink(ctx context.Context, token string) (ports.Invitation, tenants.Tenant, error) {
	tenantID, id, hash, err := parseToken(token)
	if err != nil {
		return ports.Invitation{}, tenants.Tenant{}, err
	}
	t, err := s.d.Tenants.Resolve(ctx, tenantID)
	if err != nil {
		return ports.Invitation{}, tenants.Tenant{}, ErrInvitationLink
	}
	inv, err := ports.ReadInTenant(ctx, s.d.Tx, t.ID, func(ctx context.Context) (ports.Invitation, error) {
		return s.d.Invitations.Get(ctx, id)
	})
	if errors.Is(err, ports.ErrInvitationNotFound) || (err == nil && subtle.ConstantTimeCompare(inv.TokenHash, hash) != 1) {
		return ports.Invitation{}, tenants.Tenant{}, ErrInvitationLink
	}
	return inv, t, err
}

// AcceptLink makes u a member of the invitation's brand with its roles: u must have the
// invitation's email (ErrInvitationEmail), and the invitation must be open (ErrInvitationState).
func (s *Service) AcceptLink(ctx context.Context, token string, u ports.AdminUser) (tenants.Tenant, error) {
	inv, t, err := s.InvitationByLink(ctx, token)
	if err != nil {
		return t, err
	}
	if normaliseEmail(u.Email) != inv.Email {
		return t, ErrInvitationEmail
	}
	return t, s.accept(ctx, t, inv.ID, u)
}

// AdminByEmail returns the admin user with email, creating a locally signed-in one when none
// has it: for a link that proves the email, where no identity provider is configured.
func (s *Service) AdminByEmail(ctx context.Context, email string) (ports.AdminUser, error) {
	email = normaliseEmail(email)
	u, err := s.d.Users.ByEmail(ctx, email)
	if errors.Is(err, ports.ErrUserNotFound) {
		u = ports.AdminUser{ID: uuid.New(), IdentityID: LocalIdentityPrefix + email, Email: email}
		err = s.d.Users.Insert(ctx, u)
	}
	return u, err
}

// accept turns invitation id of t into u's membership (adding its roles to any u has), in t's
// transaction and audit trail, acting as u.
func (s *Service) accept(ctx context.Context, t tenants.Tenant, id uuid.UUID, u ports.AdminUser) error {
	actx := ports.WithActor(ctx, ports.Actor{Kind: ports.ActorUser, ID: u.ID.String(), Label: u.Email,
		RequestID: ports.ActorFrom(ctx).RequestID, IP: ports.ActorFrom(ctx).IP, UserAgent: ports.ActorFrom(ctx).UserAgent})
	return s.d.Tx.InTenant(actx, t.ID, func(ctx context.Context) error {
		now := s.d.Clock.Now()
		accepted, err := s.d.Invitations.Update(ctx, id, func(i *ports.Invitation) error {
			if !i.Open(now) {
				return ErrInvitationState
			}
			i.AcceptedAt, i.AcceptedBy = &now, &u.ID
			return nil
		})
		if err != nil {
			return err
		}
		roles := accepted.Roles
		if m, err := s.d.Members.Get(ctx, u.ID); err == nil {
			roles = union(m.Roles, roles)
		}
		if err := s.d.Members.Put(ctx, ports.Membership{UserID: u.ID, Roles: roles}); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "invitation.accept", TargetType: "membership",
			TargetID: u.ID.String(), After: memberSnapshot(u.Email, roles)})
	})
}
