package pointsdb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
)

// lotJSON is a lot as Accounts aggregates it.
type lotJSON struct {
	ID          uuid.UUID  `json:"id"`
	OperationID uuid.UUID  `json:"operation_id"`
	Amount      int64      `json:"amount"`
	Remaining   int64      `json:"remaining"`
	Pending     bool       `json:"pending"`
	EarnedAt    time.Time  `json:"earned_at"`
	AvailableAt time.Time  `json:"available_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
	WarnedAt    *time.Time `json:"warned_at"`
}

// Accounts implements points.Ledger: balances and open lots in one statement, so that they
// agree with each other in the read scope.
func (Ledger) Accounts(ctx context.Context, customer uuid.UUID) ([]points.AccountState, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT b.wallet, b.balance, b.pending, coalesce((SELECT json_agg(json_build_object(
			'id', l.id, 'operation_id', l.operation_id, 'amount', l.amount, 'remaining', l.remaining, 'pending', l.pending,
			'earned_at', l.earned_at, 'available_at', l.available_at, 'expires_at', l.expires_at, 'warned_at', l.warned_at))
		FROM points_lots l WHERE l.customer_id = b.customer_id AND l.wallet = b.wallet AND l.remaining > 0), '[]')
		FROM points_balances b WHERE b.customer_id = $1 ORDER BY b.wallet`, customer)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (points.AccountState, error) {
		var s points.AccountState
		var raw []byte
		if err := r.Scan(&s.Wallet, &s.Balance, &s.Pending, &raw); err != nil {
			return s, err
		}
		var lots []lotJSON
		if err := json.Unmarshal(raw, &lots); err != nil {
			return s, err
		}
		for _, l := range lots {
			lot := &ledger.Lot{ID: l.ID, Customer: customer, Wallet: s.Wallet, OperationID: l.OperationID, Amount: l.Amount,
				Remaining: l.Remaining, Pending: l.Pending, EarnedAt: l.EarnedAt.UTC(), AvailableAt: l.AvailableAt.UTC()}
			if l.ExpiresAt != nil {
				lot.ExpiresAt = l.ExpiresAt.UTC()
			}
			if l.WarnedAt != nil {
				lot.WarnedAt = l.WarnedAt.UTC()
			}
			s.Lots = append(s.Lots, lot)
		}
		return s, nil
	})
}

// History implements points.Ledger. Entries that moved no points (a merge settling a debt
// from lots) are left out.
func (Ledger) History(ctx context.Context, customer uuid.UUID, hq points.HistoryQuery, page ports.Page) ([]points.HistoryEntry, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var w postgres.Where
	w.And("e.customer_id = $1", customer)
	w.And("(e.points <> 0 OR e.pending <> 0)")
	if hq.Wallet != "" {
		w.And("e.wallet = $1", string(hq.Wallet))
	}
	if len(hq.Kinds) > 0 {
		kinds := make([]string, len(hq.Kinds))
		for i, k := range hq.Kinds {
			kinds[i] = string(k)
		}
		w.And("e.kind = ANY($1::text[])", kinds)
	}
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		w.And("e.id < $1", after)
	}
	rows, err := q.Query(ctx, `SELECT e.id, e.operation_id, e.customer_id, e.wallet, e.kind, e.reason, e.points, e.pending,
			coalesce(e.lot_id, '00000000-0000-0000-0000-000000000000'), e.created_at, o.source, coalesce(o.note, ''),
			coalesce(o.reference, ''), coalesce(o.purchase_id, ''), l.available_at, l.expires_at
		FROM points_entries e JOIN points_operations o ON o.id = e.operation_id LEFT JOIN points_lots l ON l.id = e.lot_id
		WHERE `+w.String()+` ORDER BY e.id DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (points.HistoryEntry, error) {
		var h points.HistoryEntry
		var available, expires *time.Time
		if err := r.Scan(&h.ID, &h.OperationID, &h.Customer, &h.Wallet, &h.Kind, &h.Reason, &h.Points, &h.Pending, &h.LotID, &h.At,
			&h.Source, &h.Note, &h.Reference, &h.PurchaseID, &available, &expires); err != nil {
			return h, err
		}
		if available != nil && h.Pending > 0 && available.Before(ledger.HeldUntil) {
			h.ReleasesAt = *available
		}
		if expires != nil && (h.Points > 0 || h.Pending > 0) {
			h.ExpiresAt = *expires
		}
		return h, nil
	})
}

// Due implements points.Ledger: each condition reads its own partial index for a few lots per
// account asked for, so a batch reads about as many lots as it works, however many lots the
// brand has (the lots a batch works leave those indexes).
func (Ledger) Due(ctx context.Context, now, warnBy time.Time, limit int) ([]ledger.AccountKey, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT customer_id, wallet FROM (
			(SELECT customer_id, wallet FROM points_lots
			 WHERE remaining > 0 AND NOT pending AND expires_at IS NOT NULL AND expires_at <= $1 LIMIT $3 * 4)
			UNION ALL
			(SELECT customer_id, wallet FROM points_lots WHERE remaining > 0 AND pending AND available_at <= $1 LIMIT $3 * 4)
			UNION ALL
			(SELECT customer_id, wallet FROM points_lots
			 WHERE remaining > 0 AND NOT pending AND warned_at IS NULL AND expires_at IS NOT NULL AND expires_at > $1
			   AND expires_at <= $2 LIMIT $3 * 4)
		) due GROUP BY customer_id, wallet LIMIT $3`, now, warnBy, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.AccountKey, error) {
		var k ledger.AccountKey
		return k, r.Scan(&k.Customer, &k.Wallet)
	})
}
