// Package tiersdb keeps the tiered membership module's tables (migration 00035_tiers.sql) in
// the caller's tenant transaction: the versions of each brand's tier rules, members' tiers
// and their history, and the figures per customer and day the module's subscribers count.
package tiersdb

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// Store implements tiers.Store.
type Store struct{}

var _ tiers.Store = Store{}

// date is a day of the brand's zone as PostgreSQL's date reads it: never through a time zone.
func date(t time.Time) string { return t.Format(time.DateOnly) }

// HasProgram implements tiers.Store.
func (Store) HasProgram(ctx context.Context) (bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return false, err
	}
	var ok bool
	err = q.QueryRow(ctx, `SELECT EXISTS (SELECT FROM tier_programs)`).Scan(&ok)
	return ok, err
}

// Programs implements tiers.Store.
func (Store) Programs(ctx context.Context) ([]tier.Program, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT version, effective_from, ladder, settings FROM tier_programs ORDER BY version`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (tier.Program, error) {
		var p tier.Program
		var ladder, settings []byte
		if err := row.Scan(&p.Version, &p.From, &ladder, &settings); err != nil {
			return p, err
		}
		if err := json.Unmarshal(ladder, &p.Ladder); err != nil {
			return p, err
		}
		return p, json.Unmarshal(settings, &p.Settings)
	})
}

// AddProgram implements tiers.Store: versions are numbered under a transaction lock of the
// brand's, taken in a statement of its own so the next one sees a concurrent version.
func (Store) AddProgram(ctx context.Context, p tier.Program, at time.Time) (tier.Program, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return p, err
	}
	ladder, err := json.Marshal(p.Ladder)
	if err != nil {
		return p, err
	}
	settings, err := json.Marshal(p.Settings)
	if err != nil {
		return p, err
	}
	if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('tier_programs:' || $1::text, 0))`, tenant.UUID()); err != nil {
		return p, err
	}
	err = q.QueryRow(ctx, `INSERT INTO tier_programs (tenant_id, version, effective_from, ladder, settings, created_at)
		SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5 FROM tier_programs RETURNING version`,
		tenant.UUID(), p.From, ladder, settings, at).Scan(&p.Version)
	return p, err
}

