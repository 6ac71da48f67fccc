package tier

import "github.com/engagehq/engage/domain/access"

// The tiers module's permissions.
const (
	// PermRead reads the tier program and members' tiers and their history.
	PermRead access.Permission = "tiers:read"
	// PermWrite changes the tier program and assigns tiers by hand, with a reason.
	PermWrite access.Permission = "tiers:write"
)

// Everyone serving customers (and analysts) reads tiers; the loyalty team and admins change
// them.
func init() {
	access.Register(
		access.Definition{Permission: PermRead, Roles: []access.Role{access.RoleAdmin, access.RoleMarketer,
			access.RoleLoyaltyOperator, access.RoleStoreStaff, access.RoleAnalyst}},
		access.Definition{Permission: PermWrite, Roles: []access.Role{access.RoleAdmin, access.RoleLoyaltyOperator}},
	)
}
