package points

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/report"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Formats of an export.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Formats are every format, for API enums.
var Formats = []string{FormatCSV, FormatXLSX}

// Encoder writes a report's table as a file.
type Encoder interface {
	// Encode returns t as a file of format (FormatCSV or FormatXLSX).
	Encode(t report.Table, format string) ([]byte, error)
}

// Errors of scheduled exports.
var (
	// ErrScheduleNotFound is a schedule the brand does not have.
	ErrScheduleNotFound = errors.New("no such report schedule")
	// ErrExportNotFound is an export the brand does not have.
	ErrExportNotFound = errors.New("no such report export")
)

// ScheduledReport is what a schedule exports for each period: the summary (with rows of
// Granularity) or a custom report.
type ScheduledReport struct {
	// Kind is "summary" or "custom".
	Kind        string             `json:"kind"`
	Granularity report.Granularity `json:"granularity"`
	Dimensions  []report.Dimension `json:"dimensions,omitempty"`
	Measures    []report.Measure   `json:"measures,omitempty"`
	Wallet      ledger.Wallet      `json:"wallet,omitempty"`
	// Lang is the language of the headers: zh-CN or en.
	Lang string `json:"lang"`
}

// Schedule exports a report every day, week or month: each period, once it has ended in the
// brand's time zone, is exported, stored for download and mailed to the recipients through
// the brand's mail server.
type Schedule struct {
	ID   uuid.UUID
	Name string
	// Frequency is the length of the periods exported.
	Frequency  report.Granularity
	Format     string
	Report     ScheduledReport
	Recipients []string
	// NextPeriod is the first day of the next period to export.
	NextPeriod time.Time
	CreatedBy  string
	CreatedAt  time.Time
}

// Export is a file a schedule wrote for one period.
type Export struct {
	ID                     uuid.UUID
	ScheduleID             uuid.UUID
	Name, Format           string
	PeriodStart, PeriodEnd time.Time
	Content                []byte
	Recipients             []string
	MailedAt               time.Time
	CreatedAt              time.Time
}

// Exports keeps report schedules and their exports in the caller's tenant transaction.
type Exports interface {
	InsertSchedule(ctx context.Context, s Schedule) error
	Schedules(ctx context.Context) ([]Schedule, error)
	// DeleteSchedule deletes a schedule and its exports; ErrScheduleNotFound when there is none.
	DeleteSchedule(ctx context.Context, id uuid.UUID) error
	// Due returns the schedules whose next period ended by today, locked.
	Due(ctx context.Context, today time.Time) ([]Schedule, error)
	// Advance sets a schedule's next period.
	Advance(ctx context.Context, id uuid.UUID, next time.Time) error
	// InsertExport stores an export unless its schedule has one for the period; it reports
	// whether it did.
	InsertExport(ctx context.Context, e Export) (bool, error)
	// Export returns an export with its content, or ErrExportNotFound.
	Export(ctx context.Context, id uuid.UUID) (Export, error)
	// List returns exports newest first, without their content; the position is an ID.
	List(ctx context.Context, page ports.Page) ([]Export, error)
	// Mailed records when an export was mailed.
	Mailed(ctx context.Context, id uuid.UUID, at time.Time) error
}

// Limits of a schedule.
const (
	MaxScheduleName = 100
	MaxRecipients   = 20
	// catchUp bounds the periods one run exports for a schedule behind.
	catchUp = 62
)

