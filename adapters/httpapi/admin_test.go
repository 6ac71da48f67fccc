package httpapi

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/kratos/kratostest"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// admin signs email in through a one-time link, as a member of tn with roles, and returns the
// session token.
func (b *testBundle) admin(t *testing.T, tn tenants.Tenant, email string, roles ...access.Role) string {
	t.Helper()
	_, err := b.app.Access.AddAdmin(context.Background(), tn.ID, email, "", roles)
	require.NoError(t, err)
	link, err := b.app.SignIn.IssueLink(context.Background(), email)
	require.NoError(t, err)
	r := b.do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": link})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	return r.body["session_token"].(string)
}

// as sends a request as a signed-in admin acting in the brand slug.
func (b *testBundle) as(t *testing.T, session, slug, method, path string, body any) response {
	t.Helper()
	return b.do(t, method, path, "", body, "X-Session-Token", session, "X-Engage-Tenant", slug)
}

func TestOneTimeLinkSignsInOnceAndOpensASession(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	_, err := b.app.Access.AddAdmin(context.Background(), tn.ID, "Owner@Brand.example", "Owner", []access.Role{access.RoleOwner})
	require.NoError(t, err)
	link, err := b.app.SignIn.IssueLink(context.Background(), "owner@brand.example")
	require.NoError(t, err)

	redeemed := b.do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": link})
	require.Equal(t, http.StatusOK, redeemed.status, "%s", redeemed.raw)
	token := redeemed.body["session_token"].(string)
	require.Contains(t, redeemed.header.Get("Set-Cookie"), "engage_session="+token)
	require.Contains(t, redeemed.header.Get("Set-Cookie"), "HttpOnly")

	session := b.do(t, http.MethodGet, "/v1/admin/session", "", nil, "Cookie", "engage_session="+token)
	require.Equal(t, http.StatusOK, session.status, "%s", session.raw)
	require.Equal(t, "owner@brand.example", session.body["email"])
	brands := session.body["brands"].([]any)
	require.Len(t, brands, 1)
	require.Equal(t, tn.Slug, brands[0].(map[string]any)["slug"])

	// The admin belongs to one brand: it is chosen without the header.
	own := b.do(t, http.MethodGet, "/v1/tenant", "", nil, "X-Session-Token", token)
	require.Equal(t, http.StatusOK, own.status, "%s", own.raw)

	replay := b.do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": link})
	require.Equal(t, http.StatusUnauthorized, replay.status)
	require.Equal(t, "invalid_link", replay.problemCode())
	forged := b.do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": link[:len(link)-4] + "AAAA"})
	require.Equal(t, http.StatusUnauthorized, forged.status)

	none := b.do(t, http.MethodGet, "/v1/admin/session", "", nil, "X-Session-Token", "not-a-session")
	require.Equal(t, http.StatusUnauthorized, none.status)
	require.Equal(t, "unauthenticated", none.problemCode())
}

func TestAdminOfOneBrandCannotReachAnother(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mine, theirs := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	session := b.admin(t, mine, "a@brand.example", access.RoleOwner)

	for _, ref := range []string{theirs.Slug, theirs.ID.String(), "no-such-brand"} {
		r := b.as(t, session, ref, http.MethodGet, "/v1/api-keys", nil)
		require.Equal(t, http.StatusForbidden, r.status, "%s", r.raw)
		require.Equal(t, "not_a_member", r.problemCode())
		require.Equal(t, []string{"header.X-Engage-Tenant"}, r.fields())
	}
	require.Equal(t, http.StatusOK, b.as(t, session, mine.Slug, http.MethodGet, "/v1/api-keys", nil).status)
}

