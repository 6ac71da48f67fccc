package pointsdb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/points/ledger"
)

// Wallets implements points.Ledger.
func (Ledger) Wallets(ctx context.Context, customer uuid.UUID) ([]ledger.Wallet, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT wallet FROM points_balances WHERE customer_id = $1 ORDER BY wallet`, customer)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[ledger.Wallet])
}

// WalletInUse implements points.Ledger.
func (Ledger) WalletInUse(ctx context.Context, wallet ledger.Wallet) (bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return false, err
	}
	var used bool
	return used, q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM points_balances WHERE wallet = $1)`, string(wallet)).Scan(&used)
}

// Move implements points.Ledger: lots first (their accounts must exist), then the history.
func (Ledger) Move(ctx context.Context, from, into uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	for _, table := range []string{"points_lots", "points_entries", "points_operations", "points_adjustment_requests"} {
		if _, err := q.Exec(ctx, `UPDATE `+table+` SET customer_id = $2 WHERE customer_id = $1`, from, into); err != nil {
			return err
		}
	}
	return moveFraud(ctx, q, from, into)
}

// Drop implements points.Ledger.
func (Ledger) Drop(ctx context.Context, customer uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM points_balances WHERE customer_id = $1`, customer)
	return err
}

// EraseNotes implements points.Ledger.
func (Ledger) EraseNotes(ctx context.Context, customer uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	if _, err = q.Exec(ctx, `UPDATE points_operations SET note = NULL WHERE customer_id = $1 AND note IS NOT NULL`, customer); err != nil {
		return err
	}
	if _, err = q.Exec(ctx, `UPDATE points_adjustment_requests SET note = NULL, decision_note = NULL
		WHERE customer_id = $1 AND (note IS NOT NULL OR decision_note IS NOT NULL)`, customer); err != nil {
		return err
	}
	return eraseFraud(ctx, q, customer)
}

// Download is what the ledger keeps about a customer, as a data download lists it.
type Download struct {
	Wallets    []DownloadWallet    `json:"wallets"`
	Lots       []DownloadLot       `json:"lots"`
	Operations []DownloadOperation `json:"operations"`
}

// DownloadWallet is one balance.
type DownloadWallet struct {
	Wallet  string `json:"wallet"`
	Balance int64  `json:"balance"`
	Pending int64  `json:"pending"`
}

// DownloadLot is points credited and what is left of them.
type DownloadLot struct {
	ID          uuid.UUID  `json:"id"`
	Wallet      string     `json:"wallet"`
	Amount      int64      `json:"amount"`
	Remaining   int64      `json:"remaining"`
	Pending     bool       `json:"pending"`
	EarnedAt    time.Time  `json:"earned_at"`
	AvailableAt time.Time  `json:"available_at"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
}

// DownloadOperation is one operation with its entries.
type DownloadOperation struct {
	ID         uuid.UUID       `json:"id"`
	Kind       string          `json:"kind"`
	Source     string          `json:"source"`
	Reason     string          `json:"reason"`
	Note       *string         `json:"note,omitempty"`
	Reference  *string         `json:"reference,omitempty"`
	PurchaseID *string         `json:"purchase_id,omitempty"`
	OccurredAt time.Time       `json:"occurred_at"`
	Entries    json.RawMessage `json:"entries"`
}

// Download implements points.Ledger.
func (Ledger) Download(ctx context.Context, customer uuid.UUID) (any, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	out := Download{Wallets: []DownloadWallet{}, Lots: []DownloadLot{}, Operations: []DownloadOperation{}}
	rows, err := q.Query(ctx, `SELECT wallet, balance, pending FROM points_balances WHERE customer_id = $1 ORDER BY wallet`, customer)
	if err != nil {
		return nil, err
	}
	if out.Wallets, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (DownloadWallet, error) {
		var w DownloadWallet
		return w, r.Scan(&w.Wallet, &w.Balance, &w.Pending)
	}); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT id, wallet, amount, remaining, pending, earned_at, available_at, expires_at
		FROM points_lots WHERE customer_id = $1 ORDER BY id`, customer)
	if err != nil {
		return nil, err
	}
	if out.Lots, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (DownloadLot, error) {
		var l DownloadLot
		return l, r.Scan(&l.ID, &l.Wallet, &l.Amount, &l.Remaining, &l.Pending, &l.EarnedAt, &l.AvailableAt, &l.ExpiresAt)
	}); err != nil {
		return nil, err
	}
	// The customer's entries by the history index, grouped by operation: entries are not
	// indexed by operation.
	rows, err = q.Query(ctx, `SELECT o.id, o.kind, o.source, o.reason, o.note, o.reference, o.purchase_id, o.occurred_at,
			coalesce(e.entries, '[]')
		FROM points_operations o LEFT JOIN (
			SELECT operation_id, json_agg(json_build_object('wallet', wallet, 'kind', kind, 'reason', reason, 'points', points,
				'pending', pending, 'at', created_at) ORDER BY id) AS entries
			FROM points_entries WHERE customer_id = $1 GROUP BY operation_id) e ON e.operation_id = o.id
		WHERE o.customer_id = $1 ORDER BY o.id`, customer)
	if err != nil {
		return nil, err
	}
	if out.Operations, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (DownloadOperation, error) {
		var o DownloadOperation
		return o, r.Scan(&o.ID, &o.Kind, &o.Source, &o.Reason, &o.Note, &o.Reference, &o.PurchaseID, &o.OccurredAt, &o.Entries)
	}); err != nil {
		return nil, err
	}
	return out, nil
}
