package customersdb

import (
	"context"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// SegmentValues implements ports.SegmentValueReader over the brand's customers, tags and
// events.
type SegmentValues struct{}

var _ ports.SegmentValueReader = SegmentValues{}

// segmentValueQueries select the distinct values of each list with how often they occur; $1
// is the limit.
var segmentValueQueries = map[string]string{
	"city":            `SELECT city, count(*) FROM customers WHERE city <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1`,
	"region":          `SELECT region, count(*) FROM customers WHERE region <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1`,
	"preferred_store": `SELECT preferred_store, count(*) FROM customers WHERE preferred_store <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1`,
	"tag":             `SELECT tag, count(*) FROM customer_tags GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1`,
	"joined_campaign": `SELECT payload ->> 'campaign', count(*) FROM customer_events WHERE payload ? 'campaign' AND payload ->> 'campaign' <> ''
		GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1`,
	// Stores are those events name and those customers prefer.
	"store": `SELECT s, sum(n)::bigint FROM (
		SELECT store AS s, count(*) AS n FROM customer_events WHERE store IS NOT NULL AND store <> '' GROUP BY 1
		UNION ALL SELECT preferred_store, count(*) FROM customers WHERE preferred_store <> '' GROUP BY 1) v
		GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1`,
	"category": `SELECT i ->> 'category', count(*) FROM customer_events x
		CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(x.payload -> 'items') = 'array' THEN x.payload -> 'items' ELSE '[]' END) AS i
		WHERE x.type = 'purchase' AND coalesce(i ->> 'category', '') <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1`,
}

// Values implements ports.SegmentValueReader: one query for each list named, each list once.
func (SegmentValues) Values(ctx context.Context, names []string, limit int) (ports.SegmentValues, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	out := ports.SegmentValues{}
	for _, name := range names {
		sql, known := segmentValueQueries[name]
		if _, done := out[name]; done || !known {
			continue
		}
		rows, err := q.Query(ctx, sql, limit)
		if err != nil {
			return nil, err
		}
		var values []string
		for rows.Next() {
			var (
				v string
				n int64
			)
			if err := rows.Scan(&v, &n); err != nil {
				rows.Close()
				return nil, err
			}
			values = append(values, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out[name] = values
	}
	return out, nil
}