// Held implements tiers.Store.
func (Store) Held(ctx context.Context) (map[tier.Code]int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT tier, count(*) FROM tier_members GROUP BY tier`)
	if err != nil {
		return nil, err
	}
	out := map[tier.Code]int64{}
	var code string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&code, &n}, func() error { out[tier.Code(code)] = n; return nil })
	return out, err
}

// AddFacts implements tiers.Store: the keys first (those already there drop out), then each
// customer's day, added to what it holds.
func (Store) AddFacts(ctx context.Context, facts []tiers.Fact) ([]uuid.UUID, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil || len(facts) == 0 {
		return nil, err
	}
	n := len(facts)
	keys, customers, days := make([]string, n), make([]uuid.UUID, n), make([]string, n)
	spend, refund, status, taken := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	visited := make([]bool, n)
	for i, f := range facts {
		keys[i], customers[i], days[i] = f.Key, f.Customer, date(f.Day)
		spend[i], refund[i], status[i], taken[i], visited[i] = f.SpendFen, f.RefundFen, f.StatusPoints, f.StatusRefunded, f.Visited
	}
	rows, err := q.Query(ctx, `WITH k AS (
			INSERT INTO tier_fact_keys (tenant_id, key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING key
		), f AS (
			SELECT f.* FROM unnest($2::text[], $3::uuid[], $4::date[], $5::bigint[], $6::bigint[], $7::boolean[], $8::bigint[],
				$9::bigint[]) AS f(key, customer_id, day, spend, refund, visited, status, taken) JOIN k USING (key)
		)
		INSERT INTO tier_facts AS t (tenant_id, customer_id, day, spend_fen, refund_fen, visited, status_points, status_refunded)
		SELECT $1, customer_id, day, sum(spend), sum(refund), bool_or(visited), sum(status), sum(taken)
		FROM f GROUP BY customer_id, day ORDER BY customer_id, day
		ON CONFLICT (tenant_id, customer_id, day) DO UPDATE SET spend_fen = t.spend_fen + excluded.spend_fen,
			refund_fen = t.refund_fen + excluded.refund_fen, visited = t.visited OR excluded.visited,
			status_points = t.status_points + excluded.status_points, status_refunded = t.status_refunded + excluded.status_refunded
		RETURNING customer_id`, tenant.UUID(), keys, customers, days, spend, refund, visited, status, taken)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, err
	}
	return uniqueSorted(ids), nil
}

func uniqueSorted(ids []uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

const memberColumns = `customer_id, tier, since, valid_until, manual, manual_until, reason, joined`

func scanMember(row pgx.CollectableRow) (tiers.Member, error) {
	var m tiers.Member
	var code string
	err := row.Scan(&m.Customer, &code, &m.Since, &m.ValidUntil, &m.Manual, &m.ManualUntil, &m.Reason, &m.Joined)
	m.Tier = tier.Code(code)
	return m, err
}

// Lock implements tiers.Store in one round trip: the missing rows (a key another transaction
// is inserting waits for it), then every row locked in customer order.
func (Store) Lock(ctx context.Context, customers []uuid.UUID, lowest tier.Code, now time.Time,
	joined map[uuid.UUID]time.Time) (map[uuid.UUID]tiers.Member, []uuid.UUID, error) {
	_, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, nil, err
	}
	days := make([]string, len(customers))
	for i, c := range customers {
		days[i] = date(joined[c])
	}
	batch := &pgx.Batch{}
	var made []uuid.UUID
	// A customer merged away since (the points module's events still name it) gets no row.
	batch.Queue(`INSERT INTO tier_members (tenant_id, customer_id, tier, since, joined, updated_at)
		SELECT $1, c, $3, $4, d, $4 FROM unnest($2::uuid[], $5::date[]) AS j(c, d)
		WHERE EXISTS (SELECT FROM customers WHERE id = j.c) ORDER BY c
		ON CONFLICT DO NOTHING RETURNING customer_id`, tenant.UUID(), customers, string(lowest), now, days).
		Query(func(rows pgx.Rows) error {
			var err error
			made, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
			return err
		})
	out := make(map[uuid.UUID]tiers.Member, len(customers))
	batch.Queue(`SELECT `+memberColumns+` FROM tier_members WHERE customer_id = ANY($1) ORDER BY customer_id FOR UPDATE`,
		customers).Query(func(rows pgx.Rows) error {
		ms, err := pgx.CollectRows(rows, scanMember)
		for _, m := range ms {
			out[m.Customer] = m
		}
		return err
	})
	if err := send(ctx, batch); err != nil {
		return nil, nil, err
	}
	return out, made, nil
}

// Figures implements tiers.Store.
func (Store) Figures(ctx context.Context, customers []uuid.UUID, w tiers.Window, refunds bool) (map[uuid.UUID]tier.Figures, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT customer_id, sum(spend_fen - CASE WHEN $4 THEN refund_fen ELSE 0 END),
			sum(status_points - CASE WHEN $4 THEN status_refunded ELSE 0 END), count(*) FILTER (WHERE visited)
		FROM tier_facts WHERE customer_id = ANY($1) AND day >= $2::date AND day < $3::date GROUP BY customer_id`,
		customers, date(w.From), date(w.To), refunds)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]tier.Figures, len(customers))
	var id uuid.UUID
	var f tier.Figures
	_, err = pgx.ForEachRow(rows, []any{&id, &f.SpendFen, &f.StatusPoints, &f.Visits}, func() error { out[id] = f; return nil })
	return out, err
}

// Save implements tiers.Store.
func (Store) Save(ctx context.Context, members []tiers.Member, changes []tiers.Change) error {
	_, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	batch := &pgx.Batch{}
	if len(members) > 0 {
		n := len(members)
		ids, codes, since, valid := make([]uuid.UUID, n), make([]string, n), make([]time.Time, n), make([]*time.Time, n)
		manual, until, reasons := make([]bool, n), make([]*time.Time, n), make([]string, n)
		for i, m := range members {
			ids[i], codes[i], since[i], valid[i], manual[i], until[i], reasons[i] = m.Customer, string(m.Tier), m.Since,
				m.ValidUntil, m.Manual, m.ManualUntil, m.Reason
		}
		batch.Queue(`UPDATE tier_members m SET tier = u.tier, since = u.since, valid_until = u.valid_until, manual = u.manual,
				manual_until = u.manual_until, reason = u.reason, updated_at = now()
			FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::boolean[], $6::timestamptz[], $7::text[])
				AS u(customer_id, tier, since, valid_until, manual, manual_until, reason)
			WHERE m.customer_id = u.customer_id`, ids, codes, since, valid, manual, until, reasons)
	}
	if len(changes) > 0 {
		raw, err := json.Marshal(changes)
		if err != nil {
			return err
		}
		batch.Queue(`INSERT INTO tier_history (tenant_id, id, customer_id, from_tier, to_tier, kind, reason, figures, valid_until,
				actor, occurred_at)
			SELECT $1, c.id, c.customer_id, nullif(c."from", ''), c."to", c.kind, c.reason, c.figures, c.valid_until, c.actor,
				c.occurred_at
			FROM jsonb_to_recordset($2::jsonb) AS c(id uuid, customer_id uuid, "from" text, "to" text, kind text, reason text,
				figures jsonb, valid_until timestamptz, actor text, occurred_at timestamptz)`, tenant.UUID(), raw)
	}
	if batch.Len() == 0 {
		return nil
	}
	return send(ctx, batch)
}

