package customersapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/access"
)

func TestAdminsMergeADuplicateAndItsIDLeadsToTheSurvivor(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	create := func(body map[string]any) string {
		r := b.Do(t, http.MethodPost, "/v1/customers", owner, body)
		require.Equal(t, http.StatusCreated, r.Status, "%s", r.Raw)
		return r.Body["id"].(string)
	}
	a := create(map[string]any{"name": "王小明", "email": "ming@example.com"})
	d := create(map[string]any{"name": "Wang", "phone": "13812345678", "city": "上海", "email": "Ming@Example.com"})

	alike := b.Do(t, http.MethodGet, "/v1/customers/"+a+"/look-alikes", owner, nil)
	require.Equal(t, http.StatusOK, alike.Status, "%s", alike.Raw)
	require.Len(t, alike.Body["items"], 1)
	require.Equal(t, d, alike.Body["items"].([]any)[0].(map[string]any)["id"])

	merged := b.Do(t, http.MethodPost, "/v1/customers/"+a+"/merge", owner, map[string]any{"duplicate_id": d}, "Idempotency-Key", "merge-1")
	require.Equal(t, http.StatusOK, merged.Status, "%s", merged.Raw)
	survivor := merged.Body["survivor"].(map[string]any)
	require.Equal(t, a, survivor["id"])
	require.Equal(t, "王小明", survivor["name"])
	require.Equal(t, "+8613812345678", survivor["phone"])
	require.Equal(t, []any{"city", "phone"}, merged.Body["filled"])

	replayed := b.Do(t, http.MethodPost, "/v1/customers/"+a+"/merge", owner, map[string]any{"duplicate_id": d}, "Idempotency-Key", "merge-1")
	require.Equal(t, http.StatusOK, replayed.Status)
	require.Equal(t, "true", replayed.Header.Get("Idempotent-Replayed"))

	gone := b.Do(t, http.MethodGet, "/v1/customers/"+d, owner, nil)
	require.Equal(t, http.StatusNotFound, gone.Status)
	require.Equal(t, "customer_merged", gone.ProblemCode())
	require.Equal(t, "/v1/customers/"+a, gone.Header.Get("Location"))
	require.Equal(t, a, gone.Body["errors"].([]any)[0].(map[string]any)["value"])

	patched := b.Do(t, http.MethodPatch, "/v1/customers/"+d, owner, map[string]any{"city": "北京"})
	require.Equal(t, http.StatusNotFound, patched.Status)
	require.Equal(t, "customer_merged", patched.ProblemCode())

	again := b.Do(t, http.MethodPost, "/v1/customers/"+a+"/merge", owner, map[string]any{"duplicate_id": d})
	require.Equal(t, http.StatusNotFound, again.Status)
	require.Equal(t, "customer_merged", again.ProblemCode())
	require.Equal(t, []string{"body.duplicate_id"}, again.Fields())

	trail := b.Do(t, http.MethodGet, "/v1/audit-log?action=customer.merge", owner, nil)
	require.Len(t, trail.Body["items"], 1)
	require.NotContains(t, string(trail.Raw), "13812345678")
}

func TestBadMergesAreRefusedWithTheIDAtFault(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	_, analyst := b.TenantWithKey(t, access.RoleAnalyst)
	r := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "A"})
	require.Equal(t, http.StatusCreated, r.Status)
	a := r.Body["id"].(string)

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
		got := b.Do(t, http.MethodPost, "/v1/customers/"+tc.path+"/merge", tc.token, tc.body)
		require.Equalf(t, tc.status, got.Status, "%s: %s", name, got.Raw)
		require.Equalf(t, tc.code, got.ProblemCode(), "%s", name)
		require.Equalf(t, []string{tc.field}, got.Fields(), "%s", name)
	}
	denied := b.Do(t, http.MethodPost, "/v1/customers/"+a+"/merge", analyst, map[string]any{"duplicate_id": uuid.NewString()})
	require.Equal(t, http.StatusForbidden, denied.Status)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/customers/"+a, owner, nil).Status, "nothing changed")
}

// Merges racing full segment refreshes of the same customers all succeed: a merge that loses a
// deadlock to a refresh runs again instead of answering 500.
func TestMergesRacingSegmentRefreshesSucceed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	tree := map[string]any{"field": "city", "op": "=", "value": "上海"}
	require.Equal(t, http.StatusCreated, b.Do(t, http.MethodPost, "/v1/segments", owner, map[string]any{"name": "上海", "tree": tree}).Status)
	require.Equal(t, http.StatusCreated, b.Do(t, http.MethodPost, "/v1/tag-rules", owner, map[string]any{"tag": "上海客", "tree": tree}).Status)
	const pairs = 12
	ids := make([][2]string, pairs)
	for i := range ids {
		for j := range ids[i] {
			r := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": fmt.Sprintf("客%d-%d", i, j), "city": "上海"})
			require.Equal(t, http.StatusCreated, r.Status, "%s", r.Raw)
			ids[i][j] = r.Body["id"].(string)
		}
	}
	b.refreshSegments(t)

	done, stopped := make(chan struct{}), make(chan int)
	go func() {
		runs := 0
		for {
			select {
			case <-done:
				stopped <- runs
				return
			default:
			}
			// A refresh that loses to a merge (a deadlock, or a customer deleted under it) fails
			// as a job and River runs it again; the merge must not fail.
			_ = b.App.Segments.Refresh(context.Background(), segments.RefreshArgs{TenantID: tn.ID.UUID()})
			runs++
		}
	}()
	for _, p := range ids {
		r := b.Do(t, http.MethodPost, "/v1/customers/"+p[0]+"/merge", owner, map[string]any{"duplicate_id": p[1]})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	}
	close(done)
	require.Positive(t, <-stopped, "refreshes ran beside the merges")
	b.refreshSegments(t)
	list := b.Do(t, http.MethodGet, "/v1/customers?tag=上海客&limit=100", owner, nil)
	require.Len(t, list.Body["items"], pairs, "every survivor is tagged once")
}
