package pointsdb

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/actions"
)

// Actions keeps the brands' action rules, check-ins and referrals in the tenant transaction.
type Actions struct{}

var _ points.ActionRules = Actions{}

// streakJSON is a streak bonus as the rules' streak column keeps it.
type streakJSON struct {
	Days   int   `json:"days"`
	Points int64 `json:"points"`
	Repeat bool  `json:"repeat,omitempty"`
}

// Rules implements points.ActionRules.
func (Actions) Rules(ctx context.Context) ([]actions.Rule, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT key, action, event_type, wallet, points, limit_count, limit_period, streak, referee_points,
		after_first_purchase, title, title_en, tip, tip_en, active FROM points_action_rules ORDER BY created_at, key`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (actions.Rule, error) {
		var r actions.Rule
		var streak []byte
		if err := row.Scan(&r.Key, &r.Action, &r.EventType, &r.Wallet, &r.Points, &r.Limit.Count, &r.Limit.Period, &streak,
			&r.RefereePoints, &r.AfterFirstPurchase, &r.Title, &r.TitleEn, &r.Tip, &r.TipEn, &r.Active); err != nil {
			return r, err
		}
		var bonuses []streakJSON
		if err := json.Unmarshal(streak, &bonuses); err != nil {
			return r, err
		}
		for _, b := range bonuses {
			r.Streak = append(r.Streak, actions.StreakBonus(b))
		}
		return r, nil
	})
}

// AnyActive implements points.ActionRules.
func (Actions) AnyActive(ctx context.Context, kinds []actions.Action) (bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return false, err
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	var any bool
	err = q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM points_action_rules WHERE active AND action = ANY($1))`, names).Scan(&any)
	return any, err
}

// Put implements points.ActionRules.
func (Actions) Put(ctx context.Context, r actions.Rule) (bool, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return false, err
	}
	bonuses := make([]streakJSON, len(r.Streak))
	for i, b := range r.Streak {
		bonuses[i] = streakJSON(b)
	}
	streak, err := json.Marshal(bonuses)
	if err != nil {
		return false, err
	}
	var created bool
	err = q.QueryRow(ctx, `INSERT INTO points_action_rules (tenant_id, key, action, event_type, wallet, points, limit_count, limit_period,
			streak, referee_points, after_first_purchase, title, title_en, tip, tip_en, active)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		ON CONFLICT (tenant_id, key) DO UPDATE SET action = $3, event_type = $4, wallet = $5, points = $6, limit_count = $7,
			limit_period = $8, streak = $9, referee_points = $10, after_first_purchase = $11, title = $12, title_en = $13,
			tip = $14, tip_en = $15, active = $16, updated_at = now()
		RETURNING xmax = 0`,
		tenant.UUID(), r.Key, string(r.Action), r.EventType, string(r.Wallet), r.Points, r.Limit.Count, string(r.Limit.Period), streak,
		r.RefereePoints, r.AfterFirstPurchase, r.Title, r.TitleEn, r.Tip, r.TipEn, r.Active).Scan(&created)
	return created, err
}

// Delete implements points.ActionRules.
func (Actions) Delete(ctx context.Context, key string) (bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return false, err
	}
	tag, err := q.Exec(ctx, `DELETE FROM points_action_rules WHERE key = $1`, key)
	return tag.RowsAffected() > 0, err
}

// Awards implements points.ActionRules.
func (Actions) Awards(ctx context.Context, reason string, customers []uuid.UUID, since time.Time) (map[uuid.UUID]int, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT customer_id, count(*) FROM points_operations
		WHERE customer_id = ANY($1) AND kind = 'award' AND reason = $2 AND occurred_at >= $3 GROUP BY customer_id`,
		customers, reason, since)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]int{}
	var id uuid.UUID
	var n int
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error { out[id] = n; return nil })
	return out, err
}

// LastCheckIn implements points.ActionRules.
func (Actions) LastCheckIn(ctx context.Context, customer uuid.UUID) (points.CheckIn, bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return points.CheckIn{}, false, err
	}
	c := points.CheckIn{Customer: customer}
	var op *uuid.UUID
	err = q.QueryRow(ctx, `SELECT day, streak, points, operation_id, checked_at FROM points_check_ins
		WHERE customer_id = $1 ORDER BY day DESC LIMIT 1`, customer).Scan(&c.Day, &c.Streak, &c.Points, &op, &c.At)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, false, nil
	}
	if op != nil {
		c.Operation = *op
	}
	c.Day = c.Day.UTC()
	return c, err == nil, err
}

// StreakBefore implements points.ActionRules: going back from the day before, the n-th latest
// check-in is n days before day as long as the days are consecutive.
func (Actions) StreakBefore(ctx context.Context, customer uuid.UUID, day time.Time) (int, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = q.QueryRow(ctx, `SELECT count(*) FROM (
			SELECT $2::date - day AS gap, row_number() OVER (ORDER BY day DESC) AS n
			FROM points_check_ins WHERE customer_id = $1 AND day < $2 AND day >= $2::date - 400) s
		WHERE gap = n`, customer, day).Scan(&n)
	return n, err
}

// InsertCheckIn implements points.ActionRules.
func (Actions) InsertCheckIn(ctx context.Context, c points.CheckIn) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	var op *uuid.UUID
	if c.Operation != uuid.Nil {
		op = &c.Operation
	}
	_, err = q.Exec(ctx, `INSERT INTO points_check_ins (tenant_id, customer_id, day, streak, points, operation_id, checked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, tenant.UUID(), c.Customer, c.Day, c.Streak, c.Points, op, c.At)
	if postgres.IsUniqueViolation(err, "points_check_ins_pkey") {
		return points.ErrKeyTaken
	}
	return err
}

