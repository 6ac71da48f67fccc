package platformdb_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/apikey"
)

func TestAPIKeysAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := platformdb.APIKeys{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			_, tenant, err := postgres.TenantTx(ctx)
			if err != nil {
				return "", err
			}
			k, _, err := apikey.New(tenant.UUID(), "crm", access.RoleMarketer, b.now())
			if err != nil {
				return "", err
			}
			return k.ID.String(), repo.Insert(ctx, k)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Get(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			_, err := repo.Update(ctx, uuid.MustParse(id), func(k *apikey.Key) error { k.Revoke(b.now()); return nil })
			return err
		},
		NotFound: apikey.ErrNotFound,
	})
}
