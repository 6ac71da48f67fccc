package httpapi

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/domain/access"
)

func TestCustomRolesApplyOnEveryInstanceAtOnce(t *testing.T) {
	t.Parallel()
	one := setup(t)
	two := setupWith(t, testOptions{database: one.pg})
	tn := pgtest.NewTenant(t, one.dir)
	owner := one.admin(t, tn, "owner@brand.example", access.RoleOwner)

	saved := one.as(t, owner, tn.Slug, http.MethodPut, "/v1/roles/store_manager",
		map[string]any{"description": "Runs a store", "permissions": []string{"tenant:read", "team:read"}})
	require.Equal(t, http.StatusOK, saved.status, "%s", saved.raw)
	key := one.as(t, owner, tn.Slug, http.MethodPost, "/v1/api-keys", map[string]any{"name": "store", "role": "store_manager"})
	require.Equal(t, http.StatusCreated, key.status, "%s", key.raw)
	secret := key.body["secret"].(string)

	// The second instance loads the role on first use.
	require.Equal(t, http.StatusOK, two.do(t, http.MethodGet, "/v1/team/members", secret, nil).status)
	require.Equal(t, http.StatusForbidden, two.do(t, http.MethodGet, "/v1/audit-log", secret, nil).status)

	// Widening the role on the first instance reaches the second through the change notice.
	widened := one.as(t, owner, tn.Slug, http.MethodPut, "/v1/roles/store_manager",
		map[string]any{"permissions": []string{"tenant:read", "team:read", "audit:read"}})
	require.Equal(t, http.StatusOK, widened.status, "%s", widened.raw)
	require.Eventually(t, func() bool {
		return two.do(t, http.MethodGet, "/v1/audit-log", secret, nil).status == http.StatusOK
	}, 5*time.Second, 20*time.Millisecond)

	// Revoking the key on the first instance stops it on the second at once.
	require.Equal(t, http.StatusOK, one.as(t, owner, tn.Slug, http.MethodDelete, "/v1/api-keys/"+key.body["id"].(string), nil).status)
	require.Eventually(t, func() bool {
		return two.do(t, http.MethodGet, "/v1/tenant", secret, nil).status == http.StatusUnauthorized
	}, 5*time.Second, 20*time.Millisecond)

	// A role cannot hold more than its author does, nor replace a built-in one.
	admin := one.admin(t, tn, "admin@brand.example", access.RoleAdmin)
	escalate := one.as(t, admin, tn.Slug, http.MethodPut, "/v1/roles/superpowers", map[string]any{"permissions": []string{"roles:write"}})
	require.Equal(t, http.StatusForbidden, escalate.status, "admins lack roles:write: %s", escalate.raw)
	builtin := one.as(t, owner, tn.Slug, http.MethodPut, "/v1/roles/owner", map[string]any{"permissions": []string{"tenant:read"}})
	require.Equal(t, http.StatusUnprocessableEntity, builtin.status)
	require.Equal(t, []string{"body.name"}, builtin.fields())
	unknown := one.as(t, owner, tn.Slug, http.MethodPut, "/v1/roles/odd", map[string]any{"permissions": []string{"points:mint"}})
	require.Equal(t, http.StatusUnprocessableEntity, unknown.status)
	require.Equal(t, []string{"body.permissions"}, unknown.fields())

	roles := one.as(t, owner, tn.Slug, http.MethodGet, "/v1/roles", nil)
	require.Equal(t, http.StatusOK, roles.status)
	require.Len(t, roles.body["items"], len(access.BuiltinRoles)+1)
}

func TestSuspensionReachesEveryInstanceAtOnce(t *testing.T) {
	t.Parallel()
	one := setup(t)
	two := setupWith(t, testOptions{database: one.pg})
	tn, key := one.tenantWithKey(t, access.RoleAnalyst)
	require.Equal(t, http.StatusOK, two.do(t, http.MethodGet, "/v1/tenant", key, nil).status)
	require.Equal(t, http.StatusOK, one.do(t, http.MethodPost, "/v1/platform/tenants/"+tn.Slug+"/suspend", testPlatformKey, nil).status)
	require.Eventually(t, func() bool {
		return two.do(t, http.MethodGet, "/v1/tenant", key, nil).status == http.StatusForbidden
	}, 5*time.Second, 20*time.Millisecond)
}