// checkSchedule returns every field of s at fault, joined.
func checkSchedule(s Schedule) error {
	var errs []error
	if n := utf8.RuneCountInString(strings.TrimSpace(s.Name)); n == 0 || n > MaxScheduleName || !utf8.ValidString(s.Name) {
		errs = append(errs, invalid("name", fmt.Errorf("1-%d characters", MaxScheduleName)))
	}
	if !slices.Contains(report.Granularities, s.Frequency) {
		errs = append(errs, invalid("frequency", errors.New("one of day, week, month")))
	}
	if !slices.Contains(Formats, s.Format) {
		errs = append(errs, invalid("format", errors.New("csv or xlsx")))
	}
	if len(s.Recipients) > MaxRecipients {
		errs = append(errs, invalid("recipients", fmt.Errorf("at most %d", MaxRecipients)))
	}
	for i, r := range s.Recipients {
		if a, err := mail.ParseAddress(r); err != nil || a.Address != r {
			errs = append(errs, invalid(fmt.Sprintf("recipients[%d]", i), errors.New("an email address")))
		}
	}
	if !slices.Contains([]string{"zh-CN", "en"}, s.Report.Lang) {
		errs = append(errs, invalid("report.lang", errors.New("zh-CN or en")))
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	switch s.Report.Kind {
	case "summary":
		if err := (report.Summary{Period: report.Period{From: day, To: day}, Granularity: s.Report.Granularity}).Check(); err != nil {
			errs = append(errs, invalid("report.granularity", errors.New("one of day, week, month")))
		}
	case "custom":
		if err := s.Report.custom(report.Period{From: day, To: day}).Check(); err != nil {
			errs = append(errs, invalid("report", err))
		}
	default:
		errs = append(errs, invalid("report.kind", errors.New("summary or custom")))
	}
	return errors.Join(errs...)
}

func (r ScheduledReport) custom(p report.Period) report.Custom {
	return report.Custom{Period: p, Granularity: r.Granularity, Dimensions: r.Dimensions, Measures: r.Measures, Wallet: r.Wallet}
}

// today is the brand's date now, at midnight UTC.
func (s *Service) today(loc *time.Location) time.Time {
	now := s.deps.Clock.Now().In(loc)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// CreateSchedule stores a report schedule, audited; its first export is of the period under
// way, once it ends.
func (s *Service) CreateSchedule(ctx context.Context, tenant tenants.ID, sc Schedule) (Schedule, error) {
	sc.Name = strings.TrimSpace(sc.Name)
	if sc.Recipients == nil {
		sc.Recipients = []string{}
	}
	if err := checkSchedule(sc); err != nil {
		return Schedule{}, err
	}
	loc, err := s.zone(ctx, tenant)
	if err != nil {
		return Schedule{}, err
	}
	sc.ID = uuid.Must(uuid.NewV7())
	sc.NextPeriod = sc.Frequency.Start(s.today(loc))
	sc.CreatedBy = ports.ActorFrom(ctx).ID
	sc.CreatedAt = s.deps.Clock.Now().UTC().Truncate(time.Microsecond)
	return sc, s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if sc.Report.Wallet != "" {
			p, err := s.deps.Programs.Settings(ctx)
			if err != nil {
				return err
			}
			if _, err := wallet(p, sc.Report.Wallet, "report.wallet"); err != nil {
				return err
			}
		}
		if err := s.deps.Exports.InsertSchedule(ctx, sc); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_report_schedule.create", TargetType: "points_report_schedule",
			TargetID: sc.ID.String(), After: map[string]any{"name": sc.Name, "frequency": string(sc.Frequency), "format": sc.Format,
				"report": sc.Report.Kind, "recipients": len(sc.Recipients)}})
	})
}

// DeleteSchedule deletes a schedule and the exports it wrote, audited.
func (s *Service) DeleteSchedule(ctx context.Context, tenant tenants.ID, id uuid.UUID) error {
	return s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.deps.Exports.DeleteSchedule(ctx, id); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_report_schedule.delete", TargetType: "points_report_schedule",
			TargetID: id.String()})
	})
}

// Schedules lists the brand's report schedules.
func (s *Service) Schedules(ctx context.Context, tenant tenants.ID) ([]Schedule, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, s.deps.Exports.Schedules)
}

// Exports lists the files the brand's schedules wrote, newest first, without their content.
func (s *Service) Exports(ctx context.Context, tenant tenants.ID, page ports.Page) ([]Export, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]Export, error) {
		return s.deps.Exports.List(ctx, page)
	})
}

// Export returns one file a schedule wrote, with its content.
func (s *Service) Export(ctx context.Context, tenant tenants.ID, id uuid.UUID) (Export, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Export, error) {
		return s.deps.Exports.Export(ctx, id)
	})
}

// Table returns the report sc asks for over period p as a table.
func (s *Service) table(ctx context.Context, tenant tenants.ID, r ScheduledReport, p report.Period) (report.Table, error) {
	names, err := s.WalletNames(ctx, tenant, r.Lang)
	if err != nil {
		return report.Table{}, err
	}
	if r.Kind == "summary" {
		rows, err := s.Summary(ctx, tenant, report.Summary{Period: p, Granularity: r.Granularity, Wallet: r.Wallet})
		return report.SummaryTable(rows, r.Lang, names), err
	}
	q := r.custom(p)
	rows, err := s.Custom(ctx, tenant, q)
	return report.CustomTable(q, rows, r.Lang, names), err
}

// WalletNames are the names the brand gave its wallets in lang, for reports.
func (s *Service) WalletNames(ctx context.Context, tenant tenants.ID, lang string) (report.Names, error) {
	p, err := s.Settings(ctx, tenant)
	if err != nil {
		return nil, err
	}
	names := report.Names{}
	for _, w := range p.Wallets {
		if l := w.Label.In(lang); l != "" {
			names[w.Key] = l
		}
	}
	return names, nil
}

// ReportsArgs asks for a run of every active brand's due schedules; it runs every 15 minutes.
type ReportsArgs struct{}

// Kind names the job.
func (ReportsArgs) Kind() string { return "points_report_exports" }

// RunArgs asks for one brand's due schedules to export.
type RunArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (RunArgs) Kind() string { return "points_report_run" }

