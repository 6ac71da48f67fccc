package platformdb_test

import (
	"testing"
	"time"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	pg  *pgtest.Database
	db  *postgres.DB
	dir *tenants.Directory
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	return &testBundle{pg: pg, db: db, dir: tenants.NewDirectory(platformdb.NewTenantStore(db))}
}

func (b *testBundle) now() time.Time { return time.Now() }
