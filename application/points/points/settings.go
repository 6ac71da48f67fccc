package points

import (
	"context"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// SetSettings replaces the brand's points program, audited. Settings at fault are
// *fielderr.Error, joined; a program without a wallet customers hold points in is
// ErrWalletInUse. New rates and expiries apply to points credited from then on: what was
// credited keeps its terms, and refunds recompute with the rates of the purchase's day.
func (s *Service) SetSettings(ctx context.Context, tenant tenants.ID, settings program.Settings) error {
	if err := settings.Check(); err != nil {
		return err
	}
	return s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.deps.Programs.Settings(ctx)
		if err != nil {
			return err
		}
		for _, w := range before.Wallets {
			if _, kept := settings.Wallet(w.Key); kept {
				continue
			}
			inUse, err := s.deps.Ledger.WalletInUse(ctx, w.Key)
			if err != nil {
				return err
			}
			if inUse {
				return fielderr.New("wallets", walletInUse{key: w.Key})
			}
		}
		if err := s.deps.Programs.Put(ctx, settings); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_settings.set", TargetType: "points_settings",
			TargetID: "settings", Before: settingsMap(before), After: settingsMap(settings)})
	})
}

// walletInUse is ErrWalletInUse naming the wallet.
type walletInUse struct{ key ledger.Wallet }

func (e walletInUse) Error() string { return ErrWalletInUse.Error() + ": " + string(e.key) }
func (walletInUse) Unwrap() error   { return ErrWalletInUse }

// settingsMap is the program as the audit trail records it.
func settingsMap(s program.Settings) map[string]any {
	wallets := make([]map[string]any, len(s.Wallets))
	for i, w := range s.Wallets {
		wallets[i] = map[string]any{"key": w.Key, "label_zh": w.Label.ZH, "label_en": w.Label.EN, "spendable": w.Spendable, "points": w.Rate.Points, "per_fen": w.Rate.PerFen,
			"min_spend_fen": w.Rate.MinSpendFen, "max_points_per_order": w.Rate.MaxPerOrder, "expiry": string(w.Expiry.Policy),
			"expiry_months": w.Expiry.Months, "expiry_period": string(w.Expiry.Period)}
	}
	return map[string]any{"refund_policy": string(s.RefundPolicy), "pending_days": s.PendingDays, "warning_days": s.WarningDays,
		"wallets": wallets, "adjustment_approval_above": s.ApprovalAbove, "point_value_fen": s.Value.Fen, "point_value_points": s.Value.Points}
}
