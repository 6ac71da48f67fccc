package customersdb

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// noPurchase is the sort value of a last purchase that never happened: below every instant.
const noPurchase = "-9223372036854775807"

// sortOrder is how a list is ordered by one key, over the customers row "c" and its activity
// "a": by the expression order, whose value as one bigint (fen, a count, or microseconds since
// 1970) is value, so that a cursor holds one integer and the ID whatever the order; bound is
// the order's value back from the cursor's $1.
type sortOrder struct{ order, value, bound string }

var sortOrders = map[ports.CustomerSortKey]sortOrder{
	// By the column itself, so that the newest first is read from the index customers_newest.
	ports.SortCreated: {order: `c.created_at`, value: `(extract(epoch FROM c.created_at) * 1000000)::bigint`,
		bound: `(timestamptz 'epoch' + $1::bigint * interval '1 microsecond')`},
	ports.SortSpend:     {order: `coalesce(a.spend, 0)`, value: `coalesce(a.spend, 0)`, bound: `$1::bigint`},
	ports.SortPurchases: {order: `coalesce(a.purchases, 0)`, value: `coalesce(a.purchases, 0)`, bound: `$1::bigint`},
	ports.SortLastPurchase: {order: `coalesce((extract(epoch FROM a.last_purchase) * 1000000)::bigint, ` + noPurchase + `)`,
		value: `coalesce((extract(epoch FROM a.last_purchase) * 1000000)::bigint, ` + noPurchase + `)`, bound: `$1::bigint`},
}

// browseCursor is a position in a sorted list: the key it belongs to, the sort value and the
// customer's ID, as "key.value.id".
func browseCursor(key ports.CustomerSortKey, value int64, id uuid.UUID) string {
	return string(key) + "." + strconv.FormatInt(value, 10) + "." + id.String()
}

func parseBrowseCursor(key ports.CustomerSortKey, s string) (int64, uuid.UUID, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] != string(key) {
		return 0, uuid.Nil, ports.ErrBadCursor
	}
	v, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return 0, uuid.Nil, ports.ErrBadCursor
	}
	id, err := uuid.Parse(parts[2])
	if err != nil {
		return 0, uuid.Nil, ports.ErrBadCursor
	}
	return v, id, nil
}

// Browse implements ports.CustomerRepository: a keyset over (sort value, id), both descending
// or both ascending, so that customers whose values tie are ordered by ID across pages.
func (Customers) Browse(ctx context.Context, cq ports.CustomerQuery, sort ports.CustomerSort, page ports.Page) ([]ports.CustomerSummary, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	if sort.Key == "" {
		sort.Key = ports.SortCreated
	}
	by, ok := sortOrders[sort.Key]
	if !ok {
		return nil, ports.ErrBadCursor
	}
	dir, cmp := "DESC", "<"
	if sort.Asc {
		dir, cmp = "ASC", ">"
	}
	var w postgres.Where
	customerConditions(&w, cq)
	if page.After != "" {
		v, id, err := parseBrowseCursor(sort.Key, page.After)
		if err != nil {
			return nil, err
		}
		w.And("("+by.order+", c.id) "+cmp+" ("+by.bound+", $2::uuid)", v, id)
	}
	// The activity's columns are renamed in the join so that the customer's own
	// (created_at, updated_at) stay unambiguous in customerColumns and the filters.
	rows, err := q.Query(ctx, `SELECT `+customerColumns+`, coalesce(a.spend, 0), coalesce(a.purchases, 0), a.last_purchase,
			ARRAY(SELECT t.tag FROM customer_tags t WHERE t.tenant_id = c.tenant_id AND t.customer_id = c.id ORDER BY t.tag),
			`+by.value+`
		FROM customers c
		LEFT JOIN (SELECT tenant_id AS activity_tenant, customer_id AS activity_customer, spend_fen AS spend,
				purchase_count AS purchases, last_purchase_at AS last_purchase FROM customer_activity) a
			ON a.activity_tenant = c.tenant_id AND a.activity_customer = c.id
		WHERE `+w.String()+` ORDER BY `+by.order+` `+dir+`, c.id `+dir+` LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ports.CustomerSummary, error) {
		var s ports.CustomerSummary
		var v int64
		c, err := scanCustomer(rowWith(r, &s.SpendFen, &s.Purchases, &s.LastPurchaseAt, &s.Tags, &v))
		s.Customer, s.Cursor = c, browseCursor(sort.Key, v, c.ID)
		return s, err
	})
}

// Count implements ports.CustomerRepository.
func (Customers) Count(ctx context.Context, cq ports.CustomerQuery) (int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	var w postgres.Where
	customerConditions(&w, cq)
	var n int64
	err = q.QueryRow(ctx, `SELECT count(*) FROM customers c WHERE `+w.String(), w.Args()...).Scan(&n)
	return n, err
}

// extraRow scans a customer's columns and then the extra ones that follow them.
type extraRow struct {
	pgx.Row
	extra []any
}

func (r extraRow) Scan(dest ...any) error { return r.Row.Scan(append(dest, r.extra...)...) }

func rowWith(r pgx.Row, extra ...any) pgx.Row { return extraRow{Row: r, extra: extra} }
