package httpapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

func TestAPIKeySecretIsShownOnceAndWorksUntilRevoked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)

	created := b.do(t, http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "BI export", "role": "analyst"})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)
	secret := created.body["secret"].(string)
	id := created.body["id"].(string)
	require.True(t, strings.HasPrefix(secret, created.body["prefix"].(string)))

	got := b.do(t, http.MethodGet, "/v1/api-keys/"+id, owner, nil)
	require.Equal(t, http.StatusOK, got.status)
	require.NotContains(t, string(got.raw), secret)
	require.NotContains(t, got.body, "secret")
	list := b.do(t, http.MethodGet, "/v1/api-keys", owner, nil)
	require.NotContains(t, string(list.raw), secret)

	require.Equal(t, http.StatusOK, b.do(t, http.MethodGet, "/v1/tenant", secret, nil).status)
	analystWrite := b.do(t, http.MethodPost, "/v1/api-keys", secret, map[string]any{"name": "x", "role": "owner"})
	require.Equal(t, http.StatusForbidden, analystWrite.status, "an analyst cannot mint keys, least of all an owner's")
	require.Equal(t, "forbidden", analystWrite.problemCode())

	revoked := b.do(t, http.MethodDelete, "/v1/api-keys/"+id, owner, nil)
	require.Equal(t, http.StatusOK, revoked.status)
	require.NotEmpty(t, revoked.body["revoked_at"])
	refused := b.do(t, http.MethodGet, "/v1/tenant", secret, nil)
	require.Equal(t, http.StatusUnauthorized, refused.status)
	require.Equal(t, "unauthenticated", refused.problemCode())
}

func TestTenantOperationsRefuseBadCredentialsAndInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	_, staff := b.tenantWithKey(t, access.RoleStoreStaff)
	other, otherOwner := b.tenantWithKey(t, access.RoleOwner)
	otherKeys := b.do(t, http.MethodGet, "/v1/api-keys", otherOwner, nil)
	otherKeyID := otherKeys.body["items"].([]any)[0].(map[string]any)["id"].(string)
	_ = other

	huge := `{"name": "` + strings.Repeat("x", 1<<20) + `", "role": "admin"}`
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
		field                     string
	}{
		{"no credential", http.MethodGet, "/v1/api-keys", "", nil, http.StatusUnauthorized, "unauthenticated", "header.Authorization"},
		{"malformed key", http.MethodGet, "/v1/api-keys", "egk_garbage", nil, http.StatusUnauthorized, "unauthenticated", "header.Authorization"},
		{"forged key for a real tenant", http.MethodGet, "/v1/api-keys", owner[:len(owner)-4] + "AAAA", nil, http.StatusUnauthorized, "unauthenticated", "header.Authorization"},
		{"platform key is not a tenant key", http.MethodGet, "/v1/api-keys", testPlatformKey, nil, http.StatusUnauthorized, "unauthenticated", "header.Authorization"},
		{"another tenant's key by ID", http.MethodGet, "/v1/api-keys/" + otherKeyID, owner, nil, http.StatusNotFound, "api_key_not_found", ""},
		{"revoking another tenant's key", http.MethodDelete, "/v1/api-keys/" + otherKeyID, owner, nil, http.StatusNotFound, "api_key_not_found", ""},
		{"malformed ID", http.MethodGet, "/v1/api-keys/not-a-uuid", owner, nil, http.StatusUnprocessableEntity, "validation_failed", "path.id"},
		{"role without permission", http.MethodPost, "/v1/api-keys", staff, map[string]any{"name": "x", "role": "admin"}, http.StatusForbidden, "forbidden", ""},
		{"unknown role", http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "x", "role": "superuser"}, http.StatusUnprocessableEntity, "unknown_role", "body.role"},
		{"malformed role", http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "x", "role": "Super User"}, http.StatusUnprocessableEntity, "validation_failed", "body.role"},
		{"name out of range", http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "", "role": "admin"}, http.StatusUnprocessableEntity, "validation_failed", "body.name"},
		{"blank name", http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "   ", "role": "admin"}, http.StatusUnprocessableEntity, "validation_failed", "body.name"},
		{"unknown field", http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "x", "role": "admin", "scopes": []string{"all"}}, http.StatusUnprocessableEntity, "validation_failed", "body.scopes"},
		{"wrong type", http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": []int{1}, "role": "admin"}, http.StatusUnprocessableEntity, "validation_failed", "body.name"},
		{"body over 1 MiB", http.MethodPost, "/v1/api-keys", owner, huge, http.StatusRequestEntityTooLarge, "body_too_large", ""},
		{"limit out of range", http.MethodGet, "/v1/api-keys?limit=1000", owner, nil, http.StatusUnprocessableEntity, "validation_failed", "query.limit"},
		{"forged cursor", http.MethodGet, "/v1/api-keys?cursor=!!!", owner, nil, http.StatusBadRequest, "invalid_cursor", "query.cursor"},
		{"cursor that is no key", http.MethodGet, "/v1/api-keys?cursor=bm90LWEta2V5", owner, nil, http.StatusBadRequest, "invalid_cursor", "query.cursor"},
	}
	for _, tc := range cases {
		r := b.do(t, tc.method, tc.path, tc.token, tc.body)
		require.Equalf(t, tc.status, r.status, "%s: %s", tc.name, r.raw)
		require.Equalf(t, tc.code, r.problemCode(), "%s: %s", tc.name, r.raw)
		require.Equalf(t, "application/problem+json", r.header.Get("Content-Type"), "%s", tc.name)
		if tc.field != "" {
			require.Containsf(t, r.fields(), tc.field, "%s: %s", tc.name, r.raw)
		}
	}

	mine := b.do(t, http.MethodGet, "/v1/api-keys", owner, nil)
	require.Len(t, mine.body["items"], 1, "no refused request created a key: %s", mine.raw)
	theirs := b.do(t, http.MethodGet, "/v1/api-keys/"+otherKeyID, otherOwner, nil)
	require.Equal(t, http.StatusOK, theirs.status)
	require.Nil(t, theirs.body["revoked_at"], "the other tenant's key was not revoked")
}

func TestAPIKeyListPagesNewestFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	for _, n := range []string{"k1", "k2", "k3", "k4"} {
		require.Equal(t, http.StatusCreated, b.do(t, http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": n, "role": "analyst"}).status)
	}
	var names []string
	cursor := ""
	for {
		page := b.do(t, http.MethodGet, "/v1/api-keys?limit=2&cursor="+cursor, owner, nil)
		require.Equal(t, http.StatusOK, page.status, "%s", page.raw)
		for _, it := range page.body["items"].([]any) {
			names = append(names, it.(map[string]any)["name"].(string))
		}
		next, _ := page.body["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, []string{"k4", "k3", "k2", "k1", "test owner"}, names)
}
