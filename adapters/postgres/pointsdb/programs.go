package pointsdb

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
)

// Programs keeps each brand's points program in the tenant transaction.
type Programs struct{}

var _ points.Programs = Programs{}

// walletJSON is a wallet row as Settings aggregates it.
type walletJSON struct {
	Wallet            ledger.Wallet `json:"wallet"`
	Spendable         bool          `json:"spendable"`
	LabelZH           string        `json:"label_zh"`
	LabelEN           string        `json:"label_en"`
	EarnPoints        int64         `json:"earn_points"`
	EarnPerFen        int64         `json:"earn_per_fen"`
	MinSpendFen       int64         `json:"min_spend_fen"`
	MaxPointsPerOrder int64         `json:"max_points_per_order"`
	ExpiryPolicy      string        `json:"expiry_policy"`
	ExpiryMonths      int           `json:"expiry_months"`
	ExpiryPeriod      string        `json:"expiry_period"`
}

// Settings implements points.Programs, in one statement.
func (Programs) Settings(ctx context.Context) (program.Settings, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return program.Settings{}, err
	}
	var s program.Settings
	var raw []byte
	err = q.QueryRow(ctx, `SELECT refund_policy, pending_days, warning_days, adjustment_approval_above, point_value_fen,
		point_value_points, coalesce((SELECT json_agg(json_build_object(
			'wallet', w.wallet, 'spendable', w.spendable, 'label_zh', w.label_zh, 'label_en', w.label_en, 'earn_points', w.earn_points, 'earn_per_fen', w.earn_per_fen,
			'min_spend_fen', w.min_spend_fen, 'max_points_per_order', w.max_points_per_order, 'expiry_policy', w.expiry_policy,
			'expiry_months', w.expiry_months, 'expiry_period', w.expiry_period) ORDER BY w.position) FROM points_wallets w), '[]')
		FROM points_settings`).Scan(&s.RefundPolicy, &s.PendingDays, &s.WarningDays, &s.ApprovalAbove, &s.Value.Fen,
		&s.Value.Points, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return program.Defaults(), nil
	}
	if err != nil {
		return program.Settings{}, err
	}
	var wallets []walletJSON
	if err := json.Unmarshal(raw, &wallets); err != nil {
		return program.Settings{}, err
	}
	for _, w := range wallets {
		s.Wallets = append(s.Wallets, program.Wallet{Key: w.Wallet, Spendable: w.Spendable, Label: program.Label{ZH: w.LabelZH, EN: w.LabelEN},
			Rate:   program.Rate{Points: w.EarnPoints, PerFen: w.EarnPerFen, MinSpendFen: w.MinSpendFen, MaxPerOrder: w.MaxPointsPerOrder},
			Expiry: program.Expiry{Policy: program.ExpiryPolicy(w.ExpiryPolicy), Months: w.ExpiryMonths, Period: program.Period(w.ExpiryPeriod)}})
	}
	return s, nil
}

// Put implements points.Programs.
func (Programs) Put(ctx context.Context, s program.Settings) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `INSERT INTO points_settings (tenant_id, refund_policy, pending_days, warning_days,
			adjustment_approval_above, point_value_fen, point_value_points) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (tenant_id) DO UPDATE SET refund_policy = $2, pending_days = $3, warning_days = $4,
			adjustment_approval_above = $5, point_value_fen = $6, point_value_points = $7, updated_at = now()`,
		tenant.UUID(), string(s.RefundPolicy), s.PendingDays, s.WarningDays, s.ApprovalAbove, s.Value.Fen, s.Value.Points); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM points_wallets`); err != nil {
		return err
	}
	n := len(s.Wallets)
	keys, positions, spendable := make([]string, n), make([]int, n), make([]bool, n)
	earn, per, minSpend, caps := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	policies, months, periods := make([]string, n), make([]int, n), make([]string, n)
	labelsZH, labelsEN := make([]string, n), make([]string, n)
	for i, w := range s.Wallets {
		keys[i], positions[i], spendable[i] = string(w.Key), i, w.Spendable
		earn[i], per[i], minSpend[i], caps[i] = w.Rate.Points, w.Rate.PerFen, w.Rate.MinSpendFen, w.Rate.MaxPerOrder
		policies[i], months[i], periods[i] = string(w.Expiry.Policy), w.Expiry.Months, string(w.Expiry.Period)
		labelsZH[i], labelsEN[i] = w.Label.ZH, w.Label.EN
	}
	_, err = q.Exec(ctx, `INSERT INTO points_wallets (tenant_id, wallet, position, spendable, earn_points, earn_per_fen, min_spend_fen,
		max_points_per_order, expiry_policy, expiry_months, expiry_period, label_zh, label_en)
		SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bool[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
			$9::text[], $10::int[], $11::text[], $12::text[], $13::text[])`,
		tenant.UUID(), keys, positions, spendable, earn, per, minSpend, caps, policies, months, periods, labelsZH, labelsEN)
	return err
}
