package wire

import (
	"context"
	"fmt"
	"time"

	"github.com/engagehq/engage/tenants"
)

// PrepareDemo gives demo brand tenant every module's part of the demo (its program, catalog,
// campaigns), before its history, which ends on historyEnds, is replayed; run again, it
// changes nothing.
func (a *App) PrepareDemo(ctx context.Context, tenant tenants.ID, historyEnds time.Time) error {
	for _, m := range a.Modules {
		if m.Demo == nil {
			continue
		}
		if err := m.Demo(ctx, a.Kernel, tenant, historyEnds); err != nil {
			return fmt.Errorf("demo of module %s: %w", m.Name, err)
		}
	}
	return nil
}
