package customer

import "github.com/engagehq/engage/domain/access"

// Permissions of the customers module.
const (
	// PermRead and PermWrite read and change profiles, tags, segments and lifecycle stages.
	PermRead  access.Permission = "customers:read"
	PermWrite access.Permission = "customers:write"
	// PermEventsRead and PermEventsWrite read and record customers' events (purchases,
	// visits, check-ins).
	PermEventsRead  access.Permission = "events:read"
	PermEventsWrite access.Permission = "events:write"
	// PermErase erases customers' personal data for good (PIPL), and lists the erasure
	// requests; only owners and admins hold it.
	PermErase access.Permission = "customers:erase"
	// PermExport downloads customer lists with their personal data.
	PermExport access.Permission = "customers:export"
	// PermPersonalData sees customers' phone numbers in full in the console; without it they
	// are masked (138****5678). Those who serve customers one by one hold it.
	PermPersonalData access.Permission = "customers:pii"
)

// The customers module's permissions and who holds them: the roles serving customers read and
// change profiles and activity; analysts read them and export lists; those who serve customers
// one by one see their phones in full; only owners and admins erase personal data.
func init() {
	frontline := []access.Role{access.RoleAdmin, access.RoleMarketer, access.RoleLoyaltyOperator, access.RoleStoreStaff}
	readers := append([]access.Role{access.RoleAnalyst}, frontline...)
	access.Register(
		access.Definition{Permission: PermRead, Roles: readers},
		access.Definition{Permission: PermWrite, Roles: frontline},
		access.Definition{Permission: PermEventsRead, Roles: readers},
		access.Definition{Permission: PermEventsWrite, Roles: frontline},
		access.Definition{Permission: PermErase, Roles: []access.Role{access.RoleAdmin}},
		access.Definition{Permission: PermExport, Roles: []access.Role{access.RoleAdmin, access.RoleAnalyst}},
		access.Definition{Permission: PermPersonalData, Roles: []access.Role{access.RoleAdmin, access.RoleLoyaltyOperator, access.RoleStoreStaff}},
	)
}
