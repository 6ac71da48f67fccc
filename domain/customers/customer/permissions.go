package customer

import "github.com/engagehq/engage/domain/access"

// The customers module's permissions and who holds them: the roles serving customers read and
// change profiles and activity; analysts read them and export lists; only owners and admins
// erase personal data.
func init() {
	frontline := []access.Role{access.RoleAdmin, access.RoleMarketer, access.RoleLoyaltyOperator, access.RoleStoreStaff}
	readers := append([]access.Role{access.RoleAnalyst}, frontline...)
	access.Register(
		access.Definition{Permission: access.PermCustomersRead, Roles: readers},
		access.Definition{Permission: access.PermCustomersWrite, Roles: frontline},
		access.Definition{Permission: access.PermEventsRead, Roles: readers},
		access.Definition{Permission: access.PermEventsWrite, Roles: frontline},
		access.Definition{Permission: access.PermCustomersErase, Roles: []access.Role{access.RoleAdmin}},
		access.Definition{Permission: access.PermCustomersExport, Roles: []access.Role{access.RoleAdmin, access.RoleAnalyst}},
	)
}
