package membership_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/application/customers/membership"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// points is a module that has a section for some members only.
type points struct{ members map[uuid.UUID]int64 }

func (p points) MemberSection(_ context.Context, customer uuid.UUID) (ports.MemberSection, bool, error) {
	balance, ok := p.members[customer]
	return ports.MemberSection{Name: "points", Data: map[string]any{"balance": balance}}, ok, nil
}

func TestSummaryShowsOnlyWhatModulesKnow(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	tn := pgtest.NewTenant(t, dir)
	buyer := customer.Customer{ID: uuid.New(), Name: "Alice"}
	idle := customer.Customer{ID: uuid.New()}
	require.NoError(t, buyer.Normalise(time.Now()))
	require.NoError(t, idle.Normalise(time.Now()))
	fen := int64(2500)
	require.NoError(t, db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		for _, c := range []customer.Customer{buyer, idle} {
			if err := (customersdb.Customers{}).Insert(ctx, c); err != nil {
				return err
			}
		}
		if _, err := (customersdb.Events{}).InsertNew(ctx, []event.Event{{ID: "p1", CustomerID: buyer.ID, Type: event.TypePurchase,
			Channel: "pos", OccurredAt: time.Now().Add(-time.Hour), AmountFen: &fen, Items: []event.Item{{SKU: "tea", Quantity: 1}}}}); err != nil {
			return err
		}
		return customersdb.Activity{}.Recompute(ctx, []uuid.UUID{buyer.ID})
	}))
	svc := membership.NewService(membership.Deps{Tx: db, Members: customersdb.MemberStatuses{}, Activity: customersdb.Activity{},
		Providers: []ports.MemberSummaryProvider{points{members: map[uuid.UUID]int64{buyer.ID: 120}}}})

	s, err := svc.Summary(t.Context(), tn.ID, buyer.ID)
	require.NoError(t, err)
	require.Equal(t, "Alice", s.Status.Name)
	require.Equal(t, "new", s.Status.LifecycleStage)
	require.False(t, s.Status.MemberSince.IsZero())
	require.Equal(t, int64(1), s.Activity.PurchaseCount)
	require.Equal(t, int64(2500), s.Activity.SpendFen)
	require.Equal(t, []ports.MemberSection{{Name: "points", Data: map[string]any{"balance": int64(120)}}}, s.Sections)

	s, err = svc.Summary(t.Context(), tn.ID, idle.ID)
	require.NoError(t, err)
	require.Zero(t, s.Activity.PurchaseCount)
	require.Empty(t, s.Sections, "a module with nothing to say is absent")

	_, err = svc.Summary(t.Context(), tn.ID, uuid.New())
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
	other := pgtest.NewTenant(t, dir)
	_, err = svc.Summary(t.Context(), other.ID, buyer.ID)
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
}
