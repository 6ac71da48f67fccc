package platformapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
)

func TestAPIKeySecretIsShownOnceAndWorksUntilRevoked(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)

	created := b.Do(t, http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "BI export", "role": "analyst"})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	secret := created.Body["secret"].(string)
	id := created.Body["id"].(string)
	require.True(t, strings.HasPrefix(secret, created.Body["prefix"].(string)))

	got := b.Do(t, http.MethodGet, "/v1/api-keys/"+id, owner, nil)
	require.Equal(t, http.StatusOK, got.Status)
	require.NotContains(t, string(got.Raw), secret)
	require.NotContains(t, got.Body, "secret")
	list := b.Do(t, http.MethodGet, "/v1/api-keys", owner, nil)
	require.NotContains(t, string(list.Raw), secret)

	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/tenant", secret, nil).Status)
	analystWrite := b.Do(t, http.MethodPost, "/v1/api-keys", secret, map[string]any{"name": "x", "role": "owner"})
	require.Equal(t, http.StatusForbidden, analystWrite.Status, "an analyst cannot mint keys, least of all an owner's")
	require.Equal(t, "forbidden", analystWrite.ProblemCode())

	revoked := b.Do(t, http.MethodDelete, "/v1/api-keys/"+id, owner, nil)
	require.Equal(t, http.StatusOK, revoked.Status)
	require.NotEmpty(t, revoked.Body["revoked_at"])
	refused := b.Do(t, http.MethodGet, "/v1/tenant", secret, nil)
	require.Equal(t, http.StatusUnauthorized, refused.Status)
	require.Equal(t, "unauthenticated", refused.ProblemCode())
}

func TestTenantOperationsRefuseBadCredentialsAndInput(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	_, staff := b.TenantWithKey(t, access.RoleStoreStaff)
	other, otherOwner := b.TenantWithKey(t, access.RoleOwner)
	otherKeys := b.Do(t, http.MethodGet, "/v1/api-keys", otherOwner, nil)
	otherKeyID := otherKeys.Body["items"].([]any)[0].(map[string]any)["id"].(string)
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
		{"platform key is not a tenant key", http.MethodGet, "/v1/api-keys", apitest.PlatformKey, nil, http.StatusUnauthorized, "unauthenticated", "header.Authorization"},
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
		r := b.Do(t, tc.method, tc.path, tc.token, tc.body)
		require.Equalf(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.code, r.ProblemCode(), "%s: %s", tc.name, r.Raw)
		require.Equalf(t, "application/problem+json", r.Header.Get("Content-Type"), "%s", tc.name)
		if tc.field != "" {
			require.Containsf(t, r.Fields(), tc.field, "%s: %s", tc.name, r.Raw)
		}
	}

	mine := b.Do(t, http.MethodGet, "/v1/api-keys", owner, nil)
	require.Len(t, mine.Body["items"], 1, "no refused request created a key: %s", mine.Raw)
	theirs := b.Do(t, http.MethodGet, "/v1/api-keys/"+otherKeyID, otherOwner, nil)
	require.Equal(t, http.StatusOK, theirs.Status)
	require.Nil(t, theirs.Body["revoked_at"], "the other tenant's key was not revoked")
}

func TestAPIKeyListPagesNewestFirst(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	for _, n := range []string{"k1", "k2", "k3", "k4"} {
		require.Equal(t, http.StatusCreated, b.Do(t, http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": n, "role": "analyst"}).Status)
	}
	var names []string
	cursor := ""
	for {
		page := b.Do(t, http.MethodGet, "/v1/api-keys?limit=2&cursor="+cursor, owner, nil)
		require.Equal(t, http.StatusOK, page.Status, "%s", page.Raw)
		for _, it := range page.Body["items"].([]any) {
			names = append(names, it.(map[string]any)["name"].(string))
		}
		next, _ := page.Body["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, []string{"k4", "k3", "k2", "k1", "test owner"}, names)
}
