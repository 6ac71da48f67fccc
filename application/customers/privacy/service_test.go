package privacy_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/privacy"
	"github.com/engagehq/engage/application/platform/audit"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	db        *postgres.DB
	dir       *tenants.Directory
	tenant    tenants.Tenant
	customers *customers.Service
	audit     *audit.Service
	svc       *privacy.Service
	river     *riverjobs.Client
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	log := platformdb.AuditLog{}
	jobs, err := riverjobs.New(db, riverjobs.Config{MaxWorkers: 2, NoPeriodic: true})
	require.NoError(t, err)
	b := &testBundle{db: db, dir: dir, tenant: pgtest.NewTenant(t, dir), river: jobs.Client(),
		customers: customers.NewService(customers.Deps{Tx: db, Repo: customersdb.Customers{}, Defs: customersdb.AttributeDefs{}, Audit: log}),
		audit:     audit.NewService(audit.Deps{Tx: db, Reader: log, Tenants: dir}),
		svc: privacy.NewService(privacy.Deps{Tx: db, Customers: customersdb.Customers{}, Erasures: customersdb.Erasures{},
			Data:     []ports.CustomerData{customersdb.AttributeData{}, customersdb.WeChatAccountData{}, customersdb.ActivityData{Activity: customersdb.Activity{}}},
			Sessions: customersdb.CustomerSessions{}, Jobs: jobs.Scheduler(), Audit: log, Tenants: dir}),
	}
	riverjobs.Handle(jobs, b.svc.Erase, riverjobs.WorkerOptions{})
	require.NoError(t, b.customers.SetAttributeDefs(context.Background(), b.tenant.ID, []customer.AttributeDef{{Key: "nickname", Type: "string"}}))
	return b
}

// work starts River's workers and waits until n erasure jobs completed.
func (b *testBundle) work(t *testing.T, n int) {
	t.Helper()
	completed, cancel := b.river.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, b.river.Start(ctx))
	t.Cleanup(func() {
		stop()
		<-b.river.Stopped()
	})
	for n > 0 {
		select {
		case ev := <-completed:
			require.Equal(t, river.EventKindJobCompleted, ev.Kind, "job errors: %v", ev.Job.Errors)
			n--
		case <-time.After(30 * time.Second):
			t.Fatalf("%d erasure jobs were not worked", n)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// member is a customer with a full profile, a WeChat account and events that carry personal
// data in their payloads.
func (b *testBundle) member(t *testing.T) customer.Customer {
	t.Helper()
	ctx := context.Background()
	c, err := b.customers.Create(ctx, b.tenant.ID, customers.Patch{Name: ptr("李秀英"), Phone: ptr("13912345678"),
		Email: ptr("xiuying@example.com"), ExternalID: ptr("crm-li"), AvatarURL: ptr("https://img.example/li.png"),
		BirthDate: ptr(time.Date(1988, 3, 4, 0, 0, 0, 0, time.UTC)), City: ptr("杭州"),
		Address:  &customer.Address{Province: "浙江", Line: "西湖区文三路 8 号", Postcode: "310000"},
		Consents: map[string]bool{"marketing_sms": true}, Attributes: map[string]any{"nickname": "Little Li"}})
	require.NoError(t, err)
	fen := int64(2599)
	require.NoError(t, b.db.InTenant(ctx, b.tenant.ID, func(ctx context.Context) error {
		if err := (customersdb.WeChatAccounts{}).Insert(ctx, ports.WeChatAccount{AppID: "wx0123456789abcdef", OpenID: "o-li",
			UnionID: "u-li", CustomerID: c.ID, Nickname: "秀英", LinkedAt: time.Now()}); err != nil {
			return err
		}
		at := time.Now().Add(-time.Hour)
		if _, err := (customersdb.Events{}).InsertNew(ctx, []event.Event{
			{ID: "buy-1", CustomerID: c.ID, Type: event.TypePurchase, Channel: "pos", OccurredAt: at, AmountFen: &fen, Store: "HZ-01",
				Items: []event.Item{{SKU: "oolong", Quantity: 2}}, Payload: map[string]any{"receipt_name": "李秀英"}},
			{ID: "ref-1", CustomerID: c.ID, Type: event.TypeReferral, Channel: "mini_program", OccurredAt: at,
				Payload: map[string]any{"target_phone": "13700001111", "target_name": "王芳"}},
			{ID: "survey-1", CustomerID: c.ID, Type: event.TypeSurvey, Channel: "mini_program", OccurredAt: at,
				Payload: map[string]any{"score": 9, "comment": "我住在文三路，店员小张很好"}},
		}); err != nil {
			return err
		}
		return customersdb.Activity{}.Recompute(ctx, []uuid.UUID{c.ID})
	}))
	return c
}

// rows returns every row the database keeps about customer, as JSON text.
func (b *testBundle) rows(t *testing.T, id uuid.UUID) string {
	t.Helper()
	var all []string
	require.NoError(t, b.db.InTenant(context.Background(), b.tenant.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		for _, table := range []string{"customers WHERE id = $1", "wechat_accounts WHERE customer_id = $1",
			"customer_events WHERE customer_id = $1", "customer_activity WHERE customer_id = $1"} {
			rows, err := q.Query(ctx, `SELECT to_jsonb(t)::text FROM `+strings.Replace(table, " WHERE", " t WHERE", 1), id)
			if err != nil {
				return err
			}
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					return err
				}
				all = append(all, s)
			}
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	}))
	return strings.Join(all, "\n")
}

