package platformapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/kratos/kratostest"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/domain/access"
)

func TestOneTimeLinkSignsInOnceAndOpensASession(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn := pgtest.NewTenant(t, b.Dir)
	_, err := b.App.Access.AddAdmin(context.Background(), tn.ID, "Owner@Brand.example", "Owner", []access.Role{access.RoleOwner})
	require.NoError(t, err)
	link, err := b.App.SignIn.IssueLink(context.Background(), "owner@brand.example")
	require.NoError(t, err)

	redeemed := b.Do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": link})
	require.Equal(t, http.StatusOK, redeemed.Status, "%s", redeemed.Raw)
	token := redeemed.Body["session_token"].(string)
	require.Contains(t, redeemed.Header.Get("Set-Cookie"), "engage_session="+token)
	require.Contains(t, redeemed.Header.Get("Set-Cookie"), "HttpOnly")

	// The cookie is for the console; the API takes the session from a header only.
	byCookie := b.Do(t, http.MethodGet, "/v1/admin/session", "", nil, "Cookie", "engage_session="+token)
	require.Equal(t, http.StatusUnauthorized, byCookie.Status, "%s", byCookie.Raw)
	session := b.Do(t, http.MethodGet, "/v1/admin/session", "", nil, "X-Session-Token", token)
	require.Equal(t, http.StatusOK, session.Status, "%s", session.Raw)
	require.Equal(t, "owner@brand.example", session.Body["email"])
	brands := session.Body["brands"].([]any)
	require.Len(t, brands, 1)
	require.Equal(t, tn.Slug, brands[0].(map[string]any)["slug"])

	// The admin belongs to one brand: it is chosen without the header.
	own := b.Do(t, http.MethodGet, "/v1/tenant", "", nil, "X-Session-Token", token)
	require.Equal(t, http.StatusOK, own.Status, "%s", own.Raw)

	replay := b.Do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": link})
	require.Equal(t, http.StatusUnauthorized, replay.Status)
	require.Equal(t, "invalid_link", replay.ProblemCode())
	forged := b.Do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": link[:len(link)-4] + "AAAA"})
	require.Equal(t, http.StatusUnauthorized, forged.Status)

	none := b.Do(t, http.MethodGet, "/v1/admin/session", "", nil, "X-Session-Token", "not-a-session")
	require.Equal(t, http.StatusUnauthorized, none.Status)
	require.Equal(t, "unauthenticated", none.ProblemCode())
}

func TestAdminOfOneBrandCannotReachAnother(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	mine, theirs := pgtest.NewTenant(t, b.Dir), pgtest.NewTenant(t, b.Dir)
	session := b.Admin(t, mine, "a@brand.example", access.RoleOwner)

	for _, ref := range []string{theirs.Slug, theirs.ID.String(), "no-such-brand"} {
		r := b.As(t, session, ref, http.MethodGet, "/v1/api-keys", nil)
		require.Equal(t, http.StatusForbidden, r.Status, "%s", r.Raw)
		require.Equal(t, "not_a_member", r.ProblemCode())
		require.Equal(t, []string{"header.X-Engage-Tenant"}, r.Fields())
	}
	require.Equal(t, http.StatusOK, b.As(t, session, mine.Slug, http.MethodGet, "/v1/api-keys", nil).Status)
}

