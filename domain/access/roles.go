// Package access holds the vocabulary of authorisation: permissions, roles and what each
// built-in role may do.
package access

import (
	"errors"
	"regexp"
	"slices"
)

// Role names a set of permissions within one tenant: a built-in role or one the tenant defined.
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

// ErrRoleName is returned for a role name that is not 2-40 lower-case letters, digits or underscores.
var ErrRoleName = errors.New("role names are 2-40 lower-case letters, digits and underscores, starting with a letter")

var roleName = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// String returns the role's stable name.
func (r Role) String() string { return r.name }

// IsZero reports whether r is no role.
func (r Role) IsZero() bool { return r.name == "" }

// Builtin reports whether r is one of the built-in roles.
func (r Role) Builtin() bool { return slices.Contains(BuiltinRoles, r) }

// ParseRole reads a role name, built-in or custom.
func ParseRole(s string) (Role, error) {
	if !roleName.MatchString(s) {
		return Role{}, ErrRoleName
	}
	return Role{s}, nil
}

// MustParseRole is ParseRole for names known to be valid.
func MustParseRole(s string) Role {
	r, err := ParseRole(s)
	if err != nil {
		panic(err)
	}
	return r
}

// RoleNames returns the built-in role names, for API enums.
func RoleNames() []string {
	out := make([]string, len(BuiltinRoles))
	for i, r := range BuiltinRoles {
		out[i] = r.name
	}
	return out
}

// Names returns the names of rs, in order.
func Names(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.name
	}
	return out
}