// Referrals implements points.ActionRules.
func (Actions) Referrals(ctx context.Context, referees []uuid.UUID) (map[uuid.UUID]points.Referral, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT referee_id, referrer_id, rule_key, event_id, status = 'awarded', created_at, awarded_at
		FROM points_referrals WHERE referee_id = ANY($1)`, referees)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]points.Referral{}
	var r points.Referral
	var awardedAt *time.Time
	_, err = pgx.ForEachRow(rows, []any{&r.Referee, &r.Referrer, &r.Rule, &r.EventID, &r.Awarded, &r.At, &awardedAt}, func() error {
		if awardedAt != nil {
			r.AwardedAt = *awardedAt
		}
		out[r.Referee] = r
		return nil
	})
	return out, err
}

// PutReferral implements points.ActionRules.
func (Actions) PutReferral(ctx context.Context, r points.Referral) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	status, awardedAt := "pending", (*time.Time)(nil)
	if r.Awarded {
		status, awardedAt = "awarded", &r.AwardedAt
	}
	_, err = q.Exec(ctx, `INSERT INTO points_referrals (tenant_id, referee_id, referrer_id, rule_key, event_id, status, created_at, awarded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (tenant_id, referee_id) DO UPDATE SET status = $6, awarded_at = $8`,
		tenant.UUID(), r.Referee, r.Referrer, r.Rule, r.EventID, status, r.At, awardedAt)
	return err
}

// Customers implements points.ActionRules.
func (Actions) Customers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id FROM customers WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]bool{}
	var id uuid.UUID
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error { out[id] = true; return nil })
	return out, err
}

// MoveCustomer implements points.ActionRules: the duplicate's check-ins of days the survivor
// has none, and its referrals either way, move; the rest goes with the duplicate.
func (Actions) MoveCustomer(ctx context.Context, from, into uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `WITH moved AS (
			UPDATE points_check_ins c SET customer_id = $2 WHERE c.customer_id = $1
				AND NOT EXISTS (SELECT 1 FROM points_check_ins s WHERE s.customer_id = $2 AND s.day = c.day))
		DELETE FROM points_check_ins WHERE customer_id = $1 AND day IN (SELECT day FROM points_check_ins WHERE customer_id = $2)`,
		from, into)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM points_referrals WHERE referee_id = $1
		AND (EXISTS (SELECT 1 FROM points_referrals WHERE referee_id = $2) OR referrer_id = $2)`, from, into); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `UPDATE points_referrals SET referee_id = $2 WHERE referee_id = $1`, from, into); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM points_referrals WHERE referrer_id = $1 AND referee_id = $2`, from, into); err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE points_referrals SET referrer_id = $2 WHERE referrer_id = $1`, from, into)
	return err
}

// checkInJSON is a check-in in a customer's data download.
type checkInJSON struct {
	Day    string `json:"day"`
	Streak int    `json:"streak"`
	Points int64  `json:"points"`
}

// Download implements points.ActionRules.
func (Actions) Download(ctx context.Context, customer uuid.UUID) (any, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var checkIns, referrals []byte
	err = q.QueryRow(ctx, `SELECT
		coalesce((SELECT json_agg(json_build_object('day', day, 'streak', streak, 'points', points) ORDER BY day)
			FROM points_check_ins WHERE customer_id = $1), '[]'),
		coalesce((SELECT json_agg(json_build_object('referee_id', referee_id, 'referrer_id', referrer_id, 'rule', rule_key,
			'status', status, 'referred_at', created_at, 'awarded_at', awarded_at) ORDER BY created_at)
			FROM points_referrals WHERE referee_id = $1 OR referrer_id = $1), '[]')`, customer).Scan(&checkIns, &referrals)
	if err != nil {
		return nil, err
	}
	var days []checkInJSON
	if err := json.Unmarshal(checkIns, &days); err != nil {
		return nil, err
	}
	return map[string]any{"check_ins": days, "referrals": json.RawMessage(referrals)}, nil
}