func TestInvitationBecomesAMembershipAtFirstVerifiedSignIn(t *testing.T) {
	t.Parallel()
	kratos := kratostest.New(t)
	b := setupWith(t, testOptions{kratosURL: kratos.URL()})
	tn := pgtest.NewTenant(t, b.dir)
	// The platform operator invites the brand's first owner.
	ownerSession := kratos.AddSession(kratostest.Valid("boss@brand.example"))
	inv := b.do(t, http.MethodPost, "/v1/platform/tenants/"+tn.Slug+"/invitations", testPlatformKey,
		map[string]any{"email": "Boss@Brand.example", "roles": []string{"owner"}})
	require.Equal(t, http.StatusCreated, inv.status, "%s", inv.raw)

	// Unverified email: no membership, the invitation stays open.
	unverified := kratos.AddSession(kratostest.Unverified("marketer@brand.example"))
	invM := b.as(t, ownerSession, tn.Slug, http.MethodPost, "/v1/team/invitations", map[string]any{"email": "marketer@brand.example", "roles": []string{"marketer"}})
	require.Equal(t, http.StatusCreated, invM.status, "%s", invM.raw)
	refused := b.as(t, unverified, tn.Slug, http.MethodGet, "/v1/tenant", nil)
	require.Equal(t, http.StatusForbidden, refused.status)
	require.Equal(t, "email_unverified", refused.problemCode())

	// Verified: the invitation is accepted and the roles apply.
	verified := kratos.AddSession(kratostest.Valid("marketer@brand.example"))
	ok := b.as(t, verified, tn.Slug, http.MethodGet, "/v1/tenant", nil)
	require.Equal(t, http.StatusOK, ok.status, "%s", ok.raw)
	team := b.as(t, verified, tn.Slug, http.MethodGet, "/v1/team/members", nil)
	require.Equal(t, http.StatusForbidden, team.status, "a marketer cannot see team settings")

	invs := b.as(t, ownerSession, tn.Slug, http.MethodGet, "/v1/team/invitations", nil)
	require.Equal(t, http.StatusOK, invs.status, "%s", invs.raw)
	statuses := map[string]string{}
	for _, it := range invs.body["items"].([]any) {
		m := it.(map[string]any)
		statuses[m["email"].(string)] = m["status"].(string)
	}
	require.Equal(t, "accepted", statuses["marketer@brand.example"])

	for _, s := range []kratostest.Session{kratostest.Expired("x@brand.example"), kratostest.Inactive("y@brand.example")} {
		r := b.as(t, kratos.AddSession(s), tn.Slug, http.MethodGet, "/v1/tenant", nil)
		require.Equal(t, http.StatusUnauthorized, r.status)
	}
	unknown := b.as(t, kratos.UnknownToken(), tn.Slug, http.MethodGet, "/v1/tenant", nil)
	require.Equal(t, http.StatusUnauthorized, unknown.status)
	byCookie := b.do(t, http.MethodGet, "/v1/tenant", "", nil, "Cookie", kratostest.Cookie(verified), "X-Engage-Tenant", tn.Slug)
	require.Equal(t, http.StatusOK, byCookie.status, "%s", byCookie.raw)
}

func TestNobodyGrantsWhatTheyDoNotHoldAndRefusalsAreAudited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	owner := b.admin(t, tn, "owner@brand.example", access.RoleOwner)
	admin := b.admin(t, tn, "admin@brand.example", access.RoleAdmin)
	marketer := b.admin(t, tn, "marketer@brand.example", access.RoleMarketer)

	members := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/team/members", nil)
	require.Equal(t, http.StatusOK, members.status)
	ids := map[string]string{}
	for _, it := range members.body["items"].([]any) {
		m := it.(map[string]any)
		ids[m["email"].(string)] = m["user_id"].(string)
	}

	// An admin may not make themselves, or anyone, an owner; nor invite one; nor mint an owner key.
	for _, r := range []response{
		b.as(t, admin, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["admin@brand.example"]+"/roles", map[string]any{"roles": []string{"owner"}}),
		b.as(t, admin, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["marketer@brand.example"]+"/roles", map[string]any{"roles": []string{"owner"}}),
		b.as(t, admin, tn.Slug, http.MethodPost, "/v1/team/invitations", map[string]any{"email": "new@brand.example", "roles": []string{"owner"}}),
		b.as(t, admin, tn.Slug, http.MethodPost, "/v1/api-keys", map[string]any{"name": "sneaky", "role": "owner"}),
		b.as(t, admin, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["owner@brand.example"]+"/roles", map[string]any{"roles": []string{"marketer"}}),
	} {
		require.Equal(t, http.StatusForbidden, r.status, "%s", r.raw)
		require.Equal(t, "role_escalation", r.problemCode())
	}
	// A marketer cannot touch the team at all.
	denied := b.as(t, marketer, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["marketer@brand.example"]+"/roles", map[string]any{"roles": []string{"admin"}})
	require.Equal(t, http.StatusForbidden, denied.status)
	require.Equal(t, "forbidden", denied.problemCode())

	// Nothing changed.
	after := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/team/members", nil)
	require.JSONEq(t, string(members.raw), string(after.raw))
	keys := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/api-keys", nil)
	require.Empty(t, keys.body["items"])

	// Every refusal is in the audit trail.
	trail := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?action=access.denied&limit=50", nil)
	require.Equal(t, http.StatusOK, trail.status, "%s", trail.raw)
	require.Len(t, trail.body["items"], 6)

	// The owner can promote; the last owner cannot be demoted.
	promoted := b.as(t, owner, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["admin@brand.example"]+"/roles", map[string]any{"roles": []string{"analyst"}})
	require.Equal(t, http.StatusOK, promoted.status, "%s", promoted.raw)
	last := b.as(t, owner, tn.Slug, http.MethodPut, "/v1/team/members/"+ids["owner@brand.example"]+"/roles", map[string]any{"roles": []string{"admin"}})
	require.Equal(t, http.StatusConflict, last.status)
	require.Equal(t, "last_owner", last.problemCode())
	require.True(t, strings.Contains(string(b.as(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?action=membership.update", nil).raw), "analyst"))
}
