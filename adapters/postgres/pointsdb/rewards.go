package pointsdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/fielderr"
	domain "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
)

// Rewards keeps the reward catalog, its stock, claims and vouchers in the tenant transaction.
type Rewards struct{}

var _ rewards.Repository = Rewards{}

const rewardColumns = `r.id, r.kind, r.status, r.title_zh, r.title_en, r.description_zh, r.description_en, r.images, r.category,
	r.points, r.cash_fen, s.total, s.claimed, r.per_customer, r.per_period_count, coalesce(r.per_period, ''), r.valid_from,
	r.valid_until, r.voucher_days, r.eligibility, r.created_at, r.updated_at`

const rewardFrom = ` FROM rewards r JOIN reward_stock s ON s.reward_id = r.id`

func scanReward(row pgx.CollectableRow) (rewards.View, error) {
	var v rewards.View
	r := &v.Reward
	var from, until *time.Time
	var elig []byte
	if err := row.Scan(&r.ID, &r.Kind, &r.Status, &r.Title.ZH, &r.Title.EN, &r.Description.ZH, &r.Description.EN, &r.Images,
		&r.Category, &r.Points, &r.CashFen, &r.Stock, &v.Claimed, &r.PerCustomer, &r.PerPeriod.Count, &r.PerPeriod.Period, &from,
		&until, &r.VoucherDays, &elig, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return v, err
	}
	if from != nil {
		r.ValidFrom = from.UTC()
	}
	if until != nil {
		r.ValidUntil = until.UTC()
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return v, json.Unmarshal(elig, &r.Eligibility)
}

func rewardArgs(r domain.Reward) ([]any, error) {
	elig, err := json.Marshal(r.Eligibility)
	if err != nil {
		return nil, err
	}
	images := r.Images
	if images == nil {
		images = []string{}
	}
	return []any{r.ID, string(r.Kind), string(r.Status), r.Title.ZH, r.Title.EN, r.Description.ZH, r.Description.EN, images, r.Category,
		r.Points, r.CashFen, r.PerCustomer, r.PerPeriod.Count, nullable(string(r.PerPeriod.Period)), nullTime(r.ValidFrom),
		nullTime(r.ValidUntil), r.VoucherDays, elig, r.CreatedAt, r.UpdatedAt}, nil
}

// Insert implements rewards.Repository.
func (Rewards) Insert(ctx context.Context, r domain.Reward) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	args, err := rewardArgs(r)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO rewards (tenant_id, id, kind, status, title_zh, title_en, description_zh, description_en,
		images, category, points, cash_fen, per_customer, per_period_count, per_period, valid_from, valid_until, voucher_days,
		eligibility, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
		append([]any{tenant.UUID()}, args...)...); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO reward_stock (tenant_id, reward_id, total, claimed) VALUES ($1, $2, $3, 0)`,
		tenant.UUID(), r.ID, r.Stock)
	return err
}

// Update implements rewards.Repository.
func (Rewards) Update(ctx context.Context, r domain.Reward) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	args, err := rewardArgs(r)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE rewards SET kind = $2, status = $3, title_zh = $4, title_en = $5, description_zh = $6,
		description_en = $7, images = $8, category = $9, points = $10, cash_fen = $11, per_customer = $12, per_period_count = $13,
		per_period = $14, valid_from = $15, valid_until = $16, voucher_days = $17, eligibility = $18, updated_at = $19
		WHERE id = $1`, append(args[:18:18], args[19])...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return rewards.ErrRewardNotFound
	}
	// The stock changes only where it stays at or above what was claimed.
	tag, err = tx.Exec(ctx, `UPDATE reward_stock SET total = $2 WHERE reward_id = $1 AND ($2::bigint IS NULL OR claimed <= $2)`,
		r.ID, r.Stock)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fielderr.New("stock", domain.ErrStockBelowUsed)
	}
	return nil
}

// Get implements rewards.Repository.
func (Rewards) Get(ctx context.Context, id uuid.UUID) (rewards.View, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return rewards.View{}, err
	}
	rows, err := q.Query(ctx, `SELECT `+rewardColumns+rewardFrom+` WHERE r.id = $1`, id)
	if err != nil {
		return rewards.View{}, err
	}
	v, err := pgx.CollectExactlyOneRow(rows, scanReward)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, rewards.ErrRewardNotFound
	}
	return v, err
}