// Member implements tiers.Store.
func (Store) Member(ctx context.Context, customer uuid.UUID) (tiers.Member, bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return tiers.Member{}, false, err
	}
	rows, err := q.Query(ctx, `SELECT `+memberColumns+` FROM tier_members WHERE customer_id = $1`, customer)
	if err != nil {
		return tiers.Member{}, false, err
	}
	m, err := pgx.CollectOneRow(rows, scanMember)
	if err == pgx.ErrNoRows {
		return m, false, nil
	}
	return m, err == nil, err
}

// Members implements tiers.Store.
func (Store) Members(ctx context.Context, code tier.Code, after uuid.UUID, limit int) ([]tiers.Member, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+memberColumns+` FROM tier_members WHERE tier = $1 AND customer_id > $2
		ORDER BY customer_id LIMIT $3`, string(code), after, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanMember)
}

// History implements tiers.Store.
func (Store) History(ctx context.Context, customer uuid.UUID, limit int) ([]tiers.Change, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id, customer_id, coalesce(from_tier, ''), to_tier, kind, reason, figures, valid_until, actor,
			occurred_at
		FROM tier_history WHERE customer_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2`, customer, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (tiers.Change, error) {
		var c tiers.Change
		var from, to, kind string
		var figures []byte
		if err := row.Scan(&c.ID, &c.Customer, &from, &to, &kind, &c.Reason, &figures, &c.ValidUntil, &c.Actor, &c.OccurredAt); err != nil {
			return c, err
		}
		c.From, c.To, c.Kind = tier.Code(from), tier.Code(to), tier.ChangeKind(kind)
		return c, json.Unmarshal(figures, &c.Figures)
	})
}

// send sends batch in one round trip in the tenant's write transaction, running the callbacks
// of its queued statements.
func send(ctx context.Context, batch *pgx.Batch) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	return tx.SendBatch(ctx, batch).Close()
}

// MoveCustomer implements tiers.Store, in one round trip.
func (Store) MoveCustomer(ctx context.Context, from, into uuid.UUID, keepFrom bool) error {
	_, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	batch := &pgx.Batch{}
	if keepFrom {
		batch.Queue(`DELETE FROM tier_members WHERE customer_id = $1`, into)
		batch.Queue(`UPDATE tier_members SET customer_id = $2 WHERE customer_id = $1`, from, into)
	} else {
		batch.Queue(`DELETE FROM tier_members WHERE customer_id = $1`, from)
	}
	batch.Queue(`UPDATE tier_history SET customer_id = $2 WHERE customer_id = $1`, from, into)
	batch.Queue(`INSERT INTO tier_facts AS t (tenant_id, customer_id, day, spend_fen, refund_fen, visited, status_points, status_refunded)
		SELECT $1, $3, day, spend_fen, refund_fen, visited, status_points, status_refunded FROM tier_facts WHERE customer_id = $2
		ON CONFLICT (tenant_id, customer_id, day) DO UPDATE SET spend_fen = t.spend_fen + excluded.spend_fen,
			refund_fen = t.refund_fen + excluded.refund_fen, visited = t.visited OR excluded.visited,
			status_points = t.status_points + excluded.status_points, status_refunded = t.status_refunded + excluded.status_refunded`,
		tenant.UUID(), from, into)
	batch.Queue(`DELETE FROM tier_facts WHERE customer_id = $1`, from)
	batch.Queue(`INSERT INTO tier_benefit_uses (tenant_id, benefit_id, customer_id, key, reward_id, used_at)
		SELECT $1, benefit_id, $3, key, reward_id, used_at FROM tier_benefit_uses WHERE customer_id = $2 ON CONFLICT DO NOTHING`,
		tenant.UUID(), from, into)
	batch.Queue(`DELETE FROM tier_benefit_uses WHERE customer_id = $1`, from)
	return send(ctx, batch)
}

// EraseReasons implements tiers.Store.
func (Store) EraseReasons(ctx context.Context, customer uuid.UUID) error {
	batch := &pgx.Batch{}
	batch.Queue(`UPDATE tier_history SET reason = '' WHERE customer_id = $1 AND kind = 'manual' AND reason <> ''`, customer)
	batch.Queue(`UPDATE tier_members SET reason = '' WHERE customer_id = $1 AND manual AND reason <> ''`, customer)
	return send(ctx, batch)
}

// Days implements tiers.Store.
func (Store) Days(ctx context.Context, customer uuid.UUID) ([]tiers.Fact, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT customer_id, day::text, spend_fen, refund_fen, visited, status_points, status_refunded
		FROM tier_facts WHERE customer_id = $1 ORDER BY day`, customer)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (tiers.Fact, error) {
		var f tiers.Fact
		var day string
		if err := row.Scan(&f.Customer, &day, &f.SpendFen, &f.RefundFen, &f.Visited, &f.StatusPoints, &f.StatusRefunded); err != nil {
			return f, err
		}
		f.Day, err = time.Parse(time.DateOnly, day)
		return f, err
	})
}
