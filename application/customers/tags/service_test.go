package tags_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/application/customers/tags"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/tag"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/platform/audit"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	db     *postgres.DB
	svc    *tags.Service
	tenant tenants.Tenant
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	svc := tags.NewService(tags.Deps{Tx: db, Tags: customersdb.Tags{}, Customers: customersdb.Customers{}, Audit: platformdb.AuditLog{}})
	return &testBundle{db: db, svc: svc, tenant: pgtest.NewTenant(t, dir)}
}

// customers stores n customers in the bundle's tenant, in one statement, named 会员0...
func (b *testBundle) customers(t *testing.T, n int, city string) []uuid.UUID {
	t.Helper()
	cs := make([]customer.Customer, n)
	for i := range cs {
		cs[i] = customer.Customer{ID: uuid.New(), ExternalID: fmt.Sprintf("%s-%d", city, i), Name: fmt.Sprintf("会员%d", i), City: city}
		require.NoError(t, cs[i].Normalise(time.Now()))
	}
	ids := make([]uuid.UUID, 0, n)
	require.NoError(t, b.db.InTenant(context.Background(), b.tenant.ID, func(ctx context.Context) error {
		for start := 0; start < n; start += 1000 {
			byExternal, _, err := customersdb.CustomerImport{}.ImportNew(ctx, cs[start:min(start+1000, n)])
			if err != nil {
				return err
			}
			for _, id := range byExternal {
				ids = append(ids, id)
			}
		}
		return nil
	}))
	return ids
}

// audits returns the after-snapshots of the tenant's audit entries with action, oldest first.
func (b *testBundle) audits(t *testing.T, action string) []map[string]any {
	t.Helper()
	var out []map[string]any
	require.NoError(t, b.db.ReadInTenant(context.Background(), b.tenant.ID, func(ctx context.Context) error {
		return platformdb.AuditLog{}.Each(ctx, ports.AuditFilter{Action: action}, func(r audit.Record) error {
			var after map[string]any
			require.NoError(t, json.Unmarshal(r.After, &after))
			out = append(out, after)
			return nil
		})
	}))
	return out
}

func TestTaggingACustomerIsIdempotentAndAuditedWithCounts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice := b.customers(t, 1, "上海")[0]

	got, err := b.svc.Add(ctx, b.tenant.ID, alice, []string{" VIP ", "常客", "VIP"})
	require.NoError(t, err)
	require.Equal(t, []string{"VIP", "常客"}, names(got))
	_, err = b.svc.Add(ctx, b.tenant.ID, alice, []string{"VIP"})
	require.NoError(t, err)
	got, err = b.svc.Remove(ctx, b.tenant.ID, alice, "常客")
	require.NoError(t, err)
	require.Equal(t, []string{"VIP"}, names(got))
	_, err = b.svc.Remove(ctx, b.tenant.ID, alice, "常客")
	require.NoError(t, err)

	require.Equal(t, []map[string]any{{"added": 2.0, "removed": 0.0, "tags": 2.0}}, b.audits(t, "tag.assign"), "adding what is there records nothing")
	require.Equal(t, []map[string]any{{"added": 0.0, "removed": 1.0, "tags": 1.0}}, b.audits(t, "tag.remove"))

	_, err = b.svc.Add(ctx, b.tenant.ID, uuid.New(), []string{"VIP"})
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
	_, err = b.svc.Of(ctx, b.tenant.ID, uuid.New())
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
	_, err = b.svc.Add(ctx, b.tenant.ID, alice, []string{"ok", "\t"})
	require.ErrorIs(t, err, tag.ErrEmpty)
	got, err = b.svc.Of(ctx, b.tenant.ID, alice)
	require.NoError(t, err)
	require.Equal(t, []string{"VIP"}, names(got), "a bad name changes nothing")
}

func names(ts []ports.CustomerTag) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Tag
	}
	return out
}