// List implements rewards.Repository.
func (Rewards) List(ctx context.Context, q rewards.Query, page ports.Page) ([]rewards.View, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(q.Statuses) > 0 {
		st := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			st[i] = string(s)
		}
		where = append(where, "r.status = ANY("+arg(st)+"::text[])")
	}
	if q.Category != "" {
		where = append(where, "r.category = "+arg(q.Category))
	}
	if q.Kind != "" {
		where = append(where, "r.kind = "+arg(string(q.Kind)))
	}
	if q.MinPoints > 0 {
		where = append(where, "r.points >= "+arg(q.MinPoints))
	}
	if q.MaxPoints > 0 {
		where = append(where, "r.points <= "+arg(q.MaxPoints))
	}
	if q.Search != "" {
		p := arg("%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q.Search) + "%")
		where = append(where, "(r.title_zh ILIKE "+p+" OR r.title_en ILIKE "+p+")")
	}
	if !q.OpenAt.IsZero() {
		at := arg(q.OpenAt)
		where = append(where, "(r.valid_from IS NULL OR r.valid_from <= "+at+") AND (r.valid_until IS NULL OR r.valid_until > "+at+")")
	}
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		where = append(where, "(r.points, r.id) > (SELECT a.points, a.id FROM rewards a WHERE a.id = "+arg(after)+")")
	}
	sql := `SELECT ` + rewardColumns + rewardFrom
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY r.points, r.id LIMIT " + arg(page.Limit)
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanReward)
}

// Categories implements rewards.Repository.
func (Rewards) Categories(ctx context.Context) ([]string, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT category FROM rewards WHERE category <> '' AND status <> 'archived'
		GROUP BY category ORDER BY count(*) DESC, category LIMIT 100`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

const redemptionColumns = `d.id, d.reward_id, d.customer_id, d.key, d.fingerprint, d.points, d.cash_fen,
	coalesce(d.payment_reference, ''), coalesce(d.operation_id, '00000000-0000-0000-0000-000000000000'), d.actor_kind, d.actor_id,
	d.created_at`

// operation is a claim's ledger operation, NULL for a gift (rewards.Service.Give), which took no points.
func operation(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func scanRedemption(row pgx.Row, r *rewards.Redemption) []any {
	return []any{&r.ID, &r.RewardID, &r.Customer, &r.Key, &r.Fingerprint, &r.Points, &r.CashFen, &r.PaymentReference,
		&r.OperationID, &r.ActorKind, &r.ActorID, &r.CreatedAt}
}

// RedemptionByKey implements rewards.Repository.
func (Rewards) RedemptionByKey(ctx context.Context, customer uuid.UUID, key string) (rewards.Redemption, bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return rewards.Redemption{}, false, err
	}
	var r rewards.Redemption
	row := q.QueryRow(ctx, `SELECT `+redemptionColumns+` FROM reward_redemptions d WHERE d.customer_id = $1 AND d.key = $2`, customer, key)
	err = row.Scan(scanRedemption(row, &r)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return r, err == nil, err
}

// Claimed implements rewards.Repository.
func (Rewards) Claimed(ctx context.Context, customer, reward uuid.UUID, since time.Time) (domain.Claimed, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return domain.Claimed{}, err
	}
	var c domain.Claimed
	err = q.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE d.created_at >= $3)
		FROM reward_redemptions d JOIN reward_vouchers v ON v.redemption_id = d.id
		WHERE d.customer_id = $1 AND d.reward_id = $2 AND v.state <> 'cancelled'`, customer, reward, since).Scan(&c.Total, &c.InPeriod)
	return c, err
}

// TakeStock implements rewards.Repository.
func (Rewards) TakeStock(ctx context.Context, reward uuid.UUID) (bool, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `UPDATE reward_stock SET claimed = claimed + 1 WHERE reward_id = $1 AND (total IS NULL OR claimed < total)`, reward)
	return tag.RowsAffected() == 1, err
}

