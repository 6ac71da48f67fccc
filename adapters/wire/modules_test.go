package wire_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/domain/access"
)

// TestEveryPermissionBelongsToOneModule reads the module list: each permission in the
// catalogue is declared by exactly one wired module, and each module declares only
// permissions its domain registered, so a module cannot ship a permission no role can be
// granted, nor a permission that no module answers for.
func TestEveryPermissionBelongsToOneModule(t *testing.T) {
	declaredBy := map[access.Permission][]string{}
	for _, m := range wire.Modules() {
		for _, p := range m.Permissions {
			declaredBy[p] = append(declaredBy[p], m.Name)
		}
	}
	registered := map[access.Permission]bool{}
	for _, p := range access.Permissions() {
		registered[p] = true
		assert.Lenf(t, declaredBy[p], 1, "permission %s is declared by modules %v", p, declaredBy[p])
	}
	for p, modules := range declaredBy {
		assert.Truef(t, registered[p], "module %v declares %s, which its domain never registered", modules, p)
	}
}
