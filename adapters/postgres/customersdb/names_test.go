package customersdb_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/tenants"
)

// The audit trail's names of customers come from the brand's own customers only: another
// brand's customer, an unknown ID and a stray non-ID name nothing, and fail nothing.
func TestCustomersAreNamedOnlyInTheirBrand(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tn, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	named, external := uuid.New(), uuid.New()
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		for _, c := range []customer.Customer{
			{ID: named, Name: "王小明", Gender: "unknown", Language: "zh-CN", Consents: map[string]bool{}, Attributes: map[string]any{}},
			{ID: external, ExternalID: "POS-0042", Gender: "unknown", Language: "zh-CN", Consents: map[string]bool{}, Attributes: map[string]any{}},
		} {
			if err := (customersdb.Customers{}).Insert(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}))
	ids := []string{named.String(), external.String(), uuid.NewString(), "not-an-id"}
	names := func(tenant tenants.Tenant) map[string]string {
		var out map[string]string
		require.NoError(t, b.db.InTenant(ctx, tenant.ID, func(ctx context.Context) (err error) {
			out, err = customersdb.Names()["customer"](ctx, ids)
			return err
		}))
		return out
	}
	require.Equal(t, map[string]string{named.String(): "王小明", external.String(): "POS-0042"}, names(tn))
	require.Empty(t, names(other))
}