// ReturnStock implements rewards.Repository.
func (Rewards) ReturnStock(ctx context.Context, reward uuid.UUID) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE reward_stock SET claimed = claimed - 1 WHERE reward_id = $1 AND claimed > 0`, reward)
	if err == nil && tag.RowsAffected() != 1 {
		err = fmt.Errorf("pointsdb: no stock of reward %s to return", reward)
	}
	return err
}

// InsertRedemption implements rewards.Repository.
func (Rewards) InsertRedemption(ctx context.Context, r rewards.Redemption, v domain.Voucher) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO reward_redemptions (tenant_id, id, reward_id, customer_id, key, fingerprint, points, cash_fen,
		payment_reference, operation_id, actor_kind, actor_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		tenant.UUID(), r.ID, r.RewardID, r.Customer, r.Key, r.Fingerprint, r.Points, r.CashFen, nullable(r.PaymentReference),
		operation(r.OperationID), r.ActorKind, r.ActorID, r.CreatedAt)
	batch.Queue(`INSERT INTO reward_vouchers (tenant_id, id, redemption_id, reward_id, customer_id, code, state, issued_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, tenant.UUID(), v.ID, v.RedemptionID, v.RewardID, v.Customer, v.Code,
		string(v.State), v.IssuedAt, v.ExpiresAt)
	err = tx.SendBatch(ctx, batch).Close()
	switch {
	case postgres.IsUniqueViolation(err, "reward_vouchers_code"):
		return rewards.ErrCodeTaken
	case postgres.IsUniqueViolation(err, "reward_redemptions_key"):
		return fmt.Errorf("%w: %w", ports.ErrTxConflict, err)
	}
	return err
}

const voucherColumns = `v.id, v.redemption_id, v.reward_id, v.customer_id, v.code, v.state, v.issued_at, v.expires_at, v.used_at,
	coalesce(v.used_by, ''), coalesce(v.store, ''), v.cancelled_at, coalesce(v.reason, ''), r.title_zh, r.title_en, r.kind, r.images, ` +
	redemptionColumns

const voucherFrom = ` FROM reward_vouchers v JOIN reward_redemptions d ON d.id = v.redemption_id JOIN rewards r ON r.id = v.reward_id`

func scanVoucher(row pgx.CollectableRow) (rewards.Issued, error) {
	var i rewards.Issued
	v := &i.Voucher
	var used, cancelled *time.Time
	dest := []any{&v.ID, &v.RedemptionID, &v.RewardID, &v.Customer, &v.Code, &v.State, &v.IssuedAt, &v.ExpiresAt, &used, &v.UsedBy,
		&v.Store, &cancelled, &v.Reason, &i.Title.ZH, &i.Title.EN, &i.Kind, &i.Images}
	if err := row.Scan(append(dest, scanRedemption(row, &i.Redemption)...)...); err != nil {
		return i, err
	}
	v.IssuedAt, v.ExpiresAt, i.Redemption.CreatedAt = v.IssuedAt.UTC(), v.ExpiresAt.UTC(), i.Redemption.CreatedAt.UTC()
	if used != nil {
		v.UsedAt = used.UTC()
	}
	if cancelled != nil {
		v.CancelledAt = cancelled.UTC()
	}
	return i, nil
}

func (Rewards) voucherWhere(ctx context.Context, cond string, lock bool, args ...any) (rewards.Issued, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return rewards.Issued{}, err
	}
	sql := `SELECT ` + voucherColumns + voucherFrom + ` WHERE ` + cond
	if lock {
		sql += ` FOR UPDATE OF v`
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return rewards.Issued{}, err
	}
	v, err := pgx.CollectExactlyOneRow(rows, scanVoucher)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, rewards.ErrVoucherNotFound
	}
	return v, err
}

// Voucher implements rewards.Repository.
func (r Rewards) Voucher(ctx context.Context, id uuid.UUID, lock bool) (rewards.Issued, error) {
	return r.voucherWhere(ctx, `v.id = $1`, lock, id)
}

// VoucherOf implements rewards.Repository.
func (r Rewards) VoucherOf(ctx context.Context, redemption uuid.UUID) (rewards.Issued, error) {
	return r.voucherWhere(ctx, `v.redemption_id = $1`, false, redemption)
}

// VoucherByCode implements rewards.Repository.
func (r Rewards) VoucherByCode(ctx context.Context, code string, lock bool) (rewards.Issued, error) {
	return r.voucherWhere(ctx, `v.code = $1`, lock, code)
}

