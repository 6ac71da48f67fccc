package pgtest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// CustomerDataPart is one module's ports.CustomerData for the customer data contract, with how
// to give a customer data that identifies them (marked with Personal), and what of it must
// outlive an erasure (Kept). A part with no Personal keeps nothing of its own to show (a
// lifecycle stage is shown with the profile): it must export nothing, and merge and erase all
// the same.
type CustomerDataPart struct {
	Data     ports.CustomerData
	Seed     func(ctx context.Context, customer uuid.UUID, personal string) error
	Personal string
	Kept     string
}

// RunCustomerData proves the contract every module's part of a customer follows: a merge
// moves it to the survivor, the download shows it, and erasure removes what identifies the
// person (and erasing twice is harmless). newCustomer makes a customer in the tenant of ctx.
func RunCustomerData(t *testing.T, db *postgres.DB, dir *tenants.Directory, newCustomer func(ctx context.Context) (uuid.UUID, error),
	parts []CustomerDataPart) {
	t.Helper()
	tn := NewTenant(t, dir)
	for _, tc := range parts {
		t.Run(tc.Data.Section(), func(t *testing.T) {
			require.NoError(t, db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
				survivor, err := newCustomer(ctx)
				require.NoError(t, err)
				duplicate, err := newCustomer(ctx)
				require.NoError(t, err)
				if tc.Personal == "" {
					require.Equal(t, "null", exported(ctx, t, tc.Data, duplicate), "a part with nothing to show exports nothing")
					require.NoError(t, tc.Data.Merge(ctx, duplicate, survivor))
					require.NoError(t, tc.Data.Erase(ctx, survivor))
					require.NoError(t, tc.Data.Erase(ctx, survivor), "erasing twice is harmless")
					return nil
				}
				require.NoError(t, tc.Seed(ctx, duplicate, tc.Personal))
				require.Contains(t, exported(ctx, t, tc.Data, duplicate), tc.Personal)

				require.NoError(t, tc.Data.Merge(ctx, duplicate, survivor))
				require.Contains(t, exported(ctx, t, tc.Data, survivor), tc.Personal, "the survivor has it")
				require.NotContains(t, exported(ctx, t, tc.Data, duplicate), tc.Personal, "the duplicate has it no more")

				require.NoError(t, tc.Data.Erase(ctx, survivor))
				after := exported(ctx, t, tc.Data, survivor)
				require.NotContains(t, after, tc.Personal)
				require.Contains(t, after, tc.Kept)
				require.NoError(t, tc.Data.Erase(ctx, survivor), "erasing twice is harmless")
				return nil
			}))
		})
	}
}

// exported is what the part exports about c, as JSON text.
func exported(ctx context.Context, t *testing.T, d ports.CustomerData, c uuid.UUID) string {
	t.Helper()
	v, err := d.Export(ctx, c)
	require.NoError(t, err)
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}
