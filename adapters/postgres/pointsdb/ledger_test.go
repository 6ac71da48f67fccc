package pointsdb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/ports"
)

// Another brand can neither read a brand's operation nor change its customer's points.
func TestAnotherBrandCannotReachTheLedger(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var customer uuid.UUID
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			var err error
			if customer, err = newCustomer(ctx); err != nil {
				return "", err
			}
			return credit(ctx, customer, 10, "")
		},
		Get: func(ctx context.Context, key string) error {
			ops, err := pointsdb.Ledger{}.Operations(ctx, []string{key})
			if err == nil && len(ops) == 0 {
				err = errNoOperation
			}
			return err
		},
		Update: func(ctx context.Context, _ string) error {
			_, err := credit(ctx, customer, 10, "")
			if errors.Is(err, ports.ErrCustomerNotFound) {
				return errNoOperation
			}
			return err
		},
		NotFound: errNoOperation,
	})
}

// The application role cannot rewrite or delete the history: only whose it is (a merge) and
// an operation's note (an erasure) may change.
func TestOperationsEntriesAndDrawsAreAppendOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	ctx := context.Background()
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		c, err := newCustomer(ctx)
		require.NoError(t, err)
		_, err = credit(ctx, c, 10, "note")
		return err
	}))
	for _, stmt := range []string{
		`UPDATE points_entries SET points = 1000`,
		`UPDATE points_operations SET result = '[]'`,
		`UPDATE points_draws SET points = 1`,
		`DELETE FROM points_entries`,
		`DELETE FROM points_operations`,
		`DELETE FROM points_draws`,
	} {
		err := b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			require.NoError(t, err)
			_, err = q.Exec(ctx, stmt)
			return err
		})
		require.ErrorContains(t, err, "permission denied", stmt)
	}
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		require.NoError(t, err)
		_, err = q.Exec(ctx, `UPDATE points_operations SET note = NULL`)
		return err
	}))
}