func TestAPIKeyRotationOverlapsThenRetiresTheOldKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	old := b.do(t, http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "pos", "role": "store_staff"})
	require.Equal(t, http.StatusCreated, old.status)

	rotated := b.do(t, http.MethodPost, "/v1/api-keys/"+old.body["id"].(string)+"/rotate", owner, map[string]any{"overlap_seconds": 0})
	require.Equal(t, http.StatusCreated, rotated.status, "%s", rotated.raw)
	require.Equal(t, "pos", rotated.body["name"])
	require.Equal(t, "store_staff", rotated.body["role"])
	require.Equal(t, http.StatusOK, b.do(t, http.MethodGet, "/v1/tenant", rotated.body["secret"].(string), nil).status)
	require.Equal(t, http.StatusUnauthorized, b.do(t, http.MethodGet, "/v1/tenant", old.body["secret"].(string), nil).status,
		"with no overlap the old key stops at once")
	again := b.do(t, http.MethodPost, "/v1/api-keys/"+old.body["id"].(string)+"/rotate", owner, map[string]any{})
	require.Equal(t, http.StatusConflict, again.status)
	require.Equal(t, "api_key_not_live", again.problemCode())

	withOverlap := b.do(t, http.MethodPost, "/v1/api-keys/"+rotated.body["id"].(string)+"/rotate", owner, map[string]any{"overlap_seconds": 3600})
	require.Equal(t, http.StatusCreated, withOverlap.status)
	require.Equal(t, http.StatusOK, b.do(t, http.MethodGet, "/v1/tenant", rotated.body["secret"].(string), nil).status,
		"during the overlap both keys work")
	listed := b.do(t, http.MethodGet, "/v1/api-keys/"+rotated.body["id"].(string), owner, nil)
	require.NotEmpty(t, listed.body["expires_at"])
	require.NotEmpty(t, listed.body["last_used_at"], "use is recorded")
}

