package httpapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

func TestPlatformOperatorOnboardsListsUpdatesAndSuspendsTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)

	created := b.do(t, http.MethodPost, "/v1/platform/tenants", testPlatformKey, map[string]any{"slug": "lotus-tea", "name": "莲花茶饮"})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)
	require.Equal(t, "Asia/Shanghai", created.body["timezone"])
	require.Equal(t, "zh-CN", created.body["locale"])
	require.Equal(t, "active", created.body["status"])
	id := created.body["id"].(string)

	for _, slug := range []string{"a-brand", "b-brand"} {
		r := b.do(t, http.MethodPost, "/v1/platform/tenants", testPlatformKey, map[string]any{"slug": slug, "name": slug, "locale": "en", "timezone": "Asia/Hong_Kong"})
		require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
	}

	byID := b.do(t, http.MethodGet, "/v1/platform/tenants/"+id, testPlatformKey, nil)
	require.Equal(t, http.StatusOK, byID.status)
	require.Equal(t, "lotus-tea", byID.body["slug"])

	// Pagination walks every tenant exactly once.
	var slugs []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 5)
		page := b.do(t, http.MethodGet, "/v1/platform/tenants?limit=2&cursor="+cursor, testPlatformKey, nil)
		require.Equal(t, http.StatusOK, page.status, "%s", page.raw)
		for _, it := range page.body["items"].([]any) {
			slugs = append(slugs, it.(map[string]any)["slug"].(string))
		}
		next, _ := page.body["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, []string{"a-brand", "b-brand", "lotus-tea"}, slugs)

	updated := b.do(t, http.MethodPatch, "/v1/platform/tenants/lotus-tea", testPlatformKey, map[string]any{"name": "Lotus Tea", "locale": "en"})
	require.Equal(t, http.StatusOK, updated.status, "%s", updated.raw)
	require.Equal(t, "Lotus Tea", updated.body["name"])
	require.Equal(t, "Asia/Shanghai", updated.body["timezone"], "fields not sent stay as they were")

	suspended := b.do(t, http.MethodPost, "/v1/platform/tenants/lotus-tea/suspend", testPlatformKey, nil)
	require.Equal(t, http.StatusOK, suspended.status)
	require.Equal(t, "suspended", suspended.body["status"])
}

func TestSuspendedTenantIsRefusedAndKeepsItsData(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, token := b.tenantWithKey(t, access.RoleOwner)
	created := b.do(t, http.MethodPost, "/v1/api-keys", token, map[string]any{"name": "pos", "role": "store_staff"})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)

	require.Equal(t, http.StatusOK, b.do(t, http.MethodPost, "/v1/platform/tenants/"+tn.Slug+"/suspend", testPlatformKey, nil).status)
	for _, r := range []response{
		b.do(t, http.MethodGet, "/v1/tenant", token, nil),
		b.do(t, http.MethodGet, "/v1/api-keys", token, nil),
		b.do(t, http.MethodPost, "/v1/api-keys", token, map[string]any{"name": "more", "role": "admin"}),
	} {
		require.Equal(t, http.StatusForbidden, r.status)
		require.Equal(t, "tenant_suspended", r.problemCode())
		require.Equal(t, "application/problem+json", r.header.Get("Content-Type"))
	}

	require.Equal(t, http.StatusOK, b.do(t, http.MethodPost, "/v1/platform/tenants/"+tn.Slug+"/reinstate", testPlatformKey, nil).status)
	list := b.do(t, http.MethodGet, "/v1/api-keys", token, nil)
	require.Equal(t, http.StatusOK, list.status)
	require.Len(t, list.body["items"], 2, "the keys made before suspension are intact and nothing was added while suspended")
}

func TestPlatformOperationsRefuseBadInputAndCredentials(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, tenantKey := b.tenantWithKey(t, access.RoleOwner)
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
		{"unknown field", testPlatformKey, map[string]any{"slug": "good-slug", "name": "Good", "plan": "gold"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.plan"}},
		{"wrong type", testPlatformKey, map[string]any{"slug": "good-slug", "name": 42}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.name"}},
		{"bad slug", testPlatformKey, map[string]any{"slug": "Bad Slug!", "name": "x"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.slug"}},
		{"missing name", testPlatformKey, map[string]any{"slug": "good-slug"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.name"}},
		{"unknown time zone", testPlatformKey, map[string]any{"slug": "good-slug", "name": "x", "timezone": "Mars/Olympus"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.timezone"}},
		{"unknown locale", testPlatformKey, map[string]any{"slug": "good-slug", "name": "x", "locale": "fr"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.locale"}},
		{"malformed JSON", testPlatformKey, `{"slug": `, http.StatusBadRequest, "malformed_request", nil},
	}
	for _, tc := range cases {
		r := b.do(t, http.MethodPost, "/v1/platform/tenants", tc.token, tc.body)
		require.Equalf(t, tc.status, r.status, "%s: %s", tc.name, r.raw)
		require.Equalf(t, tc.code, r.problemCode(), "%s: %s", tc.name, r.raw)
		for _, f := range tc.fields {
			require.Containsf(t, r.fields(), f, "%s: %s", tc.name, r.raw)
		}
		require.NotEmptyf(t, r.body["request_id"], "%s", tc.name)
	}

	list := b.do(t, http.MethodGet, "/v1/platform/tenants", testPlatformKey, nil)
	require.Len(t, list.body["items"], 1, "no bad request created a tenant: %s", list.raw)

	require.Equal(t, http.StatusCreated, b.do(t, http.MethodPost, "/v1/platform/tenants", testPlatformKey, valid).status)
	dup := b.do(t, http.MethodPost, "/v1/platform/tenants", testPlatformKey, valid)
	require.Equal(t, http.StatusConflict, dup.status)
	require.Equal(t, "slug_taken", dup.problemCode())
	require.Equal(t, []string{"body.slug"}, dup.fields())

	missing := b.do(t, http.MethodGet, "/v1/platform/tenants/no-such-brand", testPlatformKey, nil)
	require.Equal(t, http.StatusNotFound, missing.status)
	require.Equal(t, "tenant_not_found", missing.problemCode())
}
