package tiersdb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// Benefits implements tiers.BenefitStore (migration 00039_tier_benefits.sql).
type Benefits struct{}

var _ tiers.BenefitStore = Benefits{}

const benefitColumns = `id, tier, kind, title, description, reward_id, tag, usage_limit, limit_period, valid_from, valid_until,
	existing, created_at, updated_at`

func scanBenefit(row pgx.CollectableRow) (tier.Benefit, error) {
	var b tier.Benefit
	var title, desc []byte
	if err := row.Scan(&b.ID, &b.Tier, &b.Kind, &title, &desc, &b.RewardID, &b.Tag, &b.UsageLimit, &b.LimitPeriod,
		&b.ValidFrom, &b.ValidUntil, &b.Existing, &b.CreatedAt, &b.UpdatedAt); err != nil {
		return b, err
	}
	if err := json.Unmarshal(title, &b.Title); err != nil {
		return b, err
	}
	return b, json.Unmarshal(desc, &b.Description)
}

// Benefits implements tiers.BenefitStore.
func (Benefits) Benefits(ctx context.Context, t tier.Code) ([]tier.Benefit, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+benefitColumns+` FROM tier_benefits WHERE $1 = '' OR tier = $1 ORDER BY tier, created_at, id`,
		string(t))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanBenefit)
}

// Benefit implements tiers.BenefitStore.
func (Benefits) Benefit(ctx context.Context, id uuid.UUID) (tier.Benefit, bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return tier.Benefit{}, false, err
	}
	rows, err := q.Query(ctx, `SELECT `+benefitColumns+` FROM tier_benefits WHERE id = $1`, id)
	if err != nil {
		return tier.Benefit{}, false, err
	}
	bs, err := pgx.CollectRows(rows, scanBenefit)
	if err != nil || len(bs) == 0 {
		return tier.Benefit{}, false, err
	}
	return bs[0], true, nil
}

// PutBenefit implements tiers.BenefitStore.
func (Benefits) PutBenefit(ctx context.Context, b tier.Benefit) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	title, _ := json.Marshal(b.Title)
	desc, _ := json.Marshal(b.Description)
	_, err = tx.Exec(ctx, `INSERT INTO tier_benefits (tenant_id, `+benefitColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (tenant_id, id) DO UPDATE SET tier = excluded.tier, kind = excluded.kind, title = excluded.title,
			description = excluded.description, reward_id = excluded.reward_id, tag = excluded.tag,
			usage_limit = excluded.usage_limit, limit_period = excluded.limit_period, valid_from = excluded.valid_from,
			valid_until = excluded.valid_until, existing = excluded.existing, updated_at = excluded.updated_at`,
		tenant.UUID(), b.ID, string(b.Tier), string(b.Kind), title, desc, b.RewardID, b.Tag, b.UsageLimit, string(b.LimitPeriod),
		b.ValidFrom, b.ValidUntil, b.Existing, b.CreatedAt, b.UpdatedAt)
	return err
}

// DeleteBenefit implements tiers.BenefitStore.
func (Benefits) DeleteBenefit(ctx context.Context, id uuid.UUID) (bool, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM tier_benefits WHERE id = $1`, id)
	return tag.RowsAffected() > 0, err
}

// AddUses implements tiers.BenefitStore, in one statement.
func (Benefits) AddUses(ctx context.Context, uses []tiers.Use) ([]tiers.Use, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return nil, err
	}
	_, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	benefits, customers, keys := make([]uuid.UUID, len(uses)), make([]uuid.UUID, len(uses)), make([]string, len(uses))
	rewards, at := make([]*uuid.UUID, len(uses)), make([]time.Time, len(uses))
	for i, u := range uses {
		benefits[i], customers[i], keys[i], rewards[i], at[i] = u.Benefit, u.Customer, u.Key, u.Reward, u.At
	}
	rows, err := tx.Query(ctx, `INSERT INTO tier_benefit_uses (tenant_id, benefit_id, customer_id, key, reward_id, used_at)
		SELECT $1, b, c, k, r, a FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::timestamptz[]) AS u(b, c, k, r, a)
		ON CONFLICT DO NOTHING RETURNING `+useColumns, tenant.UUID(), benefits, customers, keys, rewards, at)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUse)
}

const useColumns = `benefit_id, customer_id, key, reward_id, used_at`

func scanUse(row pgx.CollectableRow) (tiers.Use, error) {
	var u tiers.Use
	return u, row.Scan(&u.Benefit, &u.Customer, &u.Key, &u.Reward, &u.At)
}

// Uses implements tiers.BenefitStore.
func (Benefits) Uses(ctx context.Context, benefit, customer uuid.UUID, since time.Time) (int, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = q.QueryRow(ctx, `SELECT count(*) FROM tier_benefit_uses WHERE benefit_id = $1 AND customer_id = $2 AND used_at >= $3`,
		benefit, customer, since).Scan(&n)
	return n, err
}

// Usage implements tiers.BenefitStore.
func (Benefits) Usage(ctx context.Context) (map[uuid.UUID]tiers.Usage, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT benefit_id, count(*), count(DISTINCT customer_id) FROM tier_benefit_uses GROUP BY benefit_id`)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID]tiers.Usage{}
	var id uuid.UUID
	var u tiers.Usage
	_, err = pgx.ForEachRow(rows, []any{&id, &u.Uses, &u.Members}, func() error {
		out[id] = u
		return nil
	})
	return out, err
}

var _ tiers.GiftStore = Benefits{}

// GiveGifts implements tiers.GiftStore in one statement: each gift's day this year is the
// member's birth date (customers.birth_date) or the day they joined, moved to this year (29
// February falls on the 28th in other years); an anniversary needs a year passed.
func (Benefits) GiveGifts(ctx context.Context, g tiers.Gift) ([]tiers.Use, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return nil, err
	}
	_, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `INSERT INTO tier_benefit_uses (tenant_id, benefit_id, customer_id, key, reward_id, used_at)
		SELECT $1, b.id, m.customer_id, split_part(b.kind, '_', 1) || ':' || $5::int, b.reward_id, $3
		FROM tier_benefits b
		JOIN tier_members m ON m.tier = b.tier AND (b.existing OR m.since >= b.created_at)
		LEFT JOIN customers c ON b.kind = 'birthday_gift' AND c.id = m.customer_id
		CROSS JOIN LATERAL (SELECT CASE b.kind WHEN 'birthday_gift' THEN c.birth_date ELSE m.joined END AS origin) o
		WHERE b.kind IN ('birthday_gift', 'anniversary_gift')
			AND (b.valid_from IS NULL OR b.valid_from <= $3) AND (b.valid_until IS NULL OR b.valid_until > $3)
			AND o.origin IS NOT NULL AND extract(year FROM o.origin) < $5
			AND (o.origin + make_interval(years => $5 - extract(year FROM o.origin)::int))::date
				BETWEEN $2::date - $4::int AND $2::date
		ON CONFLICT DO NOTHING RETURNING `+useColumns, tenant.UUID(), date(g.Today), g.Now, tiers.GiftDays-1, g.Today.Year())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUse)
}

// CustomerUses implements tiers.BenefitStore.
func (Benefits) CustomerUses(ctx context.Context, customer uuid.UUID) ([]tiers.Use, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+useColumns+` FROM tier_benefit_uses WHERE customer_id = $1 ORDER BY used_at, key`, customer)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanUse)
}
