package wire

import (
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/module/customersmod"
	"github.com/engagehq/engage/adapters/module/platformmod"
	"github.com/engagehq/engage/adapters/module/pointsmod"
	"github.com/engagehq/engage/adapters/module/tiersmod"
	"github.com/engagehq/engage/adapters/riverjobs"
)

// Modules are Engage's modules in the order they are built, register their operations and
// pages, and merge, download and erase their parts of a customer. This list is the one place
// a module is named.
func Modules() []module.Module {
	return []module.Module{platformmod.Module(), customersmod.Module(), pointsmod.Module(), tiersmod.Module()}
}

// Queues are the job queues of every module.
func Queues() []riverjobs.Queue {
	var out []riverjobs.Queue
	for _, m := range Modules() {
		out = append(out, m.Queues...)
	}
	return out
}
