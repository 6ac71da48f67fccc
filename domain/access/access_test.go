package access_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

func TestOwnersHoldEverythingAndEveryRoleHoldsKnownPermissions(t *testing.T) {
	t.Parallel()
	require.ElementsMatch(t, access.Permissions(), access.BuiltinGrants(access.RoleOwner))
	for _, r := range access.BuiltinRoles {
		require.True(t, r.Builtin())
		for _, p := range access.BuiltinGrants(r) {
			require.True(t, access.IsPermission(p), "%s grants unknown %s", r, p)
		}
		require.Truef(t, access.Covers(access.BuiltinGrants(access.RoleOwner), access.BuiltinGrants(r)), "an owner can grant %s", r)
	}
	require.False(t, access.Covers(access.BuiltinGrants(access.RoleAdmin), access.BuiltinGrants(access.RoleOwner)), "an admin cannot make owners")
	require.NotContains(t, access.BuiltinGrants(access.RoleAnalyst), access.PermAuditRead)
	require.Contains(t, access.BuiltinGrants(access.RoleAuditor), access.PermAuditRead)
}

func TestParsingRolesAndPermissions(t *testing.T) {
	t.Parallel()
	r, err := access.ParseRole("store_manager")
	require.NoError(t, err)
	require.False(t, r.Builtin())
	for _, bad := range []string{"", "A", "1x", "with space", "x-y"} {
		_, err := access.ParseRole(bad)
		require.ErrorIs(t, err, access.ErrRoleName, bad)
	}
	ps, err := access.ParsePermissions([]string{"team:read", "audit:read", "team:read"})
	require.NoError(t, err)
	require.Equal(t, []access.Permission{access.PermAuditRead, access.PermTeamRead}, ps)
	_, err = access.ParsePermissions([]string{"points:mint"})
	require.Error(t, err)
	require.Equal(t, "team", access.PermTeamRead.Resource())
	require.Equal(t, "read", access.PermTeamRead.Action())
}
