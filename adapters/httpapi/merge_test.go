package httpapi

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

func TestAdminsMergeADuplicateAndItsIDLeadsToTheSurvivor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	create := func(body map[string]any) string {
		r := b.do(t, http.MethodPost, "/v1/customers", owner, body)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
		return r.body["id"].(string)
	}
	a := create(map[string]any{"name": "王小明", "email": "ming@example.com"})
	d := create(map[string]any{"name": "Wang", "phone": "13812345678", "city": "上海", "email": "Ming@Example.com"})

	alike := b.do(t, http.MethodGet, "/v1/customers/"+a+"/look-alikes", owner, nil)
	require.Equal(t, http.StatusOK, alike.status, "%s", alike.raw)
	require.Len(t, alike.body["items"], 1)
	require.Equal(t, d, alike.body["items"].([]any)[0].(map[string]any)["id"])

	merged := b.do(t, http.MethodPost, "/v1/customers/"+a+"/merge", owner, map[string]any{"duplicate_id": d}, "Idempotency-Key", "merge-1")
	require.Equal(t, http.StatusOK, merged.status, "%s", merged.raw)
	survivor := merged.body["survivor"].(map[string]any)
	require.Equal(t, a, survivor["id"])
	require.Equal(t, "王小明", survivor["name"])
	require.Equal(t, "+8613812345678", survivor["phone"])
	require.Equal(t, []any{"city", "phone"}, merged.body["filled"])

	replayed := b.do(t, http.MethodPost, "/v1/customers/"+a+"/merge", owner, map[string]any{"duplicate_id": d}, "Idempotency-Key", "merge-1")
	require.Equal(t, http.StatusOK, replayed.status)
	require.Equal(t, "true", replayed.header.Get("Idempotent-Replayed"))

	gone := b.do(t, http.MethodGet, "/v1/customers/"+d, owner, nil)
	require.Equal(t, http.StatusNotFound, gone.status)
	require.Equal(t, "customer_merged", gone.problemCode())
	require.Equal(t, "/v1/customers/"+a, gone.header.Get("Location"))
	require.Equal(t, a, gone.body["errors"].([]any)[0].(map[string]any)["value"])

	patched := b.do(t, http.MethodPatch, "/v1/customers/"+d, owner, map[string]any{"city": "北京"})
	require.Equal(t, http.StatusNotFound, patched.status)
	require.Equal(t, "customer_merged", patched.problemCode())

	again := b.do(t, http.MethodPost, "/v1/customers/"+a+"/merge", owner, map[string]any{"duplicate_id": d})
	require.Equal(t, http.StatusNotFound, again.status)
	require.Equal(t, "customer_merged", again.problemCode())
	require.Equal(t, []string{"body.duplicate_id"}, again.fields())

	trail := b.do(t, http.MethodGet, "/v1/audit-log?action=customer.merge", owner, nil)
	require.Len(t, trail.body["items"], 1)
	require.NotContains(t, string(trail.raw), "13812345678")
}

func TestBadMergesAreRefusedWithTheIDAtFault(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	_, analyst := b.tenantWithKey(t, access.RoleAnalyst)
	r := b.do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "A"})
	require.Equal(t, http.StatusCreated, r.status)
	a := r.body["id"].(string)

	for name, tc := range map[string]struct {
		path, token string
		body        map[string]any
		status      int
		code        string
		field       string
	}{
		"itself":            {a, owner, map[string]any{"duplicate_id": a}, http.StatusUnprocessableEntity, "merge_into_itself", "body.duplicate_id"},
		"unknown duplicate": {a, owner, map[string]any{"duplicate_id": uuid.NewString()}, http.StatusNotFound, "customer_not_found", "body.duplicate_id"},
		"unknown survivor":  {uuid.NewString(), owner, map[string]any{"duplicate_id": a}, http.StatusNotFound, "customer_not_found", "path.id"},
		"malformed id":      {a, owner, map[string]any{"duplicate_id": "nope"}, http.StatusUnprocessableEntity, "validation_failed", "body.duplicate_id"},
		"no duplicate":      {a, owner, map[string]any{}, http.StatusUnprocessableEntity, "validation_failed", "body.duplicate_id"},
	} {
		got := b.do(t, http.MethodPost, "/v1/customers/"+tc.path+"/merge", tc.token, tc.body)
		require.Equalf(t, tc.status, got.status, "%s: %s", name, got.raw)
		require.Equalf(t, tc.code, got.problemCode(), "%s", name)
		require.Equalf(t, []string{tc.field}, got.fields(), "%s", name)
	}
	denied := b.do(t, http.MethodPost, "/v1/customers/"+a+"/merge", analyst, map[string]any{"duplicate_id": uuid.NewString()})
	require.Equal(t, http.StatusForbidden, denied.status)
	require.Equal(t, http.StatusOK, b.do(t, http.MethodGet, "/v1/customers/"+a, owner, nil).status, "nothing changed")
}
