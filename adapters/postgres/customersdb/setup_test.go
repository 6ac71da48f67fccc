package customersdb_test

import (
	"testing"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	pg  *pgtest.Database
	db  *postgres.DB
	dir *tenants.Directory
}

// setup gives the test its own database. Tenants are the platform's: the tenant store is
// the one repository of another module these tests use.
func setup(t *testing.T) *testBundle {
	t.Helper()
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	return &testBundle{pg: pg, db: db, dir: tenants.NewDirectory(platformdb.NewTenantStore(db))}
}

// evaluator evaluates trees over the customers module's fields, as wiring does.
var evaluator = customersdb.NewSegmentEvaluator(customersdb.SegmentFields())
