package access

import (
	"fmt"
	"slices"
	"strings"
)

// Permission is "resource:action", the unit every API operation declares it needs.
type Permission string

// Permissions known so far; modules add theirs as they land.
const (
	PermTenantRead     Permission = "tenant:read"
	PermTenantWrite    Permission = "tenant:write"
	PermAPIKeysRead    Permission = "apikeys:read"
	PermAPIKeysWrite   Permission = "apikeys:write"
	PermSettingsRead   Permission = "settings:read"
	PermSettingsWrite  Permission = "settings:write"
	PermTeamRead       Permission = "team:read"
	PermTeamWrite      Permission = "team:write"
	PermRolesRead      Permission = "roles:read"
	PermRolesWrite     Permission = "roles:write"
	PermAuditRead      Permission = "audit:read"
	PermAuditExport    Permission = "audit:export"
	PermCustomersRead  Permission = "customers:read"
	PermCustomersWrite Permission = "customers:write"
	PermEventsRead     Permission = "events:read"
	PermEventsWrite    Permission = "events:write"
	// PermCustomersErase erases customers' personal data for good (PIPL), and lists the
	// erasure requests; only owners and admins hold it.
	PermCustomersErase Permission = "customers:erase"
	// Webhooks: the brand's endpoints and their delivery logs (which carry customer data).
	PermWebhooksRead  Permission = "webhooks:read"
	PermWebhooksWrite Permission = "webhooks:write"
	// PermCustomersExport downloads customer lists with their personal data.
	PermCustomersExport Permission = "customers:export"
)

// AllPermissions lists every permission, for editors and checks.
var AllPermissions = []Permission{
	PermTenantRead, PermTenantWrite, PermAPIKeysRead, PermAPIKeysWrite, PermSettingsRead, PermSettingsWrite,
	PermTeamRead, PermTeamWrite, PermRolesRead, PermRolesWrite, PermAuditRead, PermAuditExport,
	PermCustomersRead, PermCustomersWrite, PermEventsRead, PermEventsWrite,
	PermCustomersErase,
	PermWebhooksRead, PermWebhooksWrite,
	PermCustomersExport,
}

// IsPermission reports whether p is a known permission.
func IsPermission(p Permission) bool { return slices.Contains(AllPermissions, p) }

// Resource and Action split the permission at its colon.
func (p Permission) Resource() string { r, _, _ := strings.Cut(string(p), ":"); return r }

// Action is the part after the colon.
func (p Permission) Action() string { _, a, _ := strings.Cut(string(p), ":"); return a }

// ParsePermissions checks a list of permission names.
func ParsePermissions(names []string) ([]Permission, error) {
	out := make([]Permission, 0, len(names))
	for _, n := range names {
		p := Permission(n)
		if !IsPermission(p) {
			return nil, fmt.Errorf("unknown permission %q", n)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}

var readOnly = []Permission{PermTenantRead, PermAPIKeysRead, PermSettingsRead, PermTeamRead, PermRolesRead}

// frontline is what the roles serving customers need: the brand, its customers and their
// activity.
var frontline = []Permission{PermTenantRead, PermCustomersRead, PermCustomersWrite, PermEventsRead, PermEventsWrite}

// builtinGrants is what each built-in role may do. Owners may do everything; admins all but
// define roles; the operational roles see the brand and serve its customers; analysts read
// configuration, customers and their activity, and export customers; auditors read
// configuration and the audit trail.
var builtinGrants = map[Role][]Permission{
	RoleOwner:           AllPermissions,
	RoleAdmin:           without(AllPermissions, PermRolesWrite),
	RoleMarketer:        frontline,
	RoleLoyaltyOperator: frontline,
	RoleStoreStaff:      frontline,
	RoleAnalyst:         append(slices.Clone(readOnly), PermCustomersRead, PermEventsRead, PermWebhooksRead, PermCustomersExport),
	RoleAuditor:         append(slices.Clone(readOnly), PermAuditRead, PermAuditExport),
}

func without(all []Permission, drop ...Permission) []Permission {
	var out []Permission
	for _, p := range all {
		if !slices.Contains(drop, p) {
			out = append(out, p)
		}
	}
	return out
}

// BuiltinGrants returns the permissions of a built-in role (nil for others).
func BuiltinGrants(r Role) []Permission { return slices.Clone(builtinGrants[r]) }

// Covers reports whether held includes every permission of wanted: an actor may only grant
// what it holds itself, so no role can escalate itself or anyone else beyond its own reach.
func Covers(held, wanted []Permission) bool {
	for _, p := range wanted {
		if !slices.Contains(held, p) {
			return false
		}
	}
	return true
}
