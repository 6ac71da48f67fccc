// Package pointsdb is the points module's PostgreSQL repositories: the ledger (balances,
// operations, entries, lots and draws) and each brand's program, reached only through the
// tenant transaction of the Postgres kit.
package pointsdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
)

// Ledger keeps customers' points in the tenant transaction.
type Ledger struct{}

var _ points.Ledger = Ledger{}

// sortKeys returns keys without repeats in lock order: customer ID bytes, then wallet.
func sortKeys(keys []ledger.AccountKey) []ledger.AccountKey {
	out := slices.Clone(keys)
	slices.SortFunc(out, func(x, y ledger.AccountKey) int {
		if c := bytes.Compare(x.Customer[:], y.Customer[:]); c != 0 {
			return c
		}
		return bytes.Compare([]byte(x.Wallet), []byte(y.Wallet))
	})
	return slices.Compact(out)
}

func keyArrays(keys []ledger.AccountKey) ([]uuid.UUID, []string) {
	customers, wallets := make([]uuid.UUID, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		customers[i], wallets[i] = k.Customer, string(k.Wallet)
	}
	return customers, wallets
}

// Lock implements points.Ledger.
func (l Ledger) Lock(ctx context.Context, now time.Time, keys []ledger.AccountKey, scope points.LotScope) (*ledger.Book, error) {
	b, _, err := l.LockFor(ctx, now, keys, scope, nil)
	return b, err
}

