package pointsapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/reportfile"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/report"
)

// PeriodQuery is a report's period and granularity.
type PeriodQuery struct {
	From        string `query:"from" required:"true" format:"date" example:"2026-03-01" doc:"The first day, in the brand's time zone"`
	To          string `query:"to" required:"true" format:"date" example:"2026-03-31" doc:"The last day, inclusive; at most 1098 days after from"`
	Granularity string `query:"granularity" enum:"day,week,month" default:"day" doc:"Days, ISO weeks from Monday, or calendar months, in the brand's time zone"`
	Wallet      string `query:"wallet" maxLength:"40" doc:"Only this wallet"`
}

func (q PeriodQuery) period(ctx context.Context) (report.Period, error) {
	var p report.Period
	var fields []*httpapi.FieldDetail
	for _, f := range []struct {
		name, raw string
		into      *time.Time
	}{{"from", q.From, &p.From}, {"to", q.To, &p.To}} {
		d, err := time.Parse(time.DateOnly, f.raw)
		if err != nil {
			fields = append(fields, httpapi.Field("query."+f.name, "a date, 2006-01-02", f.raw))
			continue
		}
		*f.into = d
	}
	if len(fields) > 0 {
		return p, httpapi.Invalid(ctx, fields...)
	}
	return p, nil
}

// CustomQuery asks for a custom report.
type CustomQuery struct {
	PeriodQuery
	Dimensions string `query:"dimensions" maxLength:"100" example:"period,kind" doc:"Comma-separated: period, wallet, kind, reason, store (the store a purchase named); none adds everything up"`
	Measures   string `query:"measures" required:"true" maxLength:"100" example:"points,customers" doc:"Comma-separated: points (change to balances), pending (change to pending points), entries, customers (each counted once)"`
	Kinds      string `query:"kinds" maxLength:"200" doc:"Comma-separated entry kinds to count only: earn, release, redeem, expire, adjust, refund, reverse, cancel"`
}

