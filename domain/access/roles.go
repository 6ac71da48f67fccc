// Package access holds the vocabulary of authorisation: built-in roles and who a request acts as.
package access

import "fmt"

// Role names a set of permissions within one tenant.
type Role struct{ name string }

// Built-in roles every tenant has.
var (
	RoleOwner           = Role{"owner"}
	RoleAdmin           = Role{"admin"}
	RoleMarketer        = Role{"marketer"}
	RoleLoyaltyOperator = Role{"loyalty_operator"}
	RoleStoreStaff      = Role{"store_staff"}
	RoleAnalyst         = Role{"analyst"}
	RoleAuditor         = Role{"auditor"}
)

// BuiltinRoles lists the built-in roles, most powerful first.
var BuiltinRoles = []Role{RoleOwner, RoleAdmin, RoleMarketer, RoleLoyaltyOperator, RoleStoreStaff, RoleAnalyst, RoleAuditor}

// String returns the role's stable name.
func (r Role) String() string { return r.name }

// IsZero reports whether r is no role.
func (r Role) IsZero() bool { return r.name == "" }

// ParseRole reads a built-in role name.
func ParseRole(s string) (Role, error) {
	for _, r := range BuiltinRoles {
		if r.name == s {
			return r, nil
		}
	}
	return Role{}, fmt.Errorf("unknown role %q", s)
}

// RoleNames returns the built-in role names, for API enums.
func RoleNames() []string {
	out := make([]string, len(BuiltinRoles))
	for i, r := range BuiltinRoles {
		out[i] = r.name
	}
	return out
}
