package httpapi_test

import (
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/domain/access"
)

// Every operation must say who may call it: a known permission for tenant operations, the
// platform for operator ones, whichever module registers it. An operation registered without
// one stops the server from starting (see TestAnOperationWithoutACallerStopsTheServer) and
// fails here.
func TestEveryOperationDeclaresItsPermission(t *testing.T) {
	t.Parallel()
	doc := web.Document()
	n := 0
	for path, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			n++
			auth, _ := op.Metadata[httpapi.MetaAuth].(string)
			perm, _ := op.Metadata[httpapi.MetaPermission].(string)
			switch auth {
			case httpapi.AuthPlatform:
				require.Equalf(t, "platform", perm, "%s %s", op.Method, path)
			case httpapi.AuthTenant:
				require.Truef(t, access.IsPermission(access.Permission(perm)), "%s %s declares unknown permission %q", op.Method, path, perm)
			case httpapi.AuthAdmin:
				require.Equalf(t, "self", perm, "%s %s", op.Method, path)
			case httpapi.AuthCustomer:
				require.Equalf(t, "self", perm, "%s %s", op.Method, path)
				require.Containsf(t, op.Metadata, httpapi.MetaCustomerAuth, "%s %s names what checks its customer token", op.Method, path)
				require.Equalf(t, []map[string][]string{{httpapi.SchemeCustomer: {}}}, op.Security, "%s %s takes customer tokens only", op.Method, path)
			case httpapi.AuthPublic:
				require.Equalf(t, "public", perm, "%s %s", op.Method, path)
				require.Emptyf(t, op.Security, "%s %s is public", op.Method, path)
				continue
			default:
				t.Errorf("%s %s declares no access (register it with httpapi.Register)", op.Method, path)
			}
			require.NotEmptyf(t, op.Security, "%s %s documents its security scheme", op.Method, path)
		}
	}
	require.Positive(t, n)
}
