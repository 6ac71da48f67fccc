package pointsdb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	pg  *pgtest.Database
	db  *postgres.DB
	dir *tenants.Directory
	svc *points.Service
}

// setup gives the test its own database and the points service over it. Tenants and customers
// are the platform's and the customers module's: their repositories make them.
func setup(t *testing.T) *testBundle {
	t.Helper()
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	bus := jobstest.Bus(db, jobstest.InsertOnly(t, db), dir, ledger.EventTypes...)
	svc := points.NewService(points.Deps{Tx: db, Locals: db, Ledger: pointsdb.Ledger{}, Programs: pointsdb.Programs{},
		Publisher: bus, Audit: platformdb.AuditLog{}, Tenants: dir})
	return &testBundle{pg: pg, db: db, dir: dir, svc: svc}
}

// newCustomer stores a customer in the tenant of ctx.
func newCustomer(ctx context.Context) (uuid.UUID, error) {
	c := customer.Customer{ID: uuid.New(), Name: "会员"}
	if err := c.Normalise(time.Now()); err != nil {
		return uuid.Nil, err
	}
	return c.ID, customersdb.Customers{}.Insert(ctx, c)
}

// credit credits n points to the customer's spendable wallet in the transaction of ctx, as an
// adjustment with a note and a key, and returns the key.
func credit(ctx context.Context, c uuid.UUID, n int64, note string) (string, error) {
	b, err := pointsdb.Ledger{}.Lock(ctx, time.Now(), []ledger.AccountKey{{Customer: c, Wallet: ledger.Points}}, points.OpenLots)
	if err != nil {
		return "", err
	}
	key := "adjust:" + uuid.NewString()
	op := b.Begin(ledger.Operation{Customer: c, Kind: ledger.OpAdjust, Key: key, Source: ledger.SourceAdmin, Reason: "goodwill",
		Note: note, ActorKind: "user", ActorID: "test"})
	a := b.Account(c, ledger.Points)
	if _, err := a.Credit(op, ledger.KindAdjust, "goodwill", n, ledger.Terms{}); err != nil {
		return "", err
	}
	b.Finish(op, a)
	return key, pointsdb.Ledger{}.Save(ctx, b)
}

var errNoOperation = errors.New("no such operation")
