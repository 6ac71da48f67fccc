package access

import (
	"fmt"
	"regexp"
	"slices"
	"sync"
)

var permissionName = regexp.MustCompile(`^[a-z][a-z_]*:[a-z][a-z_]*$`)

// Definition is a permission a module declares, with the built-in roles that hold it besides
// owners, who hold every permission.
type Definition struct {
	Permission Permission
	Roles      []Role
}

var (
	catalogueMu sync.RWMutex
	catalogue   []Definition
)

// Register adds modules' permissions to the catalogue, from the init of the module's domain
// package. Registering a permission again with the same roles changes nothing; with other
// roles, or a name not of the form resource:action, it is a programming error and panics.
func Register(defs ...Definition) {
	catalogueMu.Lock()
	defer catalogueMu.Unlock()
	for _, d := range defs {
		if !permissionName.MatchString(string(d.Permission)) {
			panic(fmt.Sprintf("access: permission %q is not resource:action", d.Permission))
		}
		i := slices.IndexFunc(catalogue, func(c Definition) bool { return c.Permission == d.Permission })
		switch {
		case i < 0:
			catalogue = append(catalogue, Definition{Permission: d.Permission, Roles: slices.Clone(d.Roles)})
		case !slices.Equal(catalogue[i].Roles, d.Roles):
			panic(fmt.Sprintf("access: permission %q registered twice with different roles", d.Permission))
		}
	}
}

// Permissions lists every registered permission in the order registered, for editors and
// checks.
func Permissions() []Permission {
	catalogueMu.RLock()
	defer catalogueMu.RUnlock()
	out := make([]Permission, len(catalogue))
	for i, d := range catalogue {
		out[i] = d.Permission
	}
	return out
}

// IsPermission reports whether p is a registered permission.
func IsPermission(p Permission) bool { return slices.Contains(Permissions(), p) }

// BuiltinGrants returns the permissions of a built-in role (nil for others): every permission
// for owners, and for the others those whose definitions name them.
func BuiltinGrants(r Role) []Permission {
	if r == RoleOwner {
		return Permissions()
	}
	catalogueMu.RLock()
	defer catalogueMu.RUnlock()
	var out []Permission
	for _, d := range catalogue {
		if slices.Contains(d.Roles, r) {
			out = append(out, d.Permission)
		}
	}
	return out
}
