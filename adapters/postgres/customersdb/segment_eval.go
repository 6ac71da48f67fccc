package customersdb

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
)

// SegmentEvaluator implements ports.SegmentEvaluator and ports.SegmentMembership with
// set-based statements over the trees, compiled with the SQL of the wired modules' fields.
type SegmentEvaluator struct {
	fields map[string]SegmentField
}

// NewSegmentEvaluator returns the evaluator of trees over fields: the customers module's
// (SegmentFields) and those of the modules wired after it. It panics when a field is declared
// twice, a mistake in wiring the modules.
func NewSegmentEvaluator(fields []SegmentField) SegmentEvaluator {
	e := SegmentEvaluator{fields: make(map[string]SegmentField, len(fields))}
	for _, f := range fields {
		if _, ok := e.fields[f.Name]; ok {
			panic("segment: SQL of field " + f.Name + " declared twice")
		}
		e.fields[f.Name] = f
	}
	return e
}

var (
	_ ports.SegmentEvaluator  = SegmentEvaluator{}
	_ ports.SegmentMembership = SegmentEvaluator{}
)

// fewCustomers is the most customers evaluated one by one on their timelines; more are
// evaluated with brand-wide aggregates.
const fewCustomers = 5000

// noJIT turns off just-in-time compilation for the rest of an InTenant transaction (a read
// scope has none to change): the large plans of segments cross its cost threshold, and
// compiling them takes longer (a hundred milliseconds and more) than running them.
func noJIT(ctx context.Context) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return nil
	}
	_, err = tx.Exec(ctx, `SET LOCAL jit = off`)
	return err
}

// Count implements ports.SegmentEvaluator.
func (e SegmentEvaluator) Count(ctx context.Context, t segment.Tree, now time.Time) (int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	if err := noJIT(ctx); err != nil {
		return 0, err
	}
	where, args := e.compile(t, now, 0, false)
	var n int64
	err = q.QueryRow(ctx, `SELECT count(*) FROM customers c WHERE `+where, args...).Scan(&n)
	return n, err
}

// CountUpTo implements ports.SegmentEvaluator.
func (e SegmentEvaluator) CountUpTo(ctx context.Context, t segment.Tree, now time.Time, limit int64) (int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	if err := noJIT(ctx); err != nil {
		return 0, err
	}
	where, args := e.compile(t, now, 1, false)
	var n int64
	err = q.QueryRow(ctx, `SELECT count(*) FROM (SELECT FROM customers c WHERE `+where+` LIMIT $1) m`,
		append([]any{limit}, args...)...).Scan(&n)
	return n, err
}

// Preview implements ports.SegmentEvaluator.
func (e SegmentEvaluator) Preview(ctx context.Context, t segment.Tree, now time.Time, limit int) ([]customer.Customer, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	if err := noJIT(ctx); err != nil {
		return nil, err
	}
	where, args := e.compile(t, now, 1, false)
	rows, err := q.Query(ctx, `SELECT `+customerColumns+` FROM customers c WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT $1`, append([]any{limit}, args...)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (customer.Customer, error) { return scanCustomer(r) })
}

// matched is the statement's CTE of the customers among $3 (all when NULL) that match t;
// $1 is the tenant and $2 the segment or tag.
func (e SegmentEvaluator) matched(t segment.Tree, now time.Time, customers []uuid.UUID) (string, []any) {
	where, args := e.compile(t, now, 3, customers != nil && len(customers) <= fewCustomers)
	return `WITH matched AS (SELECT c.id FROM customers c WHERE ($3::uuid[] IS NULL OR c.id = ANY($3)) AND ` + where + `)`, args
}

// RefreshMembers implements ports.SegmentEvaluator: one statement deletes the members who no
// longer match and inserts the new ones, returning both.
func (e SegmentEvaluator) RefreshMembers(ctx context.Context, id uuid.UUID, t segment.Tree, now time.Time, customers []uuid.UUID) (entered, left []uuid.UUID, err error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, nil, err
	}
	with, args := e.matched(t, now, customers)
	var n int64
	err = q.QueryRow(ctx, with+`,
		gone AS (DELETE FROM segment_members m WHERE m.segment_id = $2 AND ($3::uuid[] IS NULL OR m.customer_id = ANY($3))
			AND NOT EXISTS (SELECT 1 FROM matched WHERE matched.id = m.customer_id) RETURNING m.customer_id),
		added AS (INSERT INTO segment_members (tenant_id, segment_id, customer_id) SELECT $1, $2, id FROM matched ORDER BY id
			ON CONFLICT DO NOTHING RETURNING customer_id)
		SELECT (SELECT count(*) FROM matched), ARRAY(SELECT customer_id FROM added ORDER BY 1), ARRAY(SELECT customer_id FROM gone ORDER BY 1)`,
		append([]any{tenant.UUID(), id, customers}, args...)...).Scan(&n, &entered, &left)
	if err != nil || customers != nil {
		return entered, left, err
	}
	_, err = q.Exec(ctx, `UPDATE segments SET member_count = $2, refreshed_at = now() WHERE id = $1`, id, n)
	return entered, left, err
}

