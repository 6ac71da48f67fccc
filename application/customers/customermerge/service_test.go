package customermerge_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/application/customers/customermerge"
	"github.com/engagehq/engage/application/customers/customers"
	lifecycleapp "github.com/engagehq/engage/application/customers/lifecycle"
	"github.com/engagehq/engage/application/platform/audit"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	db        *postgres.DB
	dir       *tenants.Directory
	tenant    tenants.Tenant
	customers *customers.Service
	audit     *audit.Service
	svc       *customermerge.Service
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	log := platformdb.AuditLog{}
	b := &testBundle{db: db, dir: dir, tenant: pgtest.NewTenant(t, dir),
		customers: customers.NewService(customers.Deps{Tx: db, Repo: customersdb.Customers{}, Defs: customersdb.AttributeDefs{}, Audit: log}),
		audit:     audit.NewService(audit.Deps{Tx: db, Reader: log, Tenants: dir}),
		svc: customermerge.NewService(customermerge.Deps{Tx: db, Customers: customersdb.Customers{}, Merges: customersdb.CustomerMerges{},
			Data: []ports.CustomerData{customersdb.AttributeData{}, customersdb.WeChatAccountData{}, customersdb.ActivityData{Activity: customersdb.Activity{}},
				lifecycleapp.NewReactor(customersdb.Lifecycle{}, ports.SystemClock{}, nil)},
			Audit: log}),
	}
	require.NoError(t, b.customers.SetAttributeDefs(context.Background(), b.tenant.ID, []customer.AttributeDef{
		{Key: "shoe_size", Type: "number"}, {Key: "tea", Type: "enum", EnumValues: []string{"green", "oolong"}}}))
	return b
}

func ptr[T any](v T) *T { return &v }

func (b *testBundle) create(t *testing.T, p customers.Patch) customer.Customer {
	t.Helper()
	c, err := b.customers.Create(context.Background(), b.tenant.ID, p)
	require.NoError(t, err)
	return c
}

// activity stores events of customer and recomputes their aggregates.
func (b *testBundle) activity(t *testing.T, c uuid.UUID, evs ...event.Event) {
	t.Helper()
	for i := range evs {
		evs[i].CustomerID = c
	}
	require.NoError(t, b.db.InTenant(context.Background(), b.tenant.ID, func(ctx context.Context) error {
		if _, err := (customersdb.Events{}).InsertNew(ctx, evs); err != nil {
			return err
		}
		return customersdb.Activity{}.Recompute(ctx, []uuid.UUID{c})
	}))
}

func purchase(id string, fen int64) event.Event {
	return event.Event{ID: id, Type: event.TypePurchase, Channel: "pos", OccurredAt: time.Now().Add(-time.Hour), AmountFen: &fen,
		Items: []event.Item{{SKU: "tea-1", Quantity: 1}}}
}

func TestMergeMovesEverythingToTheSurvivorInOneStep(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a := b.create(t, customers.Patch{Name: ptr("王小明"), Email: ptr("ming@example.com"),
		Consents: map[string]bool{"marketing_sms": true}, Attributes: map[string]any{"shoe_size": 42.0}})
	d := b.create(t, customers.Patch{Name: ptr("Wang"), Phone: ptr("13812345678"), ExternalID: ptr("crm-9"), City: ptr("上海"),
		Consents: map[string]bool{"marketing_sms": false, "marketing_email": true}, Attributes: map[string]any{"shoe_size": 40.0, "tea": "oolong"}})
	require.NoError(t, b.db.InTenant(ctx, b.tenant.ID, func(ctx context.Context) error {
		return customersdb.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: "wx0123456789abcdef", OpenID: "o-dup", CustomerID: d.ID, LinkedAt: time.Now()})
	}))
	b.activity(t, a.ID, purchase("p-a", 1000))
	b.activity(t, d.ID, purchase("p-d", 500), event.Event{ID: "v-d", Type: event.TypeVisit, Channel: "pos", OccurredAt: time.Now().Add(-2 * time.Hour)})

	res, err := b.svc.Merge(ctx, b.tenant.ID, a.ID, d.ID)
	require.NoError(t, err)
	s := res.Survivor
	require.Equal(t, "王小明", s.Name, "the survivor's values win")
	require.Equal(t, "ming@example.com", s.Email)
	require.Equal(t, "+8613812345678", s.Phone, "gaps are filled from the duplicate, unique keys included")
	require.Equal(t, "crm-9", s.ExternalID)
	require.Equal(t, "上海", s.City)
	require.Equal(t, map[string]bool{"marketing_sms": true, "marketing_email": true}, s.Consents)
	require.Equal(t, map[string]any{"shoe_size": 42.0, "tea": "oolong"}, s.Attributes)
	require.Equal(t, []string{"city", "consents", "external_id", "phone"}, res.Filled)

	_, err = b.customers.Get(ctx, b.tenant.ID, d.ID)
	require.ErrorIs(t, err, ports.ErrCustomerNotFound, "the duplicate is gone")
	into, err := b.svc.Survivor(ctx, b.tenant.ID, d.ID)
	require.NoError(t, err)
	require.Equal(t, a.ID, into, "its ID leads to the survivor")

	require.NoError(t, b.db.InTenant(ctx, b.tenant.ID, func(ctx context.Context) error {
		acc, err := customersdb.WeChatAccounts{}.Get(ctx, "wx0123456789abcdef", "o-dup")
		require.NoError(t, err)
		require.Equal(t, a.ID, acc.CustomerID, "the WeChat account moved")
		act, err := customersdb.Activity{}.Get(ctx, a.ID)
		require.NoError(t, err)
		require.Equal(t, int64(2), act.PurchaseCount, "both histories count")
		require.Equal(t, int64(1500), act.SpendFen)
		require.Equal(t, int64(1), act.VisitCount)
		_, err = customersdb.Activity{}.Get(ctx, d.ID)
		require.ErrorIs(t, err, ports.ErrNoActivity)
		evs, err := customersdb.Events{}.Timeline(ctx, a.ID, ports.TimelineQuery{}, ports.Page{Limit: 10})
		require.NoError(t, err)
		require.Len(t, evs, 3)
		return nil
	}))

	trail, err := b.audit.List(ctx, b.tenant.ID, ports.AuditFilter{Action: "customer.merge"}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, trail, 1)
	require.Equal(t, a.ID.String(), trail[0].TargetID)
	require.Contains(t, string(trail[0].Before), d.ID.String())
	require.NotContains(t, string(trail[0].After), "13812345678", "the trail names fields, not values")

	// A second request for the same merge finds the duplicate merged; a chain of merges
	// keeps leading to the last survivor.
	_, err = b.svc.Merge(ctx, b.tenant.ID, a.ID, d.ID)
	var merged *customermerge.MergedError
	require.ErrorAs(t, err, &merged)
	require.True(t, merged.Duplicate)
	require.Equal(t, a.ID, merged.Into)
	z := b.create(t, customers.Patch{Name: ptr("Z")})
	_, err = b.svc.Merge(ctx, b.tenant.ID, z.ID, a.ID)
	require.NoError(t, err)
	into, err = b.svc.Survivor(ctx, b.tenant.ID, d.ID)
	require.NoError(t, err)
	require.Equal(t, z.ID, into)
	_, err = b.svc.Merge(ctx, b.tenant.ID, a.ID, z.ID)
	require.ErrorAs(t, err, &merged)
	require.False(t, merged.Duplicate, "the survivor named was merged away")
}

