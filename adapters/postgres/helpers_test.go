package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/apikey"
	"github.com/engagehq/engage/tenants"
)

func (b *testBundle) now() time.Time { return time.Now() }

// createKey stores a new API key named name for tenant.
func (b *testBundle) createKey(t *testing.T, tn tenants.Tenant, name string) apikey.Key {
	t.Helper()
	k, _, err := apikey.New(tn.ID.UUID(), name, access.RoleAdmin, b.now())
	require.NoError(t, err)
	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return platformdb.APIKeys{}.Insert(ctx, k)
	}))
	return k
}