func TestRateLimitsAnswer429WithRetryAfter(t *testing.T) {
	t.Parallel()
	tight := ratelimit.Limits{Default: ratelimit.Rate{PerSecond: 0.01, Burst: 3}}
	b := setupWith(t, testOptions{apiLimits: &tight})
	_, key := b.tenantWithKey(t, access.RoleAnalyst)
	_, other := b.tenantWithKey(t, access.RoleAnalyst)
	for range 3 {
		require.Equal(t, http.StatusOK, b.do(t, http.MethodGet, "/v1/tenant", key, nil).status)
	}
	limited := b.do(t, http.MethodGet, "/v1/tenant", key, nil)
	require.Equal(t, http.StatusTooManyRequests, limited.status)
	require.Equal(t, "rate_limited", limited.problemCode())
	require.NotEmpty(t, limited.header.Get("Retry-After"))
	require.Equal(t, http.StatusOK, b.do(t, http.MethodGet, "/v1/tenant", other, nil).status, "each key has its own bucket")

	// Sign-in attempts are limited per client IP (10 at once, then 5 a minute).
	for range 10 {
		require.Equal(t, http.StatusUnauthorized, b.do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": "guessing-0123456789"}).status)
	}
	blocked := b.do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": "guessing-0123456789"})
	require.Equal(t, http.StatusTooManyRequests, blocked.status)
	require.NotEmpty(t, blocked.header.Get("Retry-After"))
}

func TestAuditTrailListsFiltersShowsDiffsAndExports(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	owner := b.admin(t, tn, "owner@brand.example", access.RoleOwner)
	created := b.as(t, owner, tn.Slug, http.MethodPost, "/v1/api-keys", map[string]any{"name": "crm", "role": "analyst"})
	require.Equal(t, http.StatusCreated, created.status)
	id := created.body["id"].(string)
	require.Equal(t, http.StatusOK, b.as(t, owner, tn.Slug, http.MethodDelete, "/v1/api-keys/"+id, nil).status)
	renamed := b.as(t, owner, tn.Slug, http.MethodPatch, "/v1/tenant", map[string]any{"name": "Renamed brand"})
	require.Equal(t, http.StatusOK, renamed.status, "%s", renamed.raw)

	list := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?target_type=api_key&target_id="+id, nil)
	require.Equal(t, http.StatusOK, list.status, "%s", list.raw)
	items := list.body["items"].([]any)
	require.Len(t, items, 2)
	revoke := items[0].(map[string]any)
	require.Equal(t, "api_key.revoke", revoke["action"])
	require.Equal(t, "user", revoke["actor_kind"])
	require.Equal(t, "owner@brand.example", revoke["actor_label"])
	require.NotEmpty(t, revoke["request_id"])
	require.Contains(t, revoke["diff"], "revoked_at")

	detail := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?action=tenant.update", nil)
	update := detail.body["items"].([]any)[0].(map[string]any)
	require.Equal(t, map[string]any{"before": tn.Name, "after": "Renamed brand"}, update["diff"].(map[string]any)["name"])
	one := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log/1", nil)
	require.Equal(t, http.StatusOK, one.status)
	require.Equal(t, http.StatusNotFound, b.as(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log/9999", nil).status)

	export := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log/export.csv?action=api_key.create", nil)
	require.Equal(t, http.StatusOK, export.status, "%s", export.raw)
	require.Contains(t, export.header.Get("Content-Type"), "text/csv")
	rows, err := csv.NewReader(strings.NewReader(string(export.raw))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, "seq", rows[0][0])
	require.Equal(t, "api_key.create", rows[1][5])

	// Auditors read the trail; a marketer cannot.
	auditor := b.admin(t, tn, "auditor@brand.example", access.RoleAuditor)
	require.Equal(t, http.StatusOK, b.as(t, auditor, tn.Slug, http.MethodGet, "/v1/audit-log", nil).status)
	marketer := b.admin(t, tn, "marketer@brand.example", access.RoleMarketer)
	require.Equal(t, http.StatusForbidden, b.as(t, marketer, tn.Slug, http.MethodGet, "/v1/audit-log", nil).status)
}

func TestSecretsAreWriteOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	owner := b.admin(t, tn, "owner@brand.example", access.RoleOwner)
	const secret = "wx-app-secret-0123456789abcdef"
	put := b.as(t, owner, tn.Slug, http.MethodPut, "/v1/secrets/wechat.mini_program.app_secret", map[string]any{"value": secret})
	require.Equal(t, http.StatusOK, put.status, "%s", put.raw)
	require.NotContains(t, string(put.raw), secret)
	require.Equal(t, "••••cdef", put.body["hint"])

	list := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/secrets", nil)
	require.Equal(t, http.StatusOK, list.status)
	require.NotContains(t, string(list.raw), secret)
	trail := b.as(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?action=secret.set", nil)
	require.Len(t, trail.body["items"], 1)
	require.NotContains(t, string(trail.raw), secret)

	tooLong := b.as(t, owner, tn.Slug, http.MethodPut, "/v1/secrets/smtp.password", map[string]any{"value": strings.Repeat("s", 5000)})
	require.Equal(t, http.StatusUnprocessableEntity, tooLong.status)
	require.NotContains(t, string(tooLong.raw), "sssss", "a rejected value is not echoed")

	analyst := b.admin(t, tn, "analyst@brand.example", access.RoleAnalyst)
	require.Equal(t, http.StatusForbidden, b.as(t, analyst, tn.Slug, http.MethodPut, "/v1/secrets/smtp.password", map[string]any{"value": "x"}).status)
	require.Equal(t, http.StatusNoContent, b.as(t, owner, tn.Slug, http.MethodDelete, "/v1/secrets/wechat.mini_program.app_secret", nil).status)
	missing := b.as(t, owner, tn.Slug, http.MethodDelete, "/v1/secrets/wechat.mini_program.app_secret", nil)
	require.Equal(t, http.StatusNotFound, missing.status)
	require.Equal(t, "secret_not_found", missing.problemCode())
}
