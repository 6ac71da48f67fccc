package pgtest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/tenants"
)

// Isolated describes one repository for the cross-tenant isolation suite. Every function runs
// inside a tenant transaction of the tenant under test.
type Isolated struct {
	// Create makes a row and returns how to find it.
	Create func(ctx context.Context) (id string, err error)
	// Get reads the row.
	Get func(ctx context.Context, id string) error
	// Update changes the row.
	Update func(ctx context.Context, id string) error
	// Delete removes the row; nil for append-only or never-deleted rows.
	Delete func(ctx context.Context, id string) error
	// NotFound is the error the repository returns for a row it cannot see.
	NotFound error
}

// RunIsolation proves that another tenant can neither read, update nor delete a row of
// tenant A, that each attempt reports not found, and that the row is intact afterwards.
func RunIsolation(t *testing.T, db *postgres.DB, dir *tenants.Directory, repo Isolated) {
	t.Helper()
	ctx := context.Background()
	a := NewTenant(t, dir)
	b := NewTenant(t, dir)

	var id string
	require.NoError(t, db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		var err error
		id, err = repo.Create(ctx)
		return err
	}))

	inB := func(name string, op func(ctx context.Context, id string) error) {
		if op == nil {
			return
		}
		err := db.InTenant(ctx, b.ID, func(ctx context.Context) error { return op(ctx, id) })
		require.ErrorIsf(t, err, repo.NotFound, "%s of another tenant's row must report not found", name)
	}
	inB("get", repo.Get)
	inB("update", repo.Update)
	inB("delete", repo.Delete)

	require.NoError(t, db.InTenant(ctx, a.ID, func(ctx context.Context) error { return repo.Get(ctx, id) }),
		"the owner still sees its row")
}

// NewTenant onboards a tenant with a unique slug.
func NewTenant(t testing.TB, dir *tenants.Directory) tenants.Tenant {
	t.Helper()
	tn, err := dir.Create(context.Background(), tenants.Draft{Slug: "t-" + randomHex(6), Name: "Brand " + randomHex(3)})
	require.NoError(t, err)
	return tn
}
