package ledger

import "github.com/engagehq/engage/domain/access"

// The points module's permissions.
const (
	// PermRead reads customers' points, their history and the brand's program.
	PermRead access.Permission = "points:read"
	// PermWrite moves points as partners do: purchases earned at the till, redemptions, refunds.
	PermWrite access.Permission = "points:write"
	// PermAdjust adds or deducts points by hand, with a reason.
	PermAdjust access.Permission = "points:adjust"
	// PermCatalog keeps the reward catalog: rewards, their prices, stock, limits and validity.
	PermCatalog access.Permission = "points:catalog"
	// PermReceipts sees customers' uploaded receipts and approves or rejects them.
	PermReceipts access.Permission = "points:receipts"
	// PermApprove approves or rejects another admin's adjustment above the brand's threshold.
	PermApprove access.Permission = "points:approve"
)

// Who holds the points permissions: everyone serving customers reads them and analysts too;
// the till and the loyalty team move them; only loyalty operators and admins adjust by hand.
// Changing the program takes settings:write, as the brand's other settings do.
func init() {
	frontline := []access.Role{access.RoleAdmin, access.RoleMarketer, access.RoleLoyaltyOperator, access.RoleStoreStaff}
	access.Register(
		access.Definition{Permission: PermRead, Roles: append([]access.Role{access.RoleAnalyst}, frontline...)},
		access.Definition{Permission: PermWrite, Roles: []access.Role{access.RoleAdmin, access.RoleLoyaltyOperator, access.RoleStoreStaff}},
		access.Definition{Permission: PermAdjust, Roles: []access.Role{access.RoleAdmin, access.RoleLoyaltyOperator}},
		// The catalog is the loyalty and marketing teams'; store staff verify and use vouchers
		// with points:write.
		access.Definition{Permission: PermCatalog, Roles: []access.Role{access.RoleAdmin, access.RoleMarketer, access.RoleLoyaltyOperator}},
		// Receipts are reviewed by the loyalty team: approving one credits points.
		access.Definition{Permission: PermReceipts, Roles: []access.Role{access.RoleAdmin, access.RoleLoyaltyOperator}},
		// A second admin approves large adjustments: admins, never the operators who ask.
		access.Definition{Permission: PermApprove, Roles: []access.Role{access.RoleAdmin}},
	)
}