func TestBulkTaggingChangesNothingWhenAnyCustomerIsUnknown(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ids := b.customers(t, 3, "杭州")
	ghost := uuid.New()

	_, err := b.svc.Apply(ctx, b.tenant.ID, tags.Bulk{Tags: []string{"夏季活动"}, Customers: []uuid.UUID{ids[0], ghost, ids[1], ghost}})
	var unknown *tags.UnknownCustomersError
	require.ErrorAs(t, err, &unknown)
	require.Equal(t, []int{1, 3}, unknown.Indexes)
	counts, err := b.svc.Counts(ctx, b.tenant.ID)
	require.NoError(t, err)
	require.Empty(t, counts)

	res, err := b.svc.Apply(ctx, b.tenant.ID, tags.Bulk{Tags: []string{"夏季活动"}, Customers: append(ids, ids[0])})
	require.NoError(t, err)
	require.Equal(t, tags.BulkResult{Customers: 3, Changed: 3}, res)
	res, err = b.svc.Apply(ctx, b.tenant.ID, tags.Bulk{Tags: []string{"夏季活动"}, Remove: true, Customers: ids[:1]})
	require.NoError(t, err)
	require.Equal(t, tags.BulkResult{Customers: 1, Changed: 1}, res)
	counts, err = b.svc.Counts(ctx, b.tenant.ID)
	require.NoError(t, err)
	require.Equal(t, []ports.TagCount{{Tag: "夏季活动", Customers: 2}}, counts)
	require.Equal(t, []map[string]any{{"action": "assign", "customers": 3.0, "changed": 3.0}, {"action": "remove", "customers": 1.0, "changed": 1.0}},
		b.audits(t, "tag.bulk"))

	_, err = b.svc.Apply(ctx, b.tenant.ID, tags.Bulk{Tags: []string{"ok", ""}, Customers: nil})
	require.ErrorIs(t, err, tags.ErrBulkSize)
	require.ErrorIs(t, err, tag.ErrEmpty)
	var fields []string
	for _, fe := range fielderr.All(err) {
		fields = append(fields, fe.Field)
	}
	require.Equal(t, []string{"tags[1]", "customer_ids"}, fields)
	_, err = b.svc.Apply(ctx, b.tenant.ID, tags.Bulk{Customers: ids})
	require.ErrorIs(t, err, tags.ErrBulkTags)
	_, err = b.svc.Apply(ctx, b.tenant.ID, tags.Bulk{Tags: []string{"x"}, Customers: make([]uuid.UUID, tags.MaxBulk+1)})
	require.ErrorIs(t, err, tags.ErrBulkSize)
}

func TestBulkTaggingGivesSeveralTagsAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	ids := b.customers(t, 2, "杭州")
	_, err := b.svc.Add(ctx, b.tenant.ID, ids[0], []string{"VIP"})
	require.NoError(t, err)

	res, err := b.svc.Apply(ctx, b.tenant.ID, tags.Bulk{Tags: []string{"VIP", "夏季活动", "VIP"}, Customers: ids})
	require.NoError(t, err)
	require.Equal(t, tags.BulkResult{Customers: 2, Changed: 3}, res, "the first customer had VIP already")
	counts, err := b.svc.Counts(ctx, b.tenant.ID)
	require.NoError(t, err)
	require.ElementsMatch(t, []ports.TagCount{{Tag: "VIP", Customers: 2}, {Tag: "夏季活动", Customers: 2}}, counts)
	require.ElementsMatch(t, []map[string]any{{"action": "assign", "customers": 2.0, "changed": 1.0}, {"action": "assign", "customers": 2.0, "changed": 2.0}},
		b.audits(t, "tag.bulk"), "one audit row per tag, with its own count")

	res, err = b.svc.Apply(ctx, b.tenant.ID, tags.Bulk{Tags: []string{"VIP", "夏季活动"}, Remove: true, Customers: ids[:1]})
	require.NoError(t, err)
	require.Equal(t, tags.BulkResult{Customers: 1, Changed: 2}, res)
}

func TestBulkTaggingAFilteredListStopsBeyondTheLimit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	b.customers(t, 1200, "上海")
	b.customers(t, 2, "成都")

	res, err := b.svc.ApplyMatching(ctx, b.tenant.ID, ports.CustomerQuery{City: "上海"}, "沪", false)
	require.NoError(t, err)
	require.Equal(t, tags.BulkResult{Customers: 1200, Changed: 1200}, res, "every page of the filter is tagged")
	res, err = b.svc.ApplyMatching(ctx, b.tenant.ID, ports.CustomerQuery{Tag: "沪"}, "沪", true)
	require.NoError(t, err)
	require.Equal(t, int64(1200), res.Changed)

	b.customers(t, tags.MaxBulk-1200+1, "上海x")
	_, err = b.svc.ApplyMatching(ctx, b.tenant.ID, ports.CustomerQuery{}, "all", false)
	require.ErrorIs(t, err, tags.ErrTooManyMatches)
	counts, err := b.svc.Counts(ctx, b.tenant.ID)
	require.NoError(t, err)
	require.Empty(t, counts, "nothing changes beyond the limit")
}
