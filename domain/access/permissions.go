package access

import (
	"fmt"
	"slices"
	"strings"
)

// Permission is "resource:action", the unit every API operation declares it needs.
type Permission string

// Permissions of the platform. Each module declares its own, with the built-in roles that hold
// them, by registering them (see Register).
const (
	PermTenantRead    Permission = "tenant:read"
	PermTenantWrite   Permission = "tenant:write"
	PermAPIKeysRead   Permission = "apikeys:read"
	PermAPIKeysWrite  Permission = "apikeys:write"
	PermSettingsRead  Permission = "settings:read"
	PermSettingsWrite Permission = "settings:write"
	PermTeamRead      Permission = "team:read"
	PermTeamWrite     Permission = "team:write"
	PermRolesRead     Permission = "roles:read"
	PermRolesWrite    Permission = "roles:write"
	PermAuditRead     Permission = "audit:read"
	PermAuditExport   Permission = "audit:export"
	// Webhooks: the brand's endpoints and their delivery logs (which carry customer data).
	PermWebhooksRead  Permission = "webhooks:read"
	PermWebhooksWrite Permission = "webhooks:write"
)

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
