package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
)

// Input the database cannot store or huma's validator cannot compare is refused, naming the
// input at fault, and changes nothing.
func TestInputTheDatabaseCannotTakeIsRefusedByField(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	created := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小红"})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	id := created.Body["id"].(string)

	for _, tc := range []struct {
		name, method, path string
		body               any
		headers            []string
		status             int
		code               string
		fields             []string
	}{
		{"NUL in a search", http.MethodGet, "/v1/customers?q=%00a&city=x%00&tag=%00", nil, nil,
			http.StatusUnprocessableEntity, "validation_failed", []string{"query.city", "query.q", "query.tag"}},
		{"NUL in an audit filter", http.MethodGet, "/v1/audit-log?action=customer.%00", nil, nil,
			http.StatusUnprocessableEntity, "validation_failed", []string{"query.action"}},
		{"NUL in a path", http.MethodGet, "/v1/event-types/a%00b", nil, nil,
			http.StatusUnprocessableEntity, "validation_failed", []string{"path.key"}},
		{"bytes that are not UTF-8 in a query", http.MethodGet, "/v1/customers?q=%AB", nil, nil,
			http.StatusBadRequest, "malformed_request", []string{"query.q"}},
		{"an Idempotency-Key that is not UTF-8", http.MethodPost, "/v1/customers", map[string]any{"name": "李"}, []string{"Idempotency-Key", "k\xab"},
			http.StatusBadRequest, "malformed_request", []string{"header.Idempotency-Key"}},
		{"a body that is not UTF-8", http.MethodPost, "/v1/customers", "{\"name\":\"\xab\"}", nil,
			http.StatusBadRequest, "malformed_request", []string{"body"}},
		{"NUL in body fields, with the document's own rules", http.MethodPatch, "/v1/customers/" + id,
			map[string]any{"name": "a\u0000", "gender": "robot", "address": map[string]any{"city": "\u0000"}}, nil,
			http.StatusUnprocessableEntity, "validation_failed", []string{"body.gender", "body.address.city", "body.name"}},
		{"null where the document allows none", http.MethodPatch, "/v1/customers/" + id, map[string]any{"name": nil}, nil,
			http.StatusUnprocessableEntity, "validation_failed", []string{"body.name"}},
		{"objects in a list of unique permissions", http.MethodPut, "/v1/roles/cashier", map[string]any{"permissions": []any{map[string]any{}}}, nil,
			http.StatusUnprocessableEntity, "validation_failed", []string{"body.permissions[0]"}},
		{"an invitation's roles null", http.MethodPost, "/v1/team/invitations", map[string]any{"email": "x@example.com", "roles": nil}, nil,
			http.StatusUnprocessableEntity, "validation_failed", []string{"body.roles"}},
		{"a malformed timeline cursor", http.MethodGet, "/v1/customers/" + id + "/timeline?cursor=-1", nil, nil,
			http.StatusBadRequest, "invalid_cursor", []string{"query.cursor"}},
	} {
		r := b.Do(t, tc.method, tc.path, owner, tc.body, tc.headers...)
		require.Equalf(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, "application/problem+json", r.Header.Get("Content-Type"), "%s", tc.name)
		require.Equalf(t, tc.code, r.ProblemCode(), "%s: %s", tc.name, r.Raw)
		require.ElementsMatchf(t, tc.fields, r.Fields(), "%s: %s", tc.name, r.Raw)
	}

	got := b.Do(t, http.MethodGet, "/v1/customers/"+id, owner, nil)
	require.Equal(t, "王小红", got.Body["name"], "nothing was changed")
	list := b.Do(t, http.MethodGet, "/v1/customers", owner, nil)
	require.Len(t, list.Body["items"], 1, "nothing was created")
	roles := b.Do(t, http.MethodGet, "/v1/roles", owner, nil)
	require.NotContains(t, string(roles.Raw), "cashier")
}
