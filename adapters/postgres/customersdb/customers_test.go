package customersdb_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

func TestCustomersAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.Customers{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			c := customer.Customer{ID: uuid.New(), Name: "王小明", Gender: "unknown", Language: "zh-CN", Phone: "+8613812345678",
				Consents: map[string]bool{}, Attributes: map[string]any{}}
			return c.ID.String(), repo.Insert(ctx, c)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Get(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			_, err := repo.Update(ctx, uuid.MustParse(id), func(c *customer.Customer) error { c.Name = "changed"; return nil })
			return err
		},
		NotFound: ports.ErrCustomerNotFound,
	})
}
