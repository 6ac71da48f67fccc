package events_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	db       *postgres.DB
	svc      *events.Service
	tenant   tenants.ID
	customer uuid.UUID
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	svc := events.NewService(events.Deps{Tx: db, Events: customersdb.Events{}, Activity: customersdb.Activity{},
		Publisher: jobstest.Bus(db, jobstest.InsertOnly(t, db), dir), Tenants: dir, Clock: ports.SystemClock{}, Types: customersdb.EventTypes{}, Audit: platformdb.AuditLog{},
		Spend: customersdb.Events{}})
	b := &testBundle{db: db, svc: svc, tenant: pgtest.NewTenant(t, dir).ID}
	c := customer.Customer{ID: uuid.New(), Name: "王芳"}
	require.NoError(t, c.Normalise(time.Now()))
	require.NoError(t, db.InTenant(context.Background(), b.tenant, func(ctx context.Context) error {
		return customersdb.Customers{}.Insert(ctx, c)
	}))
	b.customer = c.ID
	return b
}

func (b *testBundle) auditActions(t *testing.T) []string {
	t.Helper()
	var out []string
	require.NoError(t, b.db.ReadInTenant(context.Background(), b.tenant, func(ctx context.Context) error {
		recs, err := platformdb.AuditLog{}.List(ctx, ports.AuditFilter{TargetType: "event_type"}, ports.Page{Limit: 10})
		for _, r := range recs {
			out = append(out, r.Action+" "+r.TargetID)
		}
		return err
	}))
	return out
}

var tasting = event.CustomType{Key: "tasting", Label: "品鉴会", Fields: []event.CustomField{
	{Key: "tea", Type: "enum", EnumValues: []string{"oolong", "pu_erh"}, Required: true},
	{Key: "cups", Type: "integer", Required: true},
	{Key: "note", Type: "string", MaxLength: 20},
}}

func TestEventTypesAreDefinedAuditedAndBadOnesRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()

	created, err := b.svc.SaveEventType(ctx, b.tenant, tasting)
	require.NoError(t, err)
	require.True(t, created)
	changed := tasting
	changed.Label = "Tasting"
	created, err = b.svc.SaveEventType(ctx, b.tenant, changed)
	require.NoError(t, err)
	require.False(t, created)

	_, err = b.svc.SaveEventType(ctx, b.tenant, event.CustomType{Key: "survey_2", Fields: []event.CustomField{{Key: "mood", Type: "enum"}, {Key: "Bad", Type: "text"}}})
	var fields []string
	for _, fe := range fielderr.All(err) {
		fields = append(fields, fe.Field)
	}
	require.ElementsMatch(t, []string{"fields[0].enum_values", "fields[1].key", "fields[1].type"}, fields)

	all, err := b.svc.EventTypes(ctx, b.tenant)
	require.NoError(t, err)
	require.Equal(t, []event.CustomType{changed}, all, "the bad definition changed nothing")

	require.NoError(t, b.svc.DeleteEventType(ctx, b.tenant, "tasting"))
	require.ErrorIs(t, b.svc.DeleteEventType(ctx, b.tenant, "tasting"), ports.ErrEventTypeNotFound)
	_, err = b.svc.EventType(ctx, b.tenant, "tasting")
	require.ErrorIs(t, err, ports.ErrEventTypeNotFound)
	require.Equal(t, []string{"event_type.delete tasting", "event_type.update tasting", "event_type.create tasting"}, b.auditActions(t))
}

func TestCustomEventsAreCheckedAgainstTheirTypeAndTheValidOnesKept(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.svc.SaveEventType(ctx, b.tenant, tasting)
	require.NoError(t, err)

	at := time.Now().Add(-time.Hour)
	custom := func(id, typ string, payload map[string]any) event.Draft {
		return event.Draft{ID: id, CustomerID: b.customer.String(), Type: typ, Channel: "pos", OccurredAt: at, Payload: payload}
	}
	fen := int64(3800)
	results, err := b.svc.IngestBatch(ctx, b.tenant, []event.Draft{
		custom("t1", "custom:tasting", map[string]any{"tea": "oolong", "cups": 2.0, "note": "回甘"}),
		custom("t2", "custom:unboxing", map[string]any{"box": 1.0}),
		custom("t3", "custom:tasting", map[string]any{"tea": "oolong", "cups": "two"}),
		custom("t4", "custom:tasting", map[string]any{"cups": 1.0}),
		custom("t5", "custom:tasting", map[string]any{"tea": "pu_erh", "cups": 1.0, "colour": "red"}),
		{ID: "p1", CustomerID: b.customer.String(), Type: event.TypePurchase, Channel: "pos", OccurredAt: at, AmountFen: &fen,
			Items: []event.Item{{SKU: "tea", Quantity: 1}}},
	})
	require.NoError(t, err)
	got := make([]string, len(results))
	for i, r := range results {
		got[i] = string(r.Status) + " " + r.Code
		for _, fe := range r.Errors {
			got[i] += " " + fe.Field
		}
	}
	require.Equal(t, []string{
		"accepted ",
		"rejected unknown_event_type type",
		"rejected validation_failed payload.cups",
		"rejected validation_failed payload.tea",
		"rejected validation_failed payload.colour",
		"accepted ",
	}, got)

	line, err := b.svc.Timeline(ctx, b.tenant, b.customer, ports.TimelineQuery{Type: "custom:tasting"}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, line, 1)
	require.Equal(t, map[string]any{"tea": "oolong", "cups": 2.0, "note": "回甘"}, line[0].Payload)
}

func TestABrandDefinesAtMostSoManyEventTypes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for i := range event.MaxCustomTypes {
		_, err := b.svc.SaveEventType(ctx, b.tenant, event.CustomType{Key: fmt.Sprintf("type_%d", i)})
		require.NoError(t, err)
	}
	_, err := b.svc.SaveEventType(ctx, b.tenant, event.CustomType{Key: "one_more"})
	require.ErrorIs(t, err, events.ErrTooManyTypes)
	_, err = b.svc.SaveEventType(ctx, b.tenant, event.CustomType{Key: "type_0", Label: "replaced"})
	require.NoError(t, err, "replacing a type adds none")
}