func TestDownloadHoldsTheProfileAndEveryModulesPart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.member(t)
	d, err := b.svc.Export(context.Background(), b.tenant.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, "李秀英", d.Customer.Name)
	raw, err := json.Marshal(d.Sections)
	require.NoError(t, err)
	for _, want := range []string{`"attributes":{"nickname":"Little Li"}`, `"open_id":"o-li"`, `"target_phone":"13700001111"`,
		`"purchase_count":1`, `"spend_fen":2599`} {
		require.Contains(t, string(raw), want)
	}
	trail, err := b.audit.List(context.Background(), b.tenant.ID, ports.AuditFilter{Action: "customer.data_export"}, ports.Page{Limit: 5})
	require.NoError(t, err)
	require.Len(t, trail, 1)
	require.NotContains(t, string(trail[0].After), "李秀英")

	_, err = b.svc.Export(context.Background(), b.tenant.ID, uuid.New())
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
}

func TestErasureRemovesEveryPersonalValueAndKeepsTheAggregates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	c := b.member(t)
	other := b.member2(t)
	before := b.rows(t, c.ID)
	personal := []string{"李秀英", "13912345678", "xiuying@example.com", "crm-li", "img.example", "1988-03-04", "文三路",
		"Little Li", "o-li", "u-li", "秀英", "13700001111", "王芳", "店员小张"}
	for _, p := range personal {
		require.Contains(t, before, p, "the test data holds %s", p)
	}

	e, err := b.svc.RequestErasure(ctx, b.tenant.ID, c.ID, ports.ErasureByAdmin)
	require.NoError(t, err)
	require.Equal(t, ports.ErasurePending, e.Status)
	_, err = b.svc.RequestErasure(ctx, b.tenant.ID, c.ID, ports.ErasureByCustomer)
	require.ErrorIs(t, err, ports.ErrErasurePending, "one open request per customer")
	b.work(t, 1)

	after := b.rows(t, c.ID)
	for _, p := range personal {
		require.NotContains(t, after, p, "%s is erased", p)
	}
	require.Contains(t, after, `"erased_at"`)
	require.Contains(t, after, `"amount_fen": 2599`, "amounts stay")
	require.Contains(t, after, `"sku": "oolong"`, "what was bought stays")
	require.Contains(t, after, `"spend_fen": 2599`, "aggregates stay")
	require.NoError(t, b.db.InTenant(ctx, b.tenant.ID, func(ctx context.Context) error {
		require.NoError(t, customersdb.Activity{}.Recompute(ctx, []uuid.UUID{c.ID}))
		act, err := customersdb.Activity{}.Get(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, int64(1), act.PurchaseCount, "recomputing after erasure counts the same")
		require.Equal(t, int64(2599), act.SpendFen)
		return nil
	}))
	require.Contains(t, b.rows(t, other.ID), "张伟", "other customers keep their data")

	list, err := b.svc.Erasures(ctx, b.tenant.ID, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, ports.ErasureDone, list[0].Status)
	require.NotNil(t, list[0].ClosedAt)

	// The profile cannot take personal data back, and the job run again changes nothing.
	_, err = b.customers.Update(ctx, b.tenant.ID, c.ID, customers.Patch{Name: ptr("李秀英")})
	require.ErrorIs(t, err, ports.ErrCustomerErased)
	require.NoError(t, b.svc.Erase(ctx, privacy.EraseArgs{TenantID: b.tenant.ID.UUID(), ErasureID: e.ID}))
	_, err = b.svc.RequestErasure(ctx, b.tenant.ID, c.ID, ports.ErasureByAdmin)
	require.ErrorIs(t, err, ports.ErrCustomerErased)

	trail, err := b.audit.List(ctx, b.tenant.ID, ports.AuditFilter{TargetID: c.ID.String()}, ports.Page{Limit: 20})
	require.NoError(t, err)
	var actions []string
	for _, r := range trail {
		actions = append(actions, r.Action)
		for _, p := range personal {
			require.NotContains(t, string(r.Before)+string(r.After), p)
		}
	}
	require.Contains(t, actions, "customer.erase")
	require.Contains(t, actions, "customer.erasure_request")
}

// member2 is a second customer, to show erasure touches one only.
func (b *testBundle) member2(t *testing.T) customer.Customer {
	t.Helper()
	c, err := b.customers.Create(context.Background(), b.tenant.ID, customers.Patch{Name: ptr("张伟"), Phone: ptr("13600001234")})
	require.NoError(t, err)
	return c
}

func TestACustomersOwnRequestWaitsAndCanBeCancelled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	c := b.member(t)
	e, err := b.svc.RequestErasure(ctx, b.tenant.ID, c.ID, ports.ErasureByCustomer)
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().Add(privacy.CoolingOff), e.DueAt, time.Minute)
	pending, err := b.svc.PendingErasure(ctx, b.tenant.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, e.ID, pending.ID)

	cancelled, err := b.svc.CancelErasure(ctx, b.tenant.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, ports.ErasureCancelled, cancelled.Status)
	_, err = b.svc.CancelErasure(ctx, b.tenant.ID, c.ID)
	require.ErrorIs(t, err, ports.ErrErasureNotFound)

	// The job, when it comes, finds the request cancelled and leaves the customer alone.
	require.NoError(t, b.svc.Erase(ctx, privacy.EraseArgs{TenantID: b.tenant.ID.UUID(), ErasureID: e.ID}))
	got, err := b.customers.Get(ctx, b.tenant.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, "李秀英", got.Name)

	_, err = b.svc.RequestErasure(ctx, b.tenant.ID, uuid.New(), ports.ErasureByCustomer)
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
}