func split(raw string) []string {
	var out []string
	for _, s := range strings.Split(raw, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (q CustomQuery) custom(ctx context.Context) (report.Custom, error) {
	p, err := q.period(ctx)
	c := report.Custom{Period: p, Granularity: report.Granularity(q.Granularity), Wallet: ledger.Wallet(q.Wallet)}
	for _, d := range split(q.Dimensions) {
		c.Dimensions = append(c.Dimensions, report.Dimension(d))
	}
	for _, m := range split(q.Measures) {
		c.Measures = append(c.Measures, report.Measure(m))
	}
	for _, k := range split(q.Kinds) {
		c.Kinds = append(c.Kinds, ledger.Kind(k))
	}
	return c, err
}

// ExportQuery is how a report is exported.
type ExportQuery struct {
	Format string `query:"format" enum:"csv,xlsx" default:"csv" doc:"CSV (UTF-8 with a byte-order mark) or an Excel workbook"`
	Lang   string `query:"lang" enum:"zh-CN,en" doc:"The headers' language; the brand's when absent"`
}

func (q ExportQuery) lang(ctx context.Context) string {
	if q.Lang != "" {
		return q.Lang
	}
	return httpapi.PrincipalFrom(ctx).Tenant.Locale
}

// SummaryRowBody is one period of one wallet.
type SummaryRowBody struct {
	Start        string `json:"start" format:"date" doc:"The period's first day"`
	Wallet       string `json:"wallet"`
	Issued       int64  `json:"issued" doc:"Points earned that count: at once, or released from pending"`
	Redeemed     int64  `json:"redeemed"`
	Returned     int64  `json:"returned" doc:"Points spent on orders that refunds gave back"`
	TakenBack    int64  `json:"taken_back" doc:"Points refunds took back"`
	Expired      int64  `json:"expired"`
	Adjusted     int64  `json:"adjusted" doc:"Manual adjustments, added less deducted"`
	Net          int64  `json:"net" doc:"The period's change to the balances"`
	Outstanding  int64  `json:"outstanding" doc:"The balances at the period's end: the liability in points"`
	LiabilityFen int64  `json:"liability_fen" doc:"Outstanding at the brand's value of a point, in fen"`
}

// PointsSummaryBody is the summary report.
type PointsSummaryBody struct {
	PointValue PointValueBody   `json:"point_value"`
	Rows       []SummaryRowBody `json:"rows"`
}

// CustomReportBody is a custom report: one row per group.
type CustomReportBody struct {
	Dimensions []string        `json:"dimensions"`
	Measures   []string        `json:"measures"`
	Rows       []CustomRowBody `json:"rows" doc:"At most 10000"`
}

// CustomRowBody is one group: the dimensions' values, in order (a period as its first day),
// and the measures', in order.
type CustomRowBody struct {
	Keys   []string `json:"keys"`
	Values []int64  `json:"values"`
}

// ScheduledReportBody is what a schedule exports.
type ScheduledReportBody struct {
	Kind        string   `json:"kind" enum:"summary,custom"`
	Granularity string   `json:"granularity,omitempty" enum:"day,week,month" doc:"The rows' periods; day when absent"`
	Dimensions  []string `json:"dimensions,omitempty" maxItems:"5" doc:"A custom report's: period, wallet, kind, reason, store"`
	Measures    []string `json:"measures,omitempty" maxItems:"4" doc:"A custom report's: points, pending, entries, customers"`
	Wallet      string   `json:"wallet,omitempty" maxLength:"40"`
	Lang        string   `json:"lang" enum:"zh-CN,en" doc:"The headers' language"`
}

// ReportScheduleBody is a report exported every day, week or month.
type ReportScheduleBody struct {
	ID         string              `json:"id" format:"uuid" readOnly:"true"`
	Name       string              `json:"name" minLength:"1" maxLength:"100"`
	Frequency  string              `json:"frequency" enum:"day,week,month" doc:"Each period (day, ISO week, month in the brand's time zone) is exported once it has ended"`
	Format     string              `json:"format" enum:"csv,xlsx"`
	Report     ScheduledReportBody `json:"report"`
	Recipients []string            `json:"recipients" maxItems:"20" doc:"Mailed each export, attached, through the brand's mail server (its SMTP channel); without one, exports are only stored"`
	NextPeriod string              `json:"next_period" format:"date" readOnly:"true" doc:"The first day of the next period to export"`
	CreatedAt  time.Time           `json:"created_at" readOnly:"true"`
}

// reportScheduleInput is a new schedule.
type reportScheduleInput struct {
	Name       string              `json:"name" minLength:"1" maxLength:"100"`
	Frequency  string              `json:"frequency" enum:"day,week,month"`
	Format     string              `json:"format" enum:"csv,xlsx"`
	Report     ScheduledReportBody `json:"report"`
	Recipients []string            `json:"recipients" maxItems:"20"`
}

func scheduleBody(s points.Schedule) ReportScheduleBody {
	b := ReportScheduleBody{ID: s.ID.String(), Name: s.Name, Frequency: string(s.Frequency), Format: s.Format, Recipients: s.Recipients,
		NextPeriod: s.NextPeriod.Format(time.DateOnly), CreatedAt: s.CreatedAt,
		Report: ScheduledReportBody{Kind: s.Report.Kind, Granularity: string(s.Report.Granularity), Wallet: string(s.Report.Wallet),
			Lang: s.Report.Lang}}
	for _, d := range s.Report.Dimensions {
		b.Report.Dimensions = append(b.Report.Dimensions, string(d))
	}
	for _, m := range s.Report.Measures {
		b.Report.Measures = append(b.Report.Measures, string(m))
	}
	return b
}

// ReportExportBody is a file a schedule wrote.
type ReportExportBody struct {
	ID          string     `json:"id" format:"uuid"`
	ScheduleID  string     `json:"schedule_id" format:"uuid"`
	Name        string     `json:"name" doc:"The file's name"`
	Format      string     `json:"format" enum:"csv,xlsx"`
	PeriodStart string     `json:"period_start" format:"date"`
	PeriodEnd   string     `json:"period_end" format:"date"`
	Recipients  []string   `json:"recipients"`
	MailedAt    *time.Time `json:"mailed_at,omitempty" doc:"When it was mailed; absent while not (or never: no mail server)"`
	CreatedAt   time.Time  `json:"created_at"`
}

func exportBody(e points.Export) ReportExportBody {
	b := ReportExportBody{ID: e.ID.String(), ScheduleID: e.ScheduleID.String(), Name: e.Name, Format: e.Format,
		PeriodStart: e.PeriodStart.Format(time.DateOnly), PeriodEnd: e.PeriodEnd.Format(time.DateOnly), Recipients: e.Recipients,
		CreatedAt: e.CreatedAt}
	if !e.MailedAt.IsZero() {
		b.MailedAt = &e.MailedAt
	}
	return b
}

// ReportScheduleListBody lists the brand's schedules.
type ReportScheduleListBody struct {
	Items []ReportScheduleBody `json:"items"`
}

// ReportExportListBody is a page of exports.
type ReportExportListBody struct {
	Items      []ReportExportBody `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// queryErrors names the query parameters of a report's field errors.
func queryErrors() httpapi.ErrorTable {
	return httpapi.ErrorTable{httpapi.InvalidFields(httpapi.At("query"))}
}

var scheduleErrors = httpapi.ErrorTable{
	{Err: points.ErrScheduleNotFound, Status: http.StatusNotFound, Code: "report_schedule_not_found", Detail: "no such report schedule",
		Field: "path.id", Reason: "no such schedule"},
	{Err: points.ErrExportNotFound, Status: http.StatusNotFound, Code: "report_export_not_found", Detail: "no such report export",
		Field: "path.id", Reason: "no such export"},
}

// fileResponse streams a report file.
func fileResponse(name, format string, content []byte) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		hctx.SetHeader("Content-Type", reportfile.ContentType(format))
		hctx.SetHeader("Content-Disposition", `attachment; filename="report.`+format+`"; filename*=UTF-8''`+url.PathEscape(name))
		_, _ = hctx.BodyWriter().Write(content)
	}}
}

var fileContent = map[string]*huma.MediaType{"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}

func (m *Module) summary(ctx context.Context, q PeriodQuery) ([]report.SummaryRow, error) {
	p, err := q.period(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := m.svc.Summary(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, report.Summary{Period: p,
		Granularity: report.Granularity(q.Granularity), Wallet: ledger.Wallet(q.Wallet)})
	if err != nil {
		return nil, m.fail(ctx, err, queryErrors())
	}
	return rows, nil
}

func (m *Module) custom(ctx context.Context, q CustomQuery) (report.Custom, []report.CustomRow, error) {
	c, err := q.custom(ctx)
	if err != nil {
		return c, nil, err
	}
	rows, err := m.svc.Custom(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, c)
	if err != nil {
		return c, nil, m.fail(ctx, err, queryErrors())
	}
	return c, rows, nil
}

func (m *Module) registerReports(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-points-summary", Method: http.MethodGet, Path: "/v1/points/reports/summary", Tags: tags,
		Summary: "Points summary by day, week or month",
		Description: "Per period (in the brand's time zone) and wallet: points issued, redeemed, returned, taken back, expired " +
			"and adjusted, the net change, and the outstanding points at the period's end with their liability in fen at the " +
			"brand's `point_value`. Every period is listed, with or without entries. Outstanding points are the sum of the " +
			"ledger's entries: points past their expiry count until the hourly sweep expires them.",
	}, func(ctx context.Context, in *PeriodQuery) (*struct{ Body PointsSummaryBody }, error) {
		rows, err := m.summary(ctx, *in)
		if err != nil {
			return nil, err
		}
		value, err := m.svc.Value(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		out := &struct{ Body PointsSummaryBody }{Body: PointsSummaryBody{PointValue: PointValueBody{Fen: value.Fen, Points: value.Points},
			Rows: make([]SummaryRowBody, len(rows))}}
		for i, r := range rows {
			out.Body.Rows[i] = SummaryRowBody{Start: r.Start.Format(time.DateOnly), Wallet: string(r.Wallet), Issued: r.Issued,
				Redeemed: r.Redeemed, Returned: r.Returned, TakenBack: r.TakenBack, Expired: r.Expired, Adjusted: r.Adjusted,
				Net: r.Net, Outstanding: r.Outstanding, LiabilityFen: r.LiabilityFen}
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "export-points-summary", Method: http.MethodGet, Path: "/v1/points/reports/summary/export", Tags: tags,
		Summary:     "Export the points summary as CSV or XLSX",
		Description: "The summary's rows as a file: headers in the language asked, money in yuan with two decimals.",
		Responses:   map[string]*huma.Response{"200": {Description: "The file", Content: fileContent}},
	}, func(ctx context.Context, in *struct {
		PeriodQuery
		ExportQuery
	}) (*huma.StreamResponse, error) {
		rows, err := m.summary(ctx, in.PeriodQuery)
		if err != nil {
			return nil, err
		}
		lang := in.lang(ctx)
		names, err := m.svc.WalletNames(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, lang)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		file, err := reportfile.Encoder{}.Encode(report.SummaryTable(rows, lang, names), in.Format)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return fileResponse(report.Label(lang, "summary")+" "+in.From+"~"+in.To+"."+in.Format, in.Format, file), nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-points-custom-report", Method: http.MethodGet, Path: "/v1/points/reports/custom", Tags: tags,
		Summary: "A custom points report",
		Description: "The ledger's entries of a period, grouped by the dimensions asked, adding up the measures asked, ordered " +
			"by the dimensions; at most 10000 rows.",
	}, func(ctx context.Context, in *CustomQuery) (*struct{ Body CustomReportBody }, error) {
		_, rows, err := m.custom(ctx, *in)
		if err != nil {
			return nil, err
		}
		out := &struct{ Body CustomReportBody }{Body: CustomReportBody{Dimensions: split(in.Dimensions), Measures: split(in.Measures),
			Rows: make([]CustomRowBody, len(rows))}}
		if out.Body.Dimensions == nil {
			out.Body.Dimensions = []string{}
		}
		for i, r := range rows {
			out.Body.Rows[i] = CustomRowBody{Keys: r.Keys, Values: r.Values}
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "export-points-custom-report", Method: http.MethodGet, Path: "/v1/points/reports/custom/export", Tags: tags,
		Summary:     "Export a custom points report as CSV or XLSX",
		Description: "The custom report's rows as a file: headers, wallets and kinds named in the language asked.",
		Responses:   map[string]*huma.Response{"200": {Description: "The file", Content: fileContent}},
	}, func(ctx context.Context, in *struct {
		CustomQuery
		ExportQuery
	}) (*huma.StreamResponse, error) {
		c, rows, err := m.custom(ctx, in.CustomQuery)
		if err != nil {
			return nil, err
		}
		lang := in.lang(ctx)
		names, err := m.svc.WalletNames(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, lang)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		file, err := reportfile.Encoder{}.Encode(report.CustomTable(c, rows, lang, names), in.Format)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return fileResponse(report.Label(lang, "custom")+" "+in.From+"~"+in.To+"."+in.Format, in.Format, file), nil
	})
	m.registerSchedules(api)
}

func (m *Module) registerSchedules(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "list-points-report-schedules", Method: http.MethodGet, Path: "/v1/points/report-schedules", Tags: tags,
		Summary: "Scheduled points reports", Description: "Reports exported every day, week or month, oldest first.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body ReportScheduleListBody }, error) {
		ss, err := m.svc.Schedules(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		out := &struct{ Body ReportScheduleListBody }{Body: ReportScheduleListBody{Items: make([]ReportScheduleBody, len(ss))}}
		for i, s := range ss {
			out.Body.Items[i] = scheduleBody(s)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "create-points-report-schedule", Method: http.MethodPost, Path: "/v1/points/report-schedules", Tags: tags,
		Summary: "Schedule a points report", DefaultStatus: http.StatusCreated,
		Description: "Each period (day, ISO week or month in the brand's time zone), once it has ended, is exported once: " +
			"stored (GET /v1/points/report-exports) and mailed, attached, to the recipients through the brand's mail server. " +
			"The first export is of the period under way. Audited.",
	}, func(ctx context.Context, in *struct{ Body reportScheduleInput }) (*struct{ Body ReportScheduleBody }, error) {
		b := in.Body
		s := points.Schedule{Name: b.Name, Frequency: report.Granularity(b.Frequency), Format: b.Format, Recipients: b.Recipients,
			Report: points.ScheduledReport{Kind: b.Report.Kind, Granularity: report.Granularity(b.Report.Granularity),
				Wallet: ledger.Wallet(b.Report.Wallet), Lang: b.Report.Lang}}
		if s.Report.Granularity == "" {
			s.Report.Granularity = report.Day
		}
		for _, d := range b.Report.Dimensions {
			s.Report.Dimensions = append(s.Report.Dimensions, report.Dimension(d))
		}
		for _, me := range b.Report.Measures {
			s.Report.Measures = append(s.Report.Measures, report.Measure(me))
		}
		created, err := m.svc.CreateSchedule(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, s)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return &struct{ Body ReportScheduleBody }{Body: scheduleBody(created)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "delete-points-report-schedule", Method: http.MethodDelete, Path: "/v1/points/report-schedules/{id}", Tags: tags,
		Summary: "Delete a scheduled points report", DefaultStatus: http.StatusNoContent,
		Description: "With the exports it wrote. Audited.",
	}, func(ctx context.Context, in *RequestPath) (*struct{}, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		if err := m.svc.DeleteSchedule(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id); err != nil {
			return nil, m.fail(ctx, err, scheduleErrors)
		}
		return &struct{}{}, nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "list-points-report-exports", Method: http.MethodGet, Path: "/v1/points/report-exports", Tags: tags,
		Summary: "Files the scheduled reports wrote", Description: "Newest first, without their content.",
	}, func(ctx context.Context, in *httpapi.PageQuery) (*struct{ Body ReportExportListBody }, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		es, err := m.svc.Exports(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, page)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		es, next := httpapi.Paginate(es, page, func(e points.Export) string { return e.ID.String() })
		out := &struct{ Body ReportExportListBody }{Body: ReportExportListBody{Items: make([]ReportExportBody, len(es)), NextCursor: next}}
		for i, e := range es {
			out.Body.Items[i] = exportBody(e)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "download-points-report-export", Method: http.MethodGet, Path: "/v1/points/report-exports/{id}/file", Tags: tags,
		Summary: "Download a scheduled report's file", Description: "The CSV or XLSX file as it was written.",
		Responses: map[string]*huma.Response{"200": {Description: "The file", Content: fileContent}},
	}, func(ctx context.Context, in *RequestPath) (*huma.StreamResponse, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		e, err := m.svc.Export(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.fail(ctx, err, scheduleErrors)
		}
		return fileResponse(e.Name, e.Format, e.Content), nil
	})
}
