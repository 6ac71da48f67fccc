package platformapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
)

func TestPlatformOperatorOnboardsListsUpdatesAndSuspendsTenants(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)

	created := b.Do(t, http.MethodPost, "/v1/platform/tenants", apitest.PlatformKey, map[string]any{"slug": "lotus-tea", "name": "莲花茶饮"})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	require.Equal(t, "Asia/Shanghai", created.Body["timezone"])
	require.Equal(t, "zh-CN", created.Body["locale"])
	require.Equal(t, "active", created.Body["status"])
	id := created.Body["id"].(string)

	for _, slug := range []string{"a-brand", "b-brand"} {
		r := b.Do(t, http.MethodPost, "/v1/platform/tenants", apitest.PlatformKey, map[string]any{"slug": slug, "name": slug, "locale": "en", "timezone": "Asia/Hong_Kong"})
		require.Equal(t, http.StatusCreated, r.Status, "%s", r.Raw)
	}

	byID := b.Do(t, http.MethodGet, "/v1/platform/tenants/"+id, apitest.PlatformKey, nil)
	require.Equal(t, http.StatusOK, byID.Status)
	require.Equal(t, "lotus-tea", byID.Body["slug"])

	// Pagination walks every tenant exactly once.
	var slugs []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 5)
		page := b.Do(t, http.MethodGet, "/v1/platform/tenants?limit=2&cursor="+cursor, apitest.PlatformKey, nil)
		require.Equal(t, http.StatusOK, page.Status, "%s", page.Raw)
		for _, it := range page.Body["items"].([]any) {
			slugs = append(slugs, it.(map[string]any)["slug"].(string))
		}
		next, _ := page.Body["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, []string{"a-brand", "b-brand", "lotus-tea"}, slugs)

	updated := b.Do(t, http.MethodPatch, "/v1/platform/tenants/lotus-tea", apitest.PlatformKey, map[string]any{"name": "Lotus Tea", "locale": "en"})
	require.Equal(t, http.StatusOK, updated.Status, "%s", updated.Raw)
	require.Equal(t, "Lotus Tea", updated.Body["name"])
	require.Equal(t, "Asia/Shanghai", updated.Body["timezone"], "fields not sent stay as they were")

	suspended := b.Do(t, http.MethodPost, "/v1/platform/tenants/lotus-tea/suspend", apitest.PlatformKey, nil)
	require.Equal(t, http.StatusOK, suspended.Status)
	require.Equal(t, "suspended", suspended.Body["status"])
}

func TestSuspendedTenantIsRefusedAndKeepsItsData(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn, token := b.TenantWithKey(t, access.RoleOwner)
	created := b.Do(t, http.MethodPost, "/v1/api-keys", token, map[string]any{"name": "pos", "role": "store_staff"})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)

	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPost, "/v1/platform/tenants/"+tn.Slug+"/suspend", apitest.PlatformKey, nil).Status)
	for _, r := range []apitest.Response{
		b.Do(t, http.MethodGet, "/v1/tenant", token, nil),
		b.Do(t, http.MethodGet, "/v1/api-keys", token, nil),
		b.Do(t, http.MethodPost, "/v1/api-keys", token, map[string]any{"name": "more", "role": "admin"}),
	} {
		require.Equal(t, http.StatusForbidden, r.Status)
		require.Equal(t, "tenant_suspended", r.ProblemCode())
		require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	}

	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPost, "/v1/platform/tenants/"+tn.Slug+"/reinstate", apitest.PlatformKey, nil).Status)
	list := b.Do(t, http.MethodGet, "/v1/api-keys", token, nil)
	require.Equal(t, http.StatusOK, list.Status)
	require.Len(t, list.Body["items"], 2, "the keys made before suspension are intact and nothing was added while suspended")
}

func TestPlatformOperationsRefuseBadInputAndCredentials(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, tenantKey := b.TenantWithKey(t, access.RoleOwner)
	valid := map[string]any{"slug": "good-slug", "name": "Good"}

	cases := []struct {
		name   string
		token  string
		body   any
		status int
		code   string
		fields []string
	}{
		{"no credential", "", valid, http.StatusUnauthorized, "unauthenticated", []string{"header.Authorization"}},
		{"wrong platform key", "egp_wrong", valid, http.StatusUnauthorized, "unauthenticated", []string{"header.Authorization"}},
		{"a tenant key is not a platform key", tenantKey, valid, http.StatusUnauthorized, "unauthenticated", []string{"header.Authorization"}},
		{"unknown field", apitest.PlatformKey, map[string]any{"slug": "good-slug", "name": "Good", "plan": "gold"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.plan"}},
		{"wrong type", apitest.PlatformKey, map[string]any{"slug": "good-slug", "name": 42}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.name"}},
		{"bad slug", apitest.PlatformKey, map[string]any{"slug": "Bad Slug!", "name": "x"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.slug"}},
		{"missing name", apitest.PlatformKey, map[string]any{"slug": "good-slug"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.name"}},
		{"unknown time zone", apitest.PlatformKey, map[string]any{"slug": "good-slug", "name": "x", "timezone": "Mars/Olympus"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.timezone"}},
		{"unknown locale", apitest.PlatformKey, map[string]any{"slug": "good-slug", "name": "x", "locale": "fr"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.locale"}},
		{"malformed JSON", apitest.PlatformKey, `{"slug": `, http.StatusBadRequest, "malformed_request", nil},
	}
	for _, tc := range cases {
		r := b.Do(t, http.MethodPost, "/v1/platform/tenants", tc.token, tc.body)
		require.Equalf(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.code, r.ProblemCode(), "%s: %s", tc.name, r.Raw)
		for _, f := range tc.fields {
			require.Containsf(t, r.Fields(), f, "%s: %s", tc.name, r.Raw)
		}
		require.NotEmptyf(t, r.Body["request_id"], "%s", tc.name)
	}

	list := b.Do(t, http.MethodGet, "/v1/platform/tenants", apitest.PlatformKey, nil)
	require.Len(t, list.Body["items"], 1, "no bad request created a tenant: %s", list.Raw)

	require.Equal(t, http.StatusCreated, b.Do(t, http.MethodPost, "/v1/platform/tenants", apitest.PlatformKey, valid).Status)
	dup := b.Do(t, http.MethodPost, "/v1/platform/tenants", apitest.PlatformKey, valid)
	require.Equal(t, http.StatusConflict, dup.Status)
	require.Equal(t, "slug_taken", dup.ProblemCode())
	require.Equal(t, []string{"body.slug"}, dup.Fields())

	missing := b.Do(t, http.MethodGet, "/v1/platform/tenants/no-such-brand", apitest.PlatformKey, nil)
	require.Equal(t, http.StatusNotFound, missing.Status)
	require.Equal(t, "tenant_not_found", missing.ProblemCode())
}
