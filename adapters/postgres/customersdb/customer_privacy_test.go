package customersdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

func TestCustomerMergesAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.CustomerMerges{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			survivor, err := newCustomer(ctx)
			if err != nil {
				return "", err
			}
			merged, err := newCustomer(ctx)
			if err != nil {
				return "", err
			}
			return merged.String(), repo.Remove(ctx, merged, survivor)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Survivor(ctx, uuid.MustParse(id))
			return err
		},
		// Merging into the merged ID again is the one change a mapping takes: another tenant
		// finds no mapping to repoint and no customer to delete.
		Update: func(ctx context.Context, id string) error {
			if _, err := repo.Survivor(ctx, uuid.MustParse(id)); err != nil {
				return err
			}
			return repo.Remove(ctx, uuid.MustParse(id), uuid.MustParse(id))
		},
		NotFound: ports.ErrNotMerged,
	})
}

func TestErasureRequestsAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.Erasures{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			c, err := newCustomer(ctx)
			if err != nil {
				return "", err
			}
			e := ports.Erasure{ID: uuid.New(), CustomerID: c, RequestedBy: ports.ErasureByAdmin, RequestedAt: time.Now(), DueAt: time.Now()}
			return e.ID.String(), repo.Insert(ctx, e)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Lock(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			return repo.Close(ctx, uuid.MustParse(id), ports.ErasureCancelled, time.Now())
		},
		NotFound: ports.ErrErasureNotFound,
	})
}

func TestCustomerBulkReadsFindOnlyTheTenantsCustomers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.CustomerBulk{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			c := customer.Customer{ID: uuid.New(), ExternalID: "crm-" + uuid.NewString()[:8], Phone: "+8613812345678"}
			if err := c.Normalise(time.Now()); err != nil {
				return "", err
			}
			return c.ExternalID, repo.Save(ctx, []customer.Customer{c})
		},
		Get: func(ctx context.Context, ext string) error {
			cs, err := repo.ByKeys(ctx, []string{ext}, []string{"+8613812345678"})
			if err == nil && len(cs) == 0 {
				err = ports.ErrCustomerNotFound
			}
			return err
		},
		NotFound: ports.ErrCustomerNotFound,
	})
}