// MailArgs asks for one export to be mailed to its recipients.
type MailArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	ExportID uuid.UUID `json:"export_id"`
}

// Kind names the job.
func (MailArgs) Kind() string { return "points_report_mail" }

// ScheduleReports enqueues a run for every active brand and returns how many.
func (s *Service) ScheduleReports(ctx context.Context) (int, error) {
	n := 0
	err := s.deps.Tenants.Each(ctx, func(t tenants.Tenant) error {
		if !t.Active() {
			return nil
		}
		n++
		return s.deps.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
			return s.deps.Jobs.Enqueue(ctx, RunArgs{TenantID: t.ID.UUID()}, ports.JobOptions{})
		})
	})
	return n, err
}

// RunSchedules exports every period of the brand's schedules that has ended and was not
// exported, a job's work: each export is stored once per schedule and period (a run again
// writes nothing more) and, with recipients, a mail job is enqueued in the same transaction.
// It returns how many exports it wrote.
func (s *Service) RunSchedules(ctx context.Context, args RunArgs) (int, error) {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return 0, err
	}
	loc, err := s.zone(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	today := s.today(loc)
	var due []Schedule
	if err := s.deps.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
		due, err = s.deps.Exports.Due(ctx, today)
		return err
	}); err != nil {
		return 0, err
	}
	written := 0
	for _, sc := range due {
		for range catchUp {
			end := sc.Frequency.Next(sc.NextPeriod)
			if end.After(today) {
				break
			}
			p := report.Period{From: sc.NextPeriod, To: end.AddDate(0, 0, -1)}
			table, err := s.table(ctx, t.ID, sc.Report, p)
			if err != nil {
				return written, err
			}
			file, err := s.deps.Files.Encode(table, sc.Format)
			if err != nil {
				return written, err
			}
			e := Export{ID: uuid.Must(uuid.NewV7()), ScheduleID: sc.ID, Name: exportName(sc, p), Format: sc.Format, PeriodStart: p.From,
				PeriodEnd: p.To, Content: file, Recipients: sc.Recipients, CreatedAt: s.deps.Clock.Now().UTC().Truncate(time.Microsecond)}
			if err := s.deps.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
				stored, err := s.deps.Exports.InsertExport(ctx, e)
				if err != nil {
					return err
				}
				if stored {
					written++
					if len(e.Recipients) > 0 {
						if err := s.deps.Jobs.Enqueue(ctx, MailArgs{TenantID: t.ID.UUID(), ExportID: e.ID}, ports.JobOptions{}); err != nil {
							return err
						}
					}
				}
				return s.deps.Exports.Advance(ctx, sc.ID, end)
			}); err != nil {
				return written, err
			}
			sc.NextPeriod = end
		}
	}
	return written, nil
}

// exportName is an export's file name: the schedule's name and period.
func exportName(sc Schedule, p report.Period) string {
	name := sc.Name + " " + p.From.Format(time.DateOnly)
	if !p.To.Equal(p.From) {
		name += "~" + p.To.Format(time.DateOnly)
	}
	return name + "." + sc.Format
}

// MailExport mails an export to its recipients through the brand's mail server, attached, a
// job's work. An export mailed before, or a brand without a mail server, sends nothing (the
// export stays there for download).
func (s *Service) MailExport(ctx context.Context, args MailArgs) error {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	e, err := s.Export(ctx, t.ID, args.ExportID)
	if errors.Is(err, ErrExportNotFound) || (err == nil && !e.MailedAt.IsZero()) {
		return nil // deleted with its schedule, or mailed
	}
	if err != nil {
		return err
	}
	if s.deps.Mail == nil || s.deps.Email == nil {
		return nil
	}
	account, password, err := s.deps.Mail.SMTPCredentials(ctx, t.ID)
	if errors.Is(err, ports.ErrChannelNotConfigured) {
		return nil
	}
	if err != nil {
		return err
	}
	contentType := "text/csv; charset=utf-8"
	if e.Format == FormatXLSX {
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	period := e.PeriodStart.Format(time.DateOnly) + " ~ " + e.PeriodEnd.Format(time.DateOnly)
	if err := s.deps.Email.SendEmail(ctx, account, password, ports.Email{To: e.Recipients,
		Subject: t.Name + " 积分报表 Points report: " + period,
		Text: "附件是 " + t.Name + " " + period + " 的积分报表（" + e.Name + "）。\n\nAttached is " + t.Name +
			"'s points report for " + period + " (" + e.Name + ").\n",
		Attachments: []ports.Attachment{{Name: e.Name, ContentType: contentType, Content: e.Content}}}); err != nil {
		return err
	}
	return s.deps.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
		return s.deps.Exports.Mailed(ctx, e.ID, s.deps.Clock.Now().UTC().Truncate(time.Microsecond))
	})
}
