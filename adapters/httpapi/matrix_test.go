package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
)

// pathValue fills a path parameter with a well-formed value that names nothing, so the calls
// of the matrix change nothing.
func pathValue(name string) string {
	switch name {
	case "id", "user_id":
		return uuid.NewString()
	case "seq":
		return "999999"
	default:
		return "ghost_item"
	}
}

// Every tenant operation in the OpenAPI document, called with a key of every built-in role:
// refused with 403 exactly when the role lacks the operation's permission.
func TestEveryOperationAgainstEveryBuiltinRole(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	keys := map[access.Role]string{}
	for _, r := range access.BuiltinRoles {
		created := b.Do(t, http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "matrix " + r.String(), "role": r.String()})
		require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
		keys[r] = created.Body["secret"].(string)
	}

	doc := b.Srv.API().OpenAPI()
	calls := 0
	for path, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil || op.Metadata[httpapi.MetaAuth] != httpapi.AuthTenant {
				continue
			}
			perm := access.Permission(op.Metadata[httpapi.MetaPermission].(string))
			url := path
			for _, p := range op.Parameters {
				if p.In == "path" {
					url = strings.ReplaceAll(url, "{"+p.Name+"}", pathValue(p.Name))
				}
			}
			var body any
			if op.Method != http.MethodGet && op.Method != http.MethodDelete {
				body = map[string]any{}
			}
			for _, r := range access.BuiltinRoles {
				res := b.Do(t, op.Method, url, keys[r], body)
				allowed := false
				for _, p := range access.BuiltinGrants(r) {
					allowed = allowed || p == perm
				}
				if allowed {
					require.NotEqualf(t, http.StatusForbidden, res.Status, "%s %s as %s (holds %s): %s", op.Method, path, r, perm, res.Raw)
				} else {
					require.Equalf(t, http.StatusForbidden, res.Status, "%s %s as %s (lacks %s): %s", op.Method, path, r, perm, res.Raw)
					require.Equal(t, "forbidden", res.ProblemCode())
				}
				require.NotEqualf(t, http.StatusInternalServerError, res.Status, "%s %s as %s: %s", op.Method, path, r, res.Raw)
				calls++
			}
		}
	}
	require.Greater(t, calls, 100)
}
