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
	"github.com/engagehq/engage/domain/points/report"
	"github.com/engagehq/engage/ports"
)

// Exports keeps report schedules and the files they wrote, in the tenant transaction.
type Exports struct{}

var _ points.Exports = Exports{}

// frequencies are the stored words of a schedule's frequency.
var frequencies = map[report.Granularity]string{report.Day: "daily", report.Week: "weekly", report.Month: "monthly"}

func granularityOf(frequency string) report.Granularity {
	for g, f := range frequencies {
		if f == frequency {
			return g
		}
	}
	return ""
}

// InsertSchedule implements points.Exports.
func (Exports) InsertSchedule(ctx context.Context, s points.Schedule) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	spec, err := json.Marshal(s.Report)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO points_report_schedules (tenant_id, id, name, frequency, format, report, recipients,
		next_period, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		tenant.UUID(), s.ID, s.Name, frequencies[s.Frequency], s.Format, spec, s.Recipients, s.NextPeriod, s.CreatedBy, s.CreatedAt)
	return err
}

const scheduleColumns = `id, name, frequency, format, report, recipients, next_period, created_by, created_at`

func scanSchedule(r pgx.CollectableRow) (points.Schedule, error) {
	var s points.Schedule
	var frequency string
	var spec []byte
	if err := r.Scan(&s.ID, &s.Name, &frequency, &s.Format, &spec, &s.Recipients, &s.NextPeriod, &s.CreatedBy, &s.CreatedAt); err != nil {
		return s, err
	}
	s.Frequency = granularityOf(frequency)
	s.NextPeriod = time.Date(s.NextPeriod.Year(), s.NextPeriod.Month(), s.NextPeriod.Day(), 0, 0, 0, 0, time.UTC)
	return s, json.Unmarshal(spec, &s.Report)
}

// Schedules implements points.Exports.
func (Exports) Schedules(ctx context.Context) ([]points.Schedule, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+scheduleColumns+` FROM points_report_schedules ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanSchedule)
}

// DeleteSchedule implements points.Exports.
func (Exports) DeleteSchedule(ctx context.Context, id uuid.UUID) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM points_report_schedules WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return points.ErrScheduleNotFound
	}
	return nil
}

// Due implements points.Exports: a schedule is due once its next period has ended.
func (Exports) Due(ctx context.Context, today time.Time) ([]points.Schedule, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+scheduleColumns+` FROM points_report_schedules
		WHERE next_period + CASE frequency WHEN 'daily' THEN interval '1 day' WHEN 'weekly' THEN interval '7 days'
			ELSE interval '1 month' END <= $1::date
		ORDER BY id`, today)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanSchedule)
}

// Advance implements points.Exports; a schedule's next period only moves forward.
func (Exports) Advance(ctx context.Context, id uuid.UUID, next time.Time) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE points_report_schedules SET next_period = greatest(next_period, $2::date) WHERE id = $1`, id, next)
	return err
}

// InsertExport implements points.Exports.
func (Exports) InsertExport(ctx context.Context, e points.Export) (bool, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return false, err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	tag, err := tx.Exec(ctx, `INSERT INTO points_report_exports (tenant_id, id, schedule_id, name, format, period_start, period_end,
			content, recipients, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (tenant_id, schedule_id, period_start) DO NOTHING`,
		tenant.UUID(), e.ID, e.ScheduleID, e.Name, e.Format, e.PeriodStart, e.PeriodEnd, e.Content, e.Recipients, e.CreatedAt)
	return tag.RowsAffected() == 1, err
}

const exportColumns = `id, schedule_id, name, format, period_start, period_end, recipients, mailed_at, created_at`

func scanExport(r pgx.CollectableRow, content bool) (points.Export, error) {
	var e points.Export
	var mailed *time.Time
	dest := []any{&e.ID, &e.ScheduleID, &e.Name, &e.Format, &e.PeriodStart, &e.PeriodEnd, &e.Recipients, &mailed, &e.CreatedAt}
	if content {
		dest = append(dest, &e.Content)
	}
	if err := r.Scan(dest...); err != nil {
		return e, err
	}
	if mailed != nil {
		e.MailedAt = *mailed
	}
	return e, nil
}

// Export implements points.Exports.
func (Exports) Export(ctx context.Context, id uuid.UUID) (points.Export, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return points.Export{}, err
	}
	rows, err := q.Query(ctx, `SELECT `+exportColumns+`, content FROM points_report_exports WHERE id = $1`, id)
	if err != nil {
		return points.Export{}, err
	}
	e, err := pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) (points.Export, error) { return scanExport(r, true) })
	if errors.Is(err, pgx.ErrNoRows) {
		return e, points.ErrExportNotFound
	}
	return e, err
}

// List implements points.Exports.
func (Exports) List(ctx context.Context, page ports.Page) ([]points.Export, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var w postgres.Where
	w.And("true")
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		w.And("id < $1", after)
	}
	rows, err := q.Query(ctx, `SELECT `+exportColumns+` FROM points_report_exports WHERE `+w.String()+` ORDER BY id DESC LIMIT `+
		w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (points.Export, error) { return scanExport(r, false) })
}

// Mailed implements points.Exports.
func (Exports) Mailed(ctx context.Context, id uuid.UUID, at time.Time) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE points_report_exports SET mailed_at = $2 WHERE id = $1 AND mailed_at IS NULL`, id, at)
	return err
}