func TestInvitationBecomesAMembershipAtFirstVerifiedSignIn(t *testing.T) {
	t.Parallel()
	kratos := kratostest.New(t)
	b := apitest.NewWith(t, apitest.Options{KratosURL: kratos.URL()})
	tn := pgtest.NewTenant(t, b.Dir)
	// The platform operator invites the brand's first owner.
	ownerSession := kratos.AddSession(kratostest.Valid("boss@brand.example"))
	inv := b.Do(t, http.MethodPost, "/v1/platform/tenants/"+tn.Slug+"/invitations", apitest.PlatformKey,
		map[string]any{"email": "Boss@Brand.example", "roles": []string{"owner"}})
	require.Equal(t, http.StatusCreated, inv.Status, "%s", inv.Raw)

	// Unverified email: no membership, the invitation stays open.
	unverified := kratos.AddSession(kratostest.Unverified("marketer@brand.example"))
	invM := b.As(t, ownerSession, tn.Slug, http.MethodPost, "/v1/team/invitations", map[string]any{"email": "marketer@brand.example", "roles": []string{"marketer"}})
	require.Equal(t, http.StatusCreated, invM.Status, "%s", invM.Raw)
	refused := b.As(t, unverified, tn.Slug, http.MethodGet, "/v1/tenant", nil)
	require.Equal(t, http.StatusForbidden, refused.Status)
	require.Equal(t, "email_unverified", refused.ProblemCode())

	// Verified: the invitation is accepted and the roles apply.
	verified := kratos.AddSession(kratostest.Valid("marketer@brand.example"))
	ok := b.As(t, verified, tn.Slug, http.MethodGet, "/v1/tenant", nil)
	require.Equal(t, http.StatusOK, ok.Status, "%s", ok.Raw)
	team := b.As(t, verified, tn.Slug, http.MethodGet, "/v1/team/members", nil)
	require.Equal(t, http.StatusForbidden, team.Status, "a marketer cannot see team settings")

	invs := b.As(t, ownerSession, tn.Slug, http.MethodGet, "/v1/team/invitations", nil)
	require.Equal(t, http.StatusOK, invs.Status, "%s", invs.Raw)
	statuses := map[string]string{}
	for _, it := range invs.Body["items"].([]any) {
		m := it.(map[string]any)
		statuses[m["email"].(string)] = m["status"].(string)
	}
	require.Equal(t, "accepted", statuses["marketer@brand.example"])

	for _, s := range []kratostest.Session{kratostest.Expired("x@brand.example"), kratostest.Inactive("y@brand.example")} {
		r := b.As(t, kratos.AddSession(s), tn.Slug, http.MethodGet, "/v1/tenant", nil)
		require.Equal(t, http.StatusUnauthorized, r.Status)
	}
	unknown := b.As(t, kratos.UnknownToken(), tn.Slug, http.MethodGet, "/v1/tenant", nil)
	require.Equal(t, http.StatusUnauthorized, unknown.Status)
	// Kratos's session cookie is the console's: the API does not act on it.
	byCookie := b.Do(t, http.MethodGet, "/v1/tenant", "", nil, "Cookie", kratos.Cookie(verified), "X-Engage-Tenant", tn.Slug)
	require.Equal(t, http.StatusUnauthorized, byCookie.Status, "%s", byCookie.Raw)
}