func TestMergeRecomputesTheSurvivorsLifecycleStage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a := b.create(t, customers.Patch{Name: ptr("王小明")})
	d := b.create(t, customers.Patch{Name: ptr("Wang")})
	old := purchase("p-old", 800)
	old.OccurredAt = time.Now().AddDate(-1, 0, 0)
	b.activity(t, d.ID, old)
	require.Equal(t, lifecycle.New, a.LifecycleStage)

	res, err := b.svc.Merge(ctx, b.tenant.ID, a.ID, d.ID)
	require.NoError(t, err)
	got, err := b.customers.Get(ctx, b.tenant.ID, res.Survivor.ID)
	require.NoError(t, err)
	require.Equal(t, lifecycle.Lapsed, got.LifecycleStage,
		"the duplicate's history says the person joined and last bought a year ago")
}

func TestMergeRefusesBadPairsAndChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a := b.create(t, customers.Patch{Name: ptr("A"), Phone: ptr("13800000001")})
	d := b.create(t, customers.Patch{Name: ptr("D"), Phone: ptr("13800000002")})
	other := pgtest.NewTenant(t, b.dir)
	theirs, err := b.customers.Create(ctx, other.ID, customers.Patch{Name: ptr("Theirs")})
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		survivor, duplicate uuid.UUID
		want                error
	}{
		"itself":            {a.ID, a.ID, customermerge.ErrSameCustomer},
		"unknown duplicate": {a.ID, uuid.New(), customermerge.ErrDuplicateNotFound},
		"unknown survivor":  {uuid.New(), d.ID, customermerge.ErrSurvivorNotFound},
		"another brand's":   {a.ID, theirs.ID, customermerge.ErrDuplicateNotFound},
	} {
		_, err := b.svc.Merge(ctx, b.tenant.ID, tc.survivor, tc.duplicate)
		require.ErrorIsf(t, err, tc.want, "%s", name)
	}
	for _, c := range []customer.Customer{a, d} {
		got, err := b.customers.Get(ctx, b.tenant.ID, c.ID)
		require.NoError(t, err)
		require.Equal(t, c.Phone, got.Phone)
	}
	got, err := b.customers.Get(ctx, other.ID, theirs.ID)
	require.NoError(t, err)
	require.Equal(t, "Theirs", got.Name)
	trail, err := b.audit.List(ctx, b.tenant.ID, ports.AuditFilter{Action: "customer.merge"}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, trail)
}

func TestLookAlikesShareAnEmailOrANameInACity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a := b.create(t, customers.Patch{Name: ptr("王小明"), City: ptr("上海"), Email: ptr("ming@example.com")})
	sameNameCity := b.create(t, customers.Patch{Name: ptr("王小明"), City: ptr("上海")})
	sameEmail := b.create(t, customers.Patch{Name: ptr("Xiaoming"), Email: ptr("MING@example.com")})
	b.create(t, customers.Patch{Name: ptr("王小明"), City: ptr("北京")})
	b.create(t, customers.Patch{Name: ptr("李华"), City: ptr("上海")})
	nameless := b.create(t, customers.Patch{City: ptr("上海")})
	b.create(t, customers.Patch{City: ptr("上海")})

	got, err := b.svc.LookAlikes(ctx, b.tenant.ID, a.ID)
	require.NoError(t, err)
	var ids []uuid.UUID
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	require.Equal(t, []uuid.UUID{sameNameCity.ID, sameEmail.ID}, ids)
	none, err := b.svc.LookAlikes(ctx, b.tenant.ID, nameless.ID)
	require.NoError(t, err)
	require.Empty(t, none, "an empty name matches nobody")
	_, err = b.svc.LookAlikes(ctx, b.tenant.ID, uuid.New())
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
}