// LockFor implements points.Ledger. Its statements go in one round trip: the first makes the
// missing balance rows (a key another transaction is making waits for it to commit), leaving
// the rows that exist as they are; the second locks every row in key order and reads it (a row
// lock waits for, then reads, the latest version of a row). Nothing is rewritten: a balance row
// gets a new version only when Save changes it. The lots and the operations are read by the
// statements after, which see what the transactions the locks waited for committed.
func (Ledger) LockFor(ctx context.Context, now time.Time, keys []ledger.AccountKey, scope points.LotScope,
	opKeys []string) (*ledger.Book, map[string]points.Stored, error) {
	_, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, nil, err
	}
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return nil, nil, err
	}
	keys = sortKeys(keys)
	customers, wallets := keyArrays(keys)
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO points_balances (tenant_id, customer_id, wallet, balance, pending)
		SELECT $1, u.c, u.w, 0, 0 FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS u (c, w, n) ORDER BY u.n
		ON CONFLICT (tenant_id, customer_id, wallet) DO NOTHING`, tenant.UUID(), customers, wallets)
	batch.Queue(`SELECT b.customer_id, b.wallet, b.balance, b.pending
		FROM unnest($1::uuid[], $2::text[]) AS u (c, w) JOIN points_balances b ON b.customer_id = u.c AND b.wallet = u.w
		ORDER BY b.customer_id, b.wallet COLLATE "C" FOR UPDATE OF b`, customers, wallets)
	if scope == points.OpenLots {
		batch.Queue(`SELECT `+lotColumns+` FROM points_lots l
			JOIN unnest($1::uuid[], $2::text[]) AS u (c, w) ON l.customer_id = u.c AND l.wallet = u.w
			WHERE l.remaining > 0`, customers, wallets)
	}
	if len(opKeys) > 0 {
		batch.Queue(`SELECT `+opColumns+` FROM points_operations o WHERE o.key = ANY($1::text[])`, opKeys)
	}
	br := tx.SendBatch(ctx, batch)
	defer func() { _ = br.Close() }()
	if _, err := br.Exec(); err != nil {
		return nil, nil, customerMissing(err)
	}
	rows, err := br.Query()
	if err != nil {
		return nil, nil, err
	}
	type balance struct{ balance, pending int64 }
	locked := make(map[ledger.AccountKey]balance, len(keys))
	for rows.Next() {
		var k ledger.AccountKey
		var b balance
		if err := rows.Scan(&k.Customer, &k.Wallet, &b.balance, &b.pending); err != nil {
			rows.Close()
			return nil, nil, err
		}
		locked[k] = b
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(locked) != len(keys) {
		return nil, nil, fmt.Errorf("pointsdb: %d of %d balances locked", len(locked), len(keys))
	}
	lots := map[ledger.AccountKey][]*ledger.Lot{}
	if scope == points.OpenLots {
		rows, err := br.Query()
		if err != nil {
			return nil, nil, err
		}
		all, err := pgx.CollectRows(rows, scanLot)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range all {
			k := ledger.AccountKey{Customer: l.Customer, Wallet: l.Wallet}
			lots[k] = append(lots[k], l)
		}
	}
	var stored map[string]points.Stored
	if len(opKeys) > 0 {
		rows, err := br.Query()
		if err != nil {
			return nil, nil, err
		}
		if stored, err = collectOperations(rows); err != nil {
			return nil, nil, err
		}
	}
	if err := br.Close(); err != nil {
		return nil, nil, err
	}
	b := ledger.NewBook(now)
	for _, k := range keys {
		bal := locked[k]
		b.Load(k.Customer, k.Wallet, bal.balance, bal.pending, lots[k])
	}
	return b, stored, nil
}

// customerMissing translates the foreign key violation of a customer that does not exist.
func customerMissing(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		return ports.ErrCustomerNotFound
	}
	return err
}

const lotColumns = `l.id, l.customer_id, l.wallet, l.operation_id, l.amount, l.remaining, l.pending, l.earned_at,
	l.available_at, l.expires_at, l.warned_at`

func scanLot(r pgx.CollectableRow) (*ledger.Lot, error) {
	var l ledger.Lot
	var expires, warned *time.Time
	if err := r.Scan(&l.ID, &l.Customer, &l.Wallet, &l.OperationID, &l.Amount, &l.Remaining, &l.Pending, &l.EarnedAt,
		&l.AvailableAt, &expires, &warned); err != nil {
		return nil, err
	}
	if expires != nil {
		l.ExpiresAt = *expires
	}
	if warned != nil {
		l.WarnedAt = *warned
	}
	return &l, nil
}

const opColumns = `o.id, o.customer_id, o.kind, coalesce(o.key, ''), o.fingerprint, o.source, o.reason, coalesce(o.note, ''),
	coalesce(o.reference, ''), coalesce(o.purchase_id, ''), o.actor_kind, o.actor_id, o.details, o.result, o.occurred_at`

func scanOperation(r pgx.CollectableRow) (points.Stored, error) {
	var s points.Stored
	var details, result []byte
	if err := r.Scan(&s.ID, &s.Customer, &s.Kind, &s.Key, &s.Fingerprint, &s.Source, &s.Reason, &s.Note, &s.Reference,
		&s.PurchaseID, &s.ActorKind, &s.ActorID, &details, &result, &s.OccurredAt); err != nil {
		return s, err
	}
	s.Details = json.RawMessage(details)
	return s, json.Unmarshal(result, &s.Results)
}

// Operations implements points.Ledger.
func (Ledger) Operations(ctx context.Context, keys []string) (map[string]points.Stored, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+opColumns+` FROM points_operations o WHERE o.key = ANY($1::text[])`, keys)
	if err != nil {
		return nil, err
	}
	return collectOperations(rows)
}

// collectOperations returns the operations of rows by key.
func collectOperations(rows pgx.Rows) (map[string]points.Stored, error) {
	all, err := pgx.CollectRows(rows, scanOperation)
	if err != nil {
		return nil, err
	}
	out := make(map[string]points.Stored, len(all))
	for _, s := range all {
		out[s.Key] = s
	}
	return out, nil
}

// ByPurchase implements points.Ledger. A purchase's earning has the key "purchase:<its ID>".
func (Ledger) ByPurchase(ctx context.Context, purchaseID string) ([]points.Stored, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	// The earning by its key, the others by the purchase index, which leaves earnings out.
	rows, err := q.Query(ctx, `SELECT `+opColumns+` FROM points_operations o
		WHERE (o.key = 'purchase:' || $1 AND o.kind = 'purchase' AND o.purchase_id = $1)
		   OR (o.purchase_id = $1 AND o.kind <> 'purchase') ORDER BY o.id`, purchaseID)
	if err != nil {
		return nil, err
	}
	ops, err := pgx.CollectRows(rows, scanOperation)
	if err != nil || len(ops) == 0 {
		return ops, err
	}
	ids := make([]uuid.UUID, len(ops))
	for i, o := range ops {
		ids[i] = o.ID
	}
	rows, err = q.Query(ctx, `SELECT e.operation_id, e.wallet, d.points, l.earned_at, l.expires_at
		FROM points_entries e JOIN points_draws d ON d.entry_id = e.id JOIN points_lots l ON l.id = d.lot_id
		WHERE e.operation_id = ANY($1::uuid[]) AND e.kind = 'redeem' ORDER BY e.id, d.lot_id`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var op uuid.UUID
		var d points.Drawn
		var expires *time.Time
		if err := rows.Scan(&op, &d.Wallet, &d.Points, &d.EarnedAt, &expires); err != nil {
			return nil, err
		}
		if expires != nil {
			d.ExpiresAt = *expires
		}
		i := slices.IndexFunc(ops, func(s points.Stored) bool { return s.ID == op })
		ops[i].Drawn = append(ops[i].Drawn, d)
	}
	return ops, rows.Err()
}

func nullable[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Save implements points.Ledger: every kind of row in one statement over arrays, all sent in
// one round trip. The balances change by the book's deltas only where a debit leaves them at
// zero or above, or the book allowed a debt: the conditional debit.
func (Ledger) Save(ctx context.Context, b *ledger.Book) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	t := tenant.UUID()
	batch := &pgx.Batch{}
	var checks []func(pgconn.CommandTag) error

	ops := b.Operations()
	if len(ops) > 0 {
		n := len(ops)
		ids, customers, kinds := make([]uuid.UUID, n), make([]uuid.UUID, n), make([]string, n)
		keys, notes, refs, purchases := make([]*string, n), make([]*string, n), make([]*string, n), make([]*string, n)
		prints, sources, reasons := make([][]byte, n), make([]string, n), make([]string, n)
		actorKinds, actorIDs, details, results := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		at := make([]time.Time, n)
		for i, op := range ops {
			ids[i], customers[i], kinds[i], keys[i] = op.ID, op.Customer, string(op.Kind), nullable(op.Key)
			prints[i], sources[i], reasons[i], notes[i] = op.Fingerprint, string(op.Source), op.Reason, nullable(op.Note)
			refs[i], purchases[i], actorKinds[i], actorIDs[i], at[i] = nullable(op.Reference), nullable(op.PurchaseID), op.ActorKind, op.ActorID, op.OccurredAt
			d := op.Details
			if d == nil {
				d = map[string]any{}
			}
			raw, err := json.Marshal(d)
			if err != nil {
				return fmt.Errorf("pointsdb: operation details: %w", err)
			}
			details[i] = string(raw)
			res := op.Results
			if res == nil {
				res = []ledger.Result{}
			}
			if raw, err = json.Marshal(res); err != nil {
				return err
			}
			results[i] = string(raw)
		}
		batch.Queue(`INSERT INTO points_operations (tenant_id, id, customer_id, kind, key, fingerprint, source, reason, note,
			reference, purchase_id, actor_kind, actor_id, details, result, occurred_at)
			SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bytea[], $7::text[], $8::text[], $9::text[],
				$10::text[], $11::text[], $12::text[], $13::text[], $14::jsonb[], $15::jsonb[], $16::timestamptz[])`,
			t, ids, customers, kinds, keys, prints, sources, reasons, notes, refs, purchases, actorKinds, actorIDs, details, results, at)
		checks = append(checks, nil)
	}
	if created := b.Created(); len(created) > 0 {
		queueLots(batch, t, created)
		checks = append(checks, nil)
	}
	var entries []ledger.Entry
	var draws []ledger.Draw
	for _, op := range ops {
		entries = append(entries, op.Entries...)
		draws = append(draws, op.Draws...)
	}
	if len(entries) > 0 {
		n := len(entries)
		ids, opIDs, customers, lots := make([]uuid.UUID, n), make([]uuid.UUID, n), make([]uuid.UUID, n), make([]*uuid.UUID, n)
		wallets, kinds, reasons := make([]string, n), make([]string, n), make([]string, n)
		pts, pending, at := make([]int64, n), make([]int64, n), make([]time.Time, n)
		for i, e := range entries {
			ids[i], opIDs[i], customers[i], lots[i] = e.ID, e.OperationID, e.Customer, nullable(e.LotID)
			wallets[i], kinds[i], reasons[i], pts[i], pending[i], at[i] = string(e.Wallet), string(e.Kind), e.Reason, e.Points, e.Pending, e.At
		}
		batch.Queue(`INSERT INTO points_entries (tenant_id, id, operation_id, customer_id, wallet, kind, reason, points, pending,
			lot_id, created_at)
			SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::bigint[],
				$9::bigint[], $10::uuid[], $11::timestamptz[])`, t, ids, opIDs, customers, wallets, kinds, reasons, pts, pending, lots, at)
		checks = append(checks, nil)
	}
	if len(draws) > 0 {
		entryIDs, lotIDs, pts := make([]uuid.UUID, len(draws)), make([]uuid.UUID, len(draws)), make([]int64, len(draws))
		for i, d := range draws {
			entryIDs[i], lotIDs[i], pts[i] = d.EntryID, d.LotID, d.Points
		}
		batch.Queue(`INSERT INTO points_draws (tenant_id, entry_id, lot_id, points)
			SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::bigint[])`, t, entryIDs, lotIDs, pts)
		checks = append(checks, nil)
	}
	if changed := b.Changed(); len(changed) > 0 {
		n := len(changed)
		ids, remaining, pending, warned := make([]uuid.UUID, n), make([]int64, n), make([]bool, n), make([]*time.Time, n)
		available := make([]time.Time, n)
		for i, l := range changed {
			ids[i], remaining[i], pending[i], warned[i], available[i] = l.ID, l.Remaining, l.Pending, nullTime(l.WarnedAt), l.AvailableAt
		}
		// available_at changes only when a review ends a hold (ledger.Account.Unhold).
		batch.Queue(`UPDATE points_lots l SET remaining = u.remaining, pending = u.pending, warned_at = u.warned_at,
				available_at = u.available_at
			FROM unnest($1::uuid[], $2::bigint[], $3::bool[], $4::timestamptz[], $5::timestamptz[])
				AS u (id, remaining, pending, warned_at, available_at)
			WHERE l.id = u.id`, ids, remaining, pending, warned, available)
		want := int64(n)
		checks = append(checks, func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() != want {
				return fmt.Errorf("pointsdb: %d of %d lots updated", tag.RowsAffected(), want)
			}
			return nil
		})
	}
	var customers []uuid.UUID
	var wallets []string
	var deltas, pendings []int64
	var negative []bool
	for _, a := range b.Accounts() {
		db, dp := a.Delta()
		if db == 0 && dp == 0 {
			continue
		}
		customers, wallets = append(customers, a.Customer), append(wallets, string(a.Wallet))
		deltas, pendings, negative = append(deltas, db), append(pendings, dp), append(negative, a.MayGoNegative())
	}
	if len(customers) > 0 {
		batch.Queue(`UPDATE points_balances b SET balance = b.balance + u.db, pending = b.pending + u.dp, updated_at = now()
			FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bool[]) AS u (c, w, db, dp, negative)
			WHERE b.customer_id = u.c AND b.wallet = u.w AND (u.db >= 0 OR b.balance + u.db >= 0 OR u.negative)`,
			customers, wallets, deltas, pendings, negative)
		want := int64(len(customers))
		checks = append(checks, func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() != want {
				return points.ErrOverdrawn
			}
			return nil
		})
	}
	if batch.Len() == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, batch)
	for _, check := range checks {
		tag, err := br.Exec()
		if err != nil {
			_ = br.Close()
			if postgres.IsUniqueViolation(err, "points_operations_key") {
				return points.ErrKeyTaken
			}
			return customerMissing(err)
		}
		if check != nil {
			if err := check(tag); err != nil {
				_ = br.Close()
				return err
			}
		}
	}
	return br.Close()
}

// queueLots queues the insert of lots.
func queueLots(batch *pgx.Batch, tenant uuid.UUID, lots []*ledger.Lot) {
	n := len(lots)
	ids, customers, opIDs := make([]uuid.UUID, n), make([]uuid.UUID, n), make([]uuid.UUID, n)
	wallets, amounts, remaining, pending := make([]string, n), make([]int64, n), make([]int64, n), make([]bool, n)
	earned, available, expires, warned := make([]time.Time, n), make([]time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
	for i, l := range lots {
		ids[i], customers[i], opIDs[i], wallets[i] = l.ID, l.Customer, l.OperationID, string(l.Wallet)
		amounts[i], remaining[i], pending[i] = l.Amount, l.Remaining, l.Pending
		earned[i], available[i], expires[i], warned[i] = l.EarnedAt, l.AvailableAt, nullTime(l.ExpiresAt), nullTime(l.WarnedAt)
	}
	batch.Queue(`INSERT INTO points_lots (tenant_id, id, customer_id, wallet, operation_id, amount, remaining, pending, earned_at,
		available_at, expires_at, warned_at)
		SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::bigint[], $7::bigint[], $8::bool[],
			$9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[])`,
		tenant, ids, customers, wallets, opIDs, amounts, remaining, pending, earned, available, expires, warned)
}
