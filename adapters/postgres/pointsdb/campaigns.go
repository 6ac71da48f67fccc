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
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// Campaigns keeps each brand's bonus campaigns and their performance in the tenant transaction.
type Campaigns struct{}

var _ points.CampaignStore = Campaigns{}

const campaignColumns = `id, name, name_en, description, description_en, wallet, starts_at, ends_at, kind, percent, points,
	conditions, budget, issued, participants, purchases, spend_fen, stopped_at, stop_reason, created_at, updated_at`

func scanCampaign(row pgx.CollectableRow) (campaigns.Campaign, error) {
	var c campaigns.Campaign
	var raw []byte
	var wallet, kind string
	if err := row.Scan(&c.ID, &c.Name.ZH, &c.Name.EN, &c.Description.ZH, &c.Description.EN, &wallet, &c.StartsAt, &c.EndsAt, &kind,
		&c.Percent, &c.Points, &raw, &c.Budget, &c.Issued, &c.Participants, &c.Purchases, &c.SpendFen, &c.StoppedAt, &c.StopReason,
		&c.CreatedAt, &c.UpdatedAt); err != nil {
		return c, err
	}
	c.Wallet, c.Kind = ledger.Wallet(wallet), rules.Kind(kind)
	return c, json.Unmarshal(raw, &c.When)
}

func (Campaigns) query(ctx context.Context, sql string, args ...any) ([]campaigns.Campaign, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+campaignColumns+` FROM points_campaigns `+sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanCampaign)
}

// List implements points.CampaignStore.
func (s Campaigns) List(ctx context.Context) ([]campaigns.Campaign, error) {
	return s.query(ctx, `ORDER BY starts_at DESC, id`)
}

// Get implements points.CampaignStore.
func (s Campaigns) Get(ctx context.Context, id uuid.UUID) (campaigns.Campaign, error) {
	cs, err := s.query(ctx, `WHERE id = $1`, id)
	if err != nil {
		return campaigns.Campaign{}, err
	}
	if len(cs) == 0 {
		return campaigns.Campaign{}, campaigns.ErrNotFound
	}
	return cs[0], nil
}

// Create implements points.CampaignStore.
func (Campaigns) Create(ctx context.Context, c campaigns.Campaign) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(c.When)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO points_campaigns (tenant_id, id, name, name_en, description, description_en, wallet,
		starts_at, ends_at, kind, percent, points, conditions, budget)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, tenant.UUID(), c.ID, c.Name.ZH, c.Name.EN,
		c.Description.ZH, c.Description.EN, string(c.Wallet), c.StartsAt, c.EndsAt, string(c.Kind), c.Percent, c.Points, raw, c.Budget)
	return err
}

// Update implements points.CampaignStore.
func (Campaigns) Update(ctx context.Context, c campaigns.Campaign, now time.Time) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(c.When)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE points_campaigns SET name = $2, name_en = $3, description = $4, description_en = $5,
		wallet = $6, starts_at = $7, ends_at = $8, kind = $9, percent = $10, points = $11, conditions = $12, budget = $13,
		updated_at = $14
		WHERE id = $1 AND stopped_at IS NULL AND starts_at > $14`, c.ID, c.Name.ZH, c.Name.EN, c.Description.ZH, c.Description.EN,
		string(c.Wallet), c.StartsAt, c.EndsAt, string(c.Kind), c.Percent, c.Points, raw, c.Budget, now)
	if err != nil || tag.RowsAffected() == 1 {
		return err
	}
	return campaigns.ErrNotScheduled
}

// Stop implements points.CampaignStore.
func (s Campaigns) Stop(ctx context.Context, id uuid.UUID, now time.Time, reason string) (campaigns.Campaign, error) {
	cs, err := s.query(ctx, `WHERE id = $1 FOR UPDATE`, id)
	if err != nil {
		return campaigns.Campaign{}, err
	}
	if len(cs) == 0 {
		return campaigns.Campaign{}, campaigns.ErrNotFound
	}
	if st := cs[0].StateAt(now); st == campaigns.Ended || st == campaigns.Stopped {
		return cs[0], campaigns.ErrNotStoppable
	}
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return campaigns.Campaign{}, err
	}
	if _, err := q.Exec(ctx, `UPDATE points_campaigns SET stopped_at = $2, stop_reason = $3, updated_at = $2 WHERE id = $1`,
		id, now, reason); err != nil {
		return campaigns.Campaign{}, err
	}
	return s.Get(ctx, id)
}

// Open implements points.CampaignStore.
func (s Campaigns) Open(ctx context.Context, from, to time.Time) ([]campaigns.Campaign, error) {
	return s.query(ctx, `WHERE stopped_at IS NULL AND starts_at <= $2 AND ends_at > $1 ORDER BY id`, from, to)
}

// Lock implements points.CampaignStore: once the lock is held, the row read is the one the
// transaction waited for, so the budget left is what the earnings before it left.
func (s Campaigns) Lock(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]campaigns.Campaign, error) {
	cs, err := s.query(ctx, `WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]campaigns.Campaign, len(cs))
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, nil
}

// Count implements points.CampaignStore in one statement: the participants new to each
// campaign are added, then the campaign's performance; the CHECK on issued refuses a budget
// overspent, failing the transaction.
func (Campaigns) Count(ctx context.Context, now time.Time, usage []points.CampaignUsage) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	n := len(usage)
	ids, pts, purchases, spend := make([]uuid.UUID, n), make([]int64, n), make([]int64, n), make([]int64, n)
	spent := make([]bool, n)
	var pc, pcust []uuid.UUID
	for i, u := range usage {
		ids[i], pts[i], purchases[i], spend[i], spent[i] = u.Campaign, u.Points, u.Purchases, u.SpendFen, u.Spent
		for _, c := range u.Customers {
			pc, pcust = append(pc, u.Campaign), append(pcust, c)
		}
	}
	tag, err := q.Exec(ctx, `WITH joined AS (
			INSERT INTO points_campaign_participants (tenant_id, campaign_id, customer_id)
			SELECT $1, c, p FROM unnest($2::uuid[], $3::uuid[]) AS j(c, p)
			ON CONFLICT DO NOTHING RETURNING campaign_id),
		fresh AS (SELECT campaign_id, count(*) AS n FROM joined GROUP BY campaign_id)
		UPDATE points_campaigns c SET issued = c.issued + u.points, purchases = c.purchases + u.purchases,
			spend_fen = c.spend_fen + u.spend, participants = c.participants + coalesce(f.n, 0),
			stopped_at = CASE WHEN u.spent THEN $9 ELSE c.stopped_at END,
			stop_reason = CASE WHEN u.spent THEN 'budget' ELSE c.stop_reason END,
			updated_at = $9
		FROM unnest($4::uuid[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bool[]) AS u(id, points, purchases, spend, spent)
		LEFT JOIN fresh f ON f.campaign_id = u.id
		WHERE c.id = u.id`, tenant.UUID(), pc, pcust, ids, pts, purchases, spend, spent, now)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != int64(n) {
		return errors.New("pointsdb: a campaign counted is gone")
	}
	return nil
}
