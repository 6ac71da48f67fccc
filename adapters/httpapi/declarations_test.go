package httpapi

import (
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

// Every operation must say who may call it: a known permission for tenant operations, the
// platform for operator ones. An operation registered without one fails here.
func TestEveryOperationDeclaresItsPermission(t *testing.T) {
	t.Parallel()
	doc := New(Deps{}).API().OpenAPI()
	n := 0
	for path, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			n++
			auth, _ := op.Metadata[metaAuth].(string)
			perm, _ := op.Metadata[metaPermission].(string)
			switch auth {
			case authPlatform:
				require.Equalf(t, "platform", perm, "%s %s", op.Method, path)
			case authTenant:
				require.Truef(t, access.IsPermission(access.Permission(perm)), "%s %s declares unknown permission %q", op.Method, path, perm)
			case authAdmin:
				require.Equalf(t, "self", perm, "%s %s", op.Method, path)
			case authCustomer:
				require.Equalf(t, "self", perm, "%s %s", op.Method, path)
				require.Containsf(t, op.Metadata, metaCustomerAuth, "%s %s names what checks its customer token", op.Method, path)
				require.Equalf(t, []map[string][]string{{schemeCustomer: {}}}, op.Security, "%s %s takes customer tokens only", op.Method, path)
			case authPublic:
				require.Equalf(t, "public", perm, "%s %s", op.Method, path)
				require.Emptyf(t, op.Security, "%s %s is public", op.Method, path)
				continue
			default:
				t.Errorf("%s %s declares no access (use tenantOperation, adminOperation, customerOperation, publicOperation or platformOperation)", op.Method, path)
			}
			require.NotEmptyf(t, op.Security, "%s %s documents its security scheme", op.Method, path)
		}
	}
	require.Positive(t, n)
}