// SaveVoucher implements rewards.Repository.
func (Rewards) SaveVoucher(ctx context.Context, v domain.Voucher) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE reward_vouchers SET state = $2, used_at = $3, used_by = $4, store = $5, cancelled_at = $6,
		reason = $7 WHERE id = $1`, v.ID, string(v.State), nullTime(v.UsedAt), nullable(v.UsedBy), nullable(v.Store),
		nullTime(v.CancelledAt), nullable(v.Reason))
	if err == nil && tag.RowsAffected() != 1 {
		err = rewards.ErrVoucherNotFound
	}
	return err
}

// Vouchers implements rewards.Repository.
func (Rewards) Vouchers(ctx context.Context, q rewards.VoucherQuery, page ports.Page) ([]rewards.Issued, error) {
	tx, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.Customer != uuid.Nil {
		where = append(where, "v.customer_id = "+arg(q.Customer))
	}
	if q.Reward != uuid.Nil {
		where = append(where, "v.reward_id = "+arg(q.Reward))
	}
	if q.Code != "" {
		where = append(where, "v.code = "+arg(q.Code))
	}
	if len(q.States) > 0 {
		var or []string
		now := arg(q.Now)
		for _, s := range q.States {
			switch s {
			case domain.StateIssued:
				or = append(or, "(v.state = 'issued' AND v.expires_at > "+now+")")
			case domain.StateExpired:
				or = append(or, "v.state = 'expired' OR (v.state = 'issued' AND v.expires_at <= "+now+")")
			default:
				or = append(or, "v.state = "+arg(string(s)))
			}
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		where = append(where, "v.id < "+arg(after))
	}
	sql := `SELECT ` + voucherColumns + voucherFrom
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY v.id DESC LIMIT " + arg(page.Limit)
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanVoucher)
}

// ExpireDue implements rewards.Repository.
func (Rewards) ExpireDue(ctx context.Context, now time.Time, limit int) (int, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `UPDATE reward_vouchers SET state = 'expired' WHERE id IN (
		SELECT id FROM reward_vouchers WHERE state = 'issued' AND expires_at <= $1 ORDER BY expires_at LIMIT $2
		FOR UPDATE SKIP LOCKED)`, now, limit)
	return int(tag.RowsAffected()), err
}

// LockKey implements rewards.Repository: a transaction-scoped advisory lock per brand.
func (Rewards) LockKey(ctx context.Context) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('engage.rewards.voucher_key.' || $1::text, 0))`, tenant.UUID())
	return err
}

// Move implements rewards.Repository.
func (Rewards) Move(ctx context.Context, from, into uuid.UUID) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	batch := &pgx.Batch{}
	batch.Queue(`UPDATE reward_redemptions d SET customer_id = $2,
		key = CASE WHEN EXISTS (SELECT 1 FROM reward_redemptions o WHERE o.customer_id = $2 AND o.key = d.key)
			THEN left(d.key, 160) || ':' || $1::text ELSE d.key END
		WHERE d.customer_id = $1`, from, into)
	batch.Queue(`UPDATE reward_vouchers SET customer_id = $2 WHERE customer_id = $1`, from, into)
	return tx.SendBatch(ctx, batch).Close()
}

// Download implements rewards.Repository.
func (Rewards) Download(ctx context.Context, customer uuid.UUID) (any, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT coalesce(json_agg(json_build_object('redemption_id', d.id, 'reward_id', d.reward_id,
			'reward', r.title_zh, 'points', d.points, 'cash_fen', d.cash_fen, 'payment_reference', d.payment_reference,
			'claimed_at', d.created_at, 'voucher_code', v.code, 'voucher_state', v.state, 'expires_at', v.expires_at,
			'used_at', v.used_at, 'store', v.store, 'cancelled_at', v.cancelled_at, 'reason', v.reason) ORDER BY d.id), '[]')
		FROM reward_redemptions d JOIN reward_vouchers v ON v.redemption_id = d.id JOIN rewards r ON r.id = d.reward_id
		WHERE d.customer_id = $1`, customer)
	if err != nil {
		return nil, err
	}
	raw, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[[]byte])
	return json.RawMessage(raw), err
}

// EraseReasons implements rewards.Repository.
func (Rewards) EraseReasons(ctx context.Context, customer uuid.UUID) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE reward_vouchers SET reason = NULL WHERE customer_id = $1 AND reason IS NOT NULL`, customer)
	return err
}
