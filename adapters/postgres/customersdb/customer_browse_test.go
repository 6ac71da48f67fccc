package customersdb_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// browseCase is a customer as stored for the sorted list: created at, and their activity
// (none when purchases is -1).
type browseCase struct {
	id        uuid.UUID
	created   time.Time
	spend     int64
	purchases int64
	last      *time.Time
}

func (c browseCase) value(key ports.CustomerSortKey) int64 {
	switch key {
	case ports.SortSpend:
		return c.spend
	case ports.SortPurchases:
		return max(c.purchases, 0)
	case ports.SortLastPurchase:
		if c.last == nil {
			return -1 << 62
		}
		return c.last.UnixMicro()
	}
	return c.created.UnixMicro()
}

// TestSortedCustomerPagesNeitherSkipNorRepeat pages through customers whose spend, purchase
// counts, last purchases and creation times tie in groups, in every order, a few at a time:
// every customer comes exactly once, in the order of (value, id), and a changed value between
// pages moves no one onto a second page or off every page.
func TestSortedCustomerPagesNeitherSkipNorRepeat(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := customersdb.Customers{}
	base := time.Date(2025, 3, 1, 4, 0, 0, 0, time.UTC)
	var cases []browseCase
	b.inTenant(t, tn, func(ctx context.Context) error {
		q, tenant, _ := postgres.TenantTx(ctx)
		for i := range 23 {
			id, err := newCustomer(ctx)
			if err != nil {
				return err
			}
			c := browseCase{id: id, created: base.Add(time.Duration(i%4)*time.Hour + 123457*time.Microsecond), spend: int64(i%3) * 10000, purchases: int64(i % 3)}
			if _, err := q.Exec(ctx, `UPDATE customers SET created_at = $2 WHERE id = $1`, id, c.created); err != nil {
				return err
			}
			if i%5 == 0 { // no activity at all
				c.spend, c.purchases = 0, -1
			} else {
				if c.purchases > 0 {
					last := base.AddDate(0, 0, i%2)
					c.last = &last
				}
				if _, err := q.Exec(ctx, `INSERT INTO customer_activity (tenant_id, customer_id, last_purchase_at, purchase_count, spend_fen)
					VALUES ($1, $2, $3, $4, $5)`, tenant.UUID(), id, c.last, c.purchases, c.spend); err != nil {
					return err
				}
			}
			cases = append(cases, c)
		}
		return nil
	})
	for _, key := range ports.CustomerSortKeys {
		for _, asc := range []bool{false, true} {
			sort := ports.CustomerSort{Key: key, Asc: asc}
			want := slices.Clone(cases)
			slices.SortFunc(want, func(x, y browseCase) int {
				c := cmpInt(x.value(key), y.value(key))
				if c == 0 {
					c = slices.Compare(x.id[:], y.id[:])
				}
				if !asc {
					c = -c
				}
				return c
			})
			var got []uuid.UUID
			after := ""
			for range 10 {
				var page []ports.CustomerSummary
				b.inTenant(t, tn, func(ctx context.Context) (err error) {
					page, err = repo.Browse(ctx, ports.CustomerQuery{}, sort, ports.Page{After: after, Limit: 4})
					return err
				})
				for _, s := range page {
					got = append(got, s.ID)
				}
				if len(page) < 4 {
					break
				}
				after = page[len(page)-1].Cursor
			}
			wantIDs := make([]uuid.UUID, len(want))
			for i, c := range want {
				wantIDs[i] = c.id
			}
			require.Equal(t, wantIDs, got, "sorted by %s, ascending %v", key, asc)
		}
	}

	// A page after the first keeps its place when the customer it follows changes: the cursor
	// holds the value it was sorted by, not the customer to look up again (whose new spend of 0
	// would skip everyone spending more). The changed customer sorts again by their new value.
	var first []ports.CustomerSummary
	sort := ports.CustomerSort{Key: ports.SortSpend}
	b.inTenant(t, tn, func(ctx context.Context) (err error) {
		first, err = repo.Browse(ctx, ports.CustomerQuery{}, sort, ports.Page{Limit: 3})
		return err
	})
	require.Equal(t, int64(20000), first[2].SpendFen)
	var rest []ports.CustomerSummary
	b.inTenant(t, tn, func(ctx context.Context) (err error) {
		q, _, _ := postgres.TenantTx(ctx)
		if _, err := q.Exec(ctx, `UPDATE customer_activity SET spend_fen = 0 WHERE customer_id = $1`, first[2].ID); err != nil {
			return err
		}
		rest, err = repo.Browse(ctx, ports.CustomerQuery{}, sort, ports.Page{After: first[2].Cursor, Limit: 100})
		return err
	})
	seen := map[uuid.UUID]int{}
	for _, s := range rest {
		seen[s.ID]++
	}
	for _, c := range cases {
		switch c.id {
		case first[0].ID, first[1].ID:
			require.Zero(t, seen[c.id])
		default:
			require.Equal(t, 1, seen[c.id], "every customer after the first page, once")
		}
	}

	// A cursor of another order, or none at all, is refused as malformed.
	b.inTenant(t, tn, func(ctx context.Context) error {
		for _, bad := range []string{first[2].Cursor + "x", "created" + first[2].Cursor[len("spend"):], "spend.1", "spend.x." + first[2].ID.String()} {
			_, err := repo.Browse(ctx, ports.CustomerQuery{}, sort, ports.Page{After: bad, Limit: 3})
			require.ErrorIs(t, err, ports.ErrBadCursor, bad)
		}
		return nil
	})

	// The count is of everyone the filters keep, whatever a page holds.
	b.inTenant(t, tn, func(ctx context.Context) error {
		n, err := repo.Count(ctx, ports.CustomerQuery{})
		require.NoError(t, err)
		require.Equal(t, int64(len(cases)), n)
		return nil
	})
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// A search matches the start of an external ID beside names, emails and phones, and a full
// phone number also finds the customer whose external ID it is (a POS that keys customers by
// phone); the count agrees with the list.
func TestCustomersAreSearchedByExternalID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := customersdb.Customers{}
	b.inTenant(t, tn, func(ctx context.Context) error {
		for _, c := range []struct{ name, ext, phone string }{
			{"王小明", "POS-1001", "+8613812345678"}, {"李华", "POS-1002", ""}, {"张伟", "13900001111", ""}, {"赵敏", "", ""},
		} {
			cu := customer.Customer{ID: uuid.New(), Name: c.name, ExternalID: c.ext, Phone: c.phone}
			if err := cu.Normalise(time.Now()); err != nil {
				return err
			}
			if err := repo.Insert(ctx, cu); err != nil {
				return err
			}
		}
		for search, want := range map[string][]string{
			"POS-100": {"李华", "王小明"}, "POS-1002": {"李华"}, "13900001111": {"张伟"}, "13812345678": {"王小明"}, "pos": nil,
		} {
			list, err := repo.Browse(ctx, ports.CustomerQuery{Search: search}, ports.CustomerSort{Key: ports.SortCreated, Asc: true}, ports.Page{Limit: 10})
			require.NoError(t, err)
			var names []string
			for _, s := range list {
				names = append(names, s.Name)
			}
			slices.Sort(names)
			require.Equal(t, want, names, search)
			n, err := repo.Count(ctx, ports.CustomerQuery{Search: search})
			require.NoError(t, err)
			require.Equal(t, int64(len(want)), n, search)
		}
		return nil
	})
}