// ApplyTagRule implements ports.SegmentEvaluator: one statement takes the tag from those who
// got it from a rule and no longer match, and gives it to the new ones. Customers who got the
// tag another way keep it and its source.
func (e SegmentEvaluator) ApplyTagRule(ctx context.Context, tag string, t segment.Tree, now time.Time, customers []uuid.UUID) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	with, args := e.matched(t, now, customers)
	_, err = q.Exec(ctx, with+`,
		gone AS (DELETE FROM customer_tags x WHERE x.tag = $2 AND x.source = 'rule' AND ($3::uuid[] IS NULL OR x.customer_id = ANY($3))
			AND NOT EXISTS (SELECT 1 FROM matched WHERE matched.id = x.customer_id))
		INSERT INTO customer_tags (tenant_id, customer_id, tag, source) SELECT $1, id, $2, 'rule' FROM matched ORDER BY id
		ON CONFLICT DO NOTHING`, append([]any{tenant.UUID(), tag, customers}, args...)...)
	return err
}

// RemoveRuleTags implements ports.SegmentEvaluator.
func (SegmentEvaluator) RemoveRuleTags(ctx context.Context, tag string) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM customer_tags WHERE tag = $1 AND source = 'rule'`, tag)
	return err
}

// Members implements ports.SegmentEvaluator.
func (SegmentEvaluator) Members(ctx context.Context, id uuid.UUID, page ports.Page) ([]customer.Customer, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var after *uuid.UUID
	if page.After != "" {
		a, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		after = &a
	}
	rows, err := q.Query(ctx, `SELECT `+customerColumns+` FROM customers c
		WHERE EXISTS (SELECT 1 FROM segment_members m WHERE m.tenant_id = c.tenant_id AND m.customer_id = c.id AND m.segment_id = $1)
			AND ($2::uuid IS NULL OR (c.created_at, c.id) < (SELECT created_at, id FROM customers WHERE id = $2))
		ORDER BY created_at DESC, id DESC LIMIT $3`, id, after, page.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (customer.Customer, error) { return scanCustomer(r) })
}

// Export implements ports.SegmentEvaluator in one statement, so one snapshot, read row by row.
func (e SegmentEvaluator) Export(ctx context.Context, f ports.CustomerFilter, now time.Time, fn func(customer.Customer) error) (int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	var w postgres.Where
	customerConditions(&w, f.Query)
	if f.Segment != uuid.Nil {
		w.And(`EXISTS (SELECT 1 FROM segment_members m WHERE m.tenant_id = c.tenant_id AND m.customer_id = c.id
			AND m.segment_id = $1)`, f.Segment)
	}
	if f.Tree != nil {
		where, args := e.compile(*f.Tree, now, 0, false)
		w.And(where, args...)
	}
	rows, err := q.Query(ctx, `SELECT `+customerColumns+` FROM customers c WHERE `+w.String()+` ORDER BY created_at DESC, id DESC`, w.Args()...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return n, err
		}
		if err := fn(c); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// SegmentsOf implements ports.SegmentMembership.
func (SegmentEvaluator) SegmentsOf(ctx context.Context, customerID uuid.UUID) (map[uuid.UUID]string, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT s.id, s.name FROM segments s JOIN segment_members m ON m.tenant_id = s.tenant_id AND m.segment_id = s.id
		WHERE m.customer_id = $1`, customerID)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]string{}
	var (
		id   uuid.UUID
		name string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &name}, func() error {
		out[id] = name
		return nil
	})
	return out, err
}

// Forget implements ports.SegmentMembership.
func (SegmentEvaluator) Forget(ctx context.Context, customerID uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM segment_members WHERE customer_id = $1`, customerID)
	return err
}
