package customersdb

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
)

// Segments implements ports.SegmentRepository.
type Segments struct{}

var _ ports.SegmentRepository = Segments{}

const segmentColumns = `id, name, description, tree, member_count, created_at, updated_at, refreshed_at`

func scanSegment(row pgx.Row) (segment.Segment, error) {
	var (
		s         segment.Segment
		refreshed *time.Time
	)
	err := row.Scan(&s.ID, &s.Name, &s.Description, &s.Definition, &s.Members, &s.CreatedAt, &s.UpdatedAt, &refreshed)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, ports.ErrSegmentNotFound
	}
	if refreshed != nil {
		s.RefreshedAt = *refreshed
	}
	return s, err
}

func segmentConflict(err error) error {
	if postgres.IsUniqueViolation(err, "segments_name") {
		return ports.ErrSegmentNameTaken
	}
	return err
}

// Insert implements ports.SegmentRepository.
func (Segments) Insert(ctx context.Context, s segment.Segment) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO segments (tenant_id, id, name, description, tree) VALUES ($1, $2, $3, $4, $5)`,
		tenant.UUID(), s.ID, s.Name, s.Description, string(s.Definition))
	return segmentConflict(err)
}

// Get implements ports.SegmentRepository.
func (Segments) Get(ctx context.Context, id uuid.UUID) (segment.Segment, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return segment.Segment{}, err
	}
	return scanSegment(q.QueryRow(ctx, `SELECT `+segmentColumns+` FROM segments WHERE id = $1`, id))
}

// List implements ports.SegmentRepository.
func (Segments) List(ctx context.Context, page ports.Page) ([]segment.Segment, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var after *uuid.UUID
	if page.After != "" {
		id, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		after = &id
	}
	rows, err := q.Query(ctx, `SELECT `+segmentColumns+` FROM segments
		WHERE $1::uuid IS NULL OR (lower(name), id) > (SELECT lower(name), id FROM segments WHERE id = $1)
		ORDER BY lower(name), id LIMIT $2`, after, page.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (segment.Segment, error) { return scanSegment(r) })
}

// All implements ports.SegmentRepository.
func (s Segments) All(ctx context.Context) ([]segment.Segment, error) {
	return s.List(ctx, ports.Page{Limit: 1 << 30})
}

// Update implements ports.SegmentRepository.
func (Segments) Update(ctx context.Context, s segment.Segment) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE segments SET name = $2, description = $3, tree = $4, updated_at = now() WHERE id = $1`,
		s.ID, s.Name, s.Description, string(s.Definition))
	if err != nil {
		return segmentConflict(err)
	}
	if tag.RowsAffected() == 0 {
		return ports.ErrSegmentNotFound
	}
	return nil
}

// Delete implements ports.SegmentRepository.
func (Segments) Delete(ctx context.Context, id uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM segments WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrSegmentNotFound
	}
	return err
}

// TagRules implements ports.TagRuleRepository.
type TagRules struct{}

var _ ports.TagRuleRepository = TagRules{}

const tagRuleColumns = `id, tag, tree, enabled, created_at, updated_at`

func scanTagRule(row pgx.Row) (segment.TagRule, error) {
	var r segment.TagRule
	err := row.Scan(&r.ID, &r.Tag, &r.Definition, &r.Enabled, &r.CreatedAt, &r.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, ports.ErrTagRuleNotFound
	}
	return r, err
}

func tagRuleConflict(err error) error {
	if postgres.IsUniqueViolation(err, "tag_rules_tag") {
		return ports.ErrTagRuleTaken
	}
	return err
}

// Insert implements ports.TagRuleRepository.
func (TagRules) Insert(ctx context.Context, r segment.TagRule) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO tag_rules (tenant_id, id, tag, tree, enabled) VALUES ($1, $2, $3, $4, $5)`,
		tenant.UUID(), r.ID, r.Tag, string(r.Definition), r.Enabled)
	return tagRuleConflict(err)
}

// Get implements ports.TagRuleRepository.
func (TagRules) Get(ctx context.Context, id uuid.UUID) (segment.TagRule, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return segment.TagRule{}, err
	}
	return scanTagRule(q.QueryRow(ctx, `SELECT `+tagRuleColumns+` FROM tag_rules WHERE id = $1`, id))
}

// List implements ports.TagRuleRepository.
func (TagRules) List(ctx context.Context) ([]segment.TagRule, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+tagRuleColumns+` FROM tag_rules ORDER BY tag, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (segment.TagRule, error) { return scanTagRule(r) })
}

// Update implements ports.TagRuleRepository.
func (TagRules) Update(ctx context.Context, r segment.TagRule) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE tag_rules SET tag = $2, tree = $3, enabled = $4, updated_at = now() WHERE id = $1`,
		r.ID, r.Tag, string(r.Definition), r.Enabled)
	if err != nil {
		return tagRuleConflict(err)
	}
	if tag.RowsAffected() == 0 {
		return ports.ErrTagRuleNotFound
	}
	return nil
}

// Delete implements ports.TagRuleRepository.
func (TagRules) Delete(ctx context.Context, id uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM tag_rules WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrTagRuleNotFound
	}
	return err
}