func TestNobodyGrantsWhatTheyDoNotHoldAndRefusalsAreAudited(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn := pgtest.NewTenant(t, b.Dir)
	owner := b.Admin(t, tn, "owner@brand.example", access.RoleOwner)
	admin := b.Admin(t, tn, "admin@brand.example", access.RoleAdmin)
	marketer := b.Admin(t, tn, "marketer@brand.example", access.RoleMarketer)

	members := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/team/members", nil)
	require.Equal(t, http.StatusOK, members.Status)
	ids := map[string]string{}
	for _, it := range members.Body["items"].([]any) {
		m := it.(map[string]any)
		ids[m["email"].(string)] = m["user_id"].(string)
	}

	// An admin may not make themselves, or anyone, an owner; nor invite one; nor mint an owner key.
	for _, r := range []apitest.Response{
		b.As(t, admin, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["admin@brand.example"]+"/roles", map[string]any{"roles": []string{"owner"}}),
		b.As(t, admin, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["marketer@brand.example"]+"/roles", map[string]any{"roles": []string{"owner"}}),
		b.As(t, admin, tn.Slug, http.MethodPost, "/v1/team/invitations", map[string]any{"email": "new@brand.example", "roles": []string{"owner"}}),
		b.As(t, admin, tn.Slug, http.MethodPost, "/v1/api-keys", map[string]any{"name": "sneaky", "role": "owner"}),
		b.As(t, admin, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["owner@brand.example"]+"/roles", map[string]any{"roles": []string{"marketer"}}),
	} {
		require.Equal(t, http.StatusForbidden, r.Status, "%s", r.Raw)
		require.Equal(t, "role_escalation", r.ProblemCode())
	}
	// A marketer cannot touch the team at all.
	denied := b.As(t, marketer, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["marketer@brand.example"]+"/roles", map[string]any{"roles": []string{"admin"}})
	require.Equal(t, http.StatusForbidden, denied.Status)
	require.Equal(t, "forbidden", denied.ProblemCode())

	// Nothing changed.
	after := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/team/members", nil)
	require.JSONEq(t, string(members.Raw), string(after.Raw))
	keys := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/api-keys", nil)
	require.Empty(t, keys.Body["items"])

	// Every refusal is in the audit trail.
	trail := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?action=access.denied&limit=50", nil)
	require.Equal(t, http.StatusOK, trail.Status, "%s", trail.Raw)
	require.Len(t, trail.Body["items"], 6)

	// The owner can promote; the last owner cannot be demoted.
	promoted := b.As(t, owner, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["admin@brand.example"]+"/roles", map[string]any{"roles": []string{"analyst"}})
	require.Equal(t, http.StatusOK, promoted.Status, "%s", promoted.Raw)
	last := b.As(t, owner, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["owner@brand.example"]+"/roles", map[string]any{"roles": []string{"admin"}})
	require.Equal(t, http.StatusConflict, last.Status)
	require.Equal(t, "last_owner", last.ProblemCode())
	require.True(t, strings.Contains(string(b.As(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?action=membership.update", nil).Raw), "analyst"))
}

// An invitation made through the API answers its link and whether it was emailed (not: the
// brand has no mail server); a second invitation to the same email replaces the first, whose
// status says so and whose link stops working.
func TestReinvitingThroughTheAPIReplacesTheEarlierInvitation(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn := pgtest.NewTenant(t, b.Dir)
	owner := b.Admin(t, tn, "owner@brand.example", access.RoleOwner)
	first := b.As(t, owner, tn.Slug, http.MethodPost, "/v1/team/invitations", map[string]any{"email": "Twice@Brand.example", "roles": []string{"marketer"}})
	require.Equal(t, http.StatusCreated, first.Status, "%s", first.Raw)
	require.Equal(t, false, first.Body["email_sent"])
	require.Empty(t, first.Body["replaced"])
	require.Contains(t, first.Body["accept_url"], "/console/invitations/")
	second := b.As(t, owner, tn.Slug, http.MethodPost, "/v1/team/invitations", map[string]any{"email": "twice@brand.example", "roles": []string{"analyst"}})
	require.Equal(t, http.StatusCreated, second.Status, "%s", second.Raw)
	require.Equal(t, []any{first.Body["id"]}, second.Body["replaced"])
	require.NotEqual(t, first.Body["accept_url"], second.Body["accept_url"])

	invs := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/team/invitations", nil)
	require.Equal(t, http.StatusOK, invs.Status, "%s", invs.Raw)
	statuses := map[string]string{}
	for _, it := range invs.Body["items"].([]any) {
		m := it.(map[string]any)
		statuses[m["id"].(string)] = m["status"].(string)
	}
	require.Equal(t, map[string]string{first.Body["id"].(string): "replaced", second.Body["id"].(string): "open"}, statuses)

	token := func(r apitest.Response) string {
		u := r.Body["accept_url"].(string)
		return u[strings.Index(u, "/console/invitations/")+len("/console/invitations/"):]
	}
	_, _, err := b.App.Access.InvitationByLink(context.Background(), token(first))
	require.NoError(t, err, "the old link still names its invitation, to say it was replaced")
	u, err := b.App.Access.AdminByEmail(context.Background(), "twice@brand.example")
	require.NoError(t, err)
	_, err = b.App.Access.AcceptLink(context.Background(), token(first), u)
	require.ErrorIs(t, err, accessapp.ErrInvitationState, "the replaced link is refused")
	_, err = b.App.Access.AcceptLink(context.Background(), token(second), u)
	require.NoError(t, err)
}
