package access

import "slices"

// Permission is "resource:action", the unit every API operation declares it needs.
type Permission string

// Permissions known so far; modules add theirs as they land.
const (
	PermAPIKeysRead  Permission = "apikeys:read"
	PermAPIKeysWrite Permission = "apikeys:write"
	PermTenantRead   Permission = "tenant:read"
)

// allPermissions lists every permission, for editors and checks.
var allPermissions = []Permission{PermAPIKeysRead, PermAPIKeysWrite, PermTenantRead}

// IsPermission reports whether p is a known permission.
func IsPermission(p Permission) bool { return slices.Contains(allPermissions, p) }

// builtinGrants is what each built-in role may do.
var builtinGrants = map[Role][]Permission{
	RoleOwner:           {PermAPIKeysRead, PermAPIKeysWrite, PermTenantRead},
	RoleAdmin:           {PermAPIKeysRead, PermAPIKeysWrite, PermTenantRead},
	RoleMarketer:        {PermTenantRead},
	RoleLoyaltyOperator: {PermTenantRead},
	RoleStoreStaff:      {PermTenantRead},
	RoleAnalyst:         {PermAPIKeysRead, PermTenantRead},
	RoleAuditor:         {PermAPIKeysRead, PermTenantRead},
}

// Allows reports whether role r holds permission p.
func (r Role) Allows(p Permission) bool {
	return slices.Contains(builtinGrants[r], p)
}
