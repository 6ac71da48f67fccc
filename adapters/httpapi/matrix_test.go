package httpapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

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
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	keys := map[access.Role]string{}
	for _, r := range access.BuiltinRoles {
		created := b.do(t, http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "matrix " + r.String(), "role": r.String()})
		require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)
		keys[r] = created.body["secret"].(string)
	}

	doc := b.srv.API().OpenAPI()
	calls := 0
	for path, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil || op.Metadata[metaAuth] != authTenant {
				continue
			}
			perm := access.Permission(op.Metadata[metaPermission].(string))
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
				res := b.do(t, op.Method, url, keys[r], body)
				allowed := false
				for _, p := range access.BuiltinGrants(r) {
					allowed = allowed || p == perm
				}
				if allowed {
					require.NotEqualf(t, http.StatusForbidden, res.status, "%s %s as %s (holds %s): %s", op.Method, path, r, perm, res.raw)
				} else {
					require.Equalf(t, http.StatusForbidden, res.status, "%s %s as %s (lacks %s): %s", op.Method, path, r, perm, res.raw)
					require.Equal(t, "forbidden", res.problemCode())
				}
				require.NotEqualf(t, http.StatusInternalServerError, res.status, "%s %s as %s: %s", op.Method, path, r, res.raw)
				calls++
			}
		}
	}
	require.Greater(t, calls, 100)
}
