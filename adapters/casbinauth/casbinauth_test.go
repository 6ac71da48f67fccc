package casbinauth_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/casbinauth"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

func TestCustomRolesBelongToTheirTenantAndReloadOnInvalidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	a, b := pgtest.NewTenant(t, dir), pgtest.NewTenant(t, dir)
	auth, err := casbinauth.New(db, platformdb.Roles{})
	require.NoError(t, err)
	clerk := access.MustParseRole("clerk")
	save := func(tn tenants.Tenant, r ports.CustomRole, insert bool) {
		require.NoError(t, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			if insert {
				return platformdb.Roles{}.Insert(ctx, r)
			}
			return platformdb.Roles{}.Update(ctx, r)
		}))
	}
	save(a, ports.CustomRole{Name: "clerk", Permissions: []access.Permission{access.PermAPIKeysRead}}, true)

	allowed := func(tn tenants.Tenant, roles []access.Role, p access.Permission) bool {
		ok, err := auth.Allowed(ctx, tn.ID, roles, p)
		require.NoError(t, err)
		return ok
	}
	require.True(t, allowed(a, []access.Role{clerk}, access.PermAPIKeysRead))
	require.False(t, allowed(a, []access.Role{clerk}, access.PermAPIKeysWrite))
	require.False(t, allowed(b, []access.Role{clerk}, access.PermAPIKeysRead), "tenant B has no clerk role")
	require.True(t, allowed(b, []access.Role{access.RoleAuditor}, access.PermAuditRead), "built-in roles hold everywhere")
	require.True(t, allowed(a, []access.Role{access.RoleMarketer, clerk}, access.PermAPIKeysRead), "any of the roles suffices")

	save(a, ports.CustomRole{Name: "clerk", Permissions: []access.Permission{access.PermAPIKeysWrite}}, false)
	require.True(t, allowed(a, []access.Role{clerk}, access.PermAPIKeysRead), "loaded policies serve until invalidated")
	auth.Invalidate(a.ID.String())
	require.False(t, allowed(a, []access.Role{clerk}, access.PermAPIKeysRead))
	require.True(t, allowed(a, []access.Role{clerk}, access.PermAPIKeysWrite))

	// A tenant cannot give a built-in role more power.
	save(b, ports.CustomRole{Name: "marketer", Permissions: []access.Permission{access.PermRolesWrite}}, true)
	auth.Invalidate("*")
	require.False(t, allowed(b, []access.Role{access.RoleMarketer}, access.PermRolesWrite))
}

// A use case checks an escalation inside its own transaction; when a change notice has just
// dropped the tenant's policies, the check reads the roles in that transaction rather than
// failing to open another one.
func TestChecksInsideATenantTransactionReadRolesThere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	a, b := pgtest.NewTenant(t, dir), pgtest.NewTenant(t, dir)
	auth, err := casbinauth.New(db, platformdb.Roles{})
	require.NoError(t, err)
	clerk := access.MustParseRole("clerk")
	require.NoError(t, db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		return platformdb.Roles{}.Insert(ctx, ports.CustomRole{Name: "clerk", Permissions: []access.Permission{access.PermAPIKeysRead}})
	}))

	auth.Invalidate("*")
	require.NoError(t, db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		perms, err := auth.Permissions(ctx, a.ID, []access.Role{clerk})
		require.NoError(t, err)
		require.Equal(t, []access.Permission{access.PermAPIKeysRead}, perms)
		_, err = auth.Allowed(ctx, b.ID, []access.Role{clerk}, access.PermAPIKeysRead)
		require.Error(t, err, "another tenant's policies are never read in this one's transaction")
		return nil
	}))
	require.NoError(t, db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		return platformdb.Roles{}.Update(ctx, ports.CustomRole{Name: "clerk", Permissions: []access.Permission{access.PermAPIKeysWrite}})
	}))
	ok, err := auth.Allowed(ctx, a.ID, []access.Role{clerk}, access.PermAPIKeysWrite)
	require.NoError(t, err)
	require.True(t, ok, "what a transaction read was not kept")
}
