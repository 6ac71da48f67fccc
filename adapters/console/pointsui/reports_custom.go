package pointsui

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/reportfile"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/report"
)

// customReportRoutes are the custom report builder and the scheduled exports.
func (h *handlers) customReportRoutes() []console.Route {
	read, write := console.Needs(ledger.PermRead), console.Needs(access.PermSettingsWrite)
	return []console.Route{
		console.Get("/points/reports/custom", read, h.customReport),
		console.Get("/points/reports/custom/export", read, h.exportCustom),
		console.Get("/points/report-schedules", read, h.schedules),
		console.Post("/points/report-schedules", write, h.createSchedule),
		console.Post("/points/report-schedules/{id}/delete", write, h.deleteSchedule),
	}
}

// customForm is a custom report as asked: its period in the brand's calendar, its dimensions
// and measures from pickers, and the wallet and kinds of entries it counts.
type customForm struct {
	From, To, Granularity, Wallet string
	Dimensions, Measures, Kinds   []string
	Errors                        map[string]string
}

// Query is the form as a query string, for the export links (a URL part: html/template would
// otherwise escape its & and = as one value's).
func (f customForm) Query() template.URL {
	return template.URL(url.Values{"from": {f.From}, "to": {f.To}, "granularity": {f.Granularity}, "wallet": {f.Wallet}, "dimension": f.Dimensions,
		"measure": f.Measures, "kind": f.Kinds, "run": {"1"}}.Encode())
}

// customView is the custom report page.
type customView struct {
	*console.View
	Form customForm
	// Dimensions, Measures, Kinds and Wallets are the pickers' choices.
	Dimensions []report.Dimension
	Measures   []report.Measure
	Kinds      []ledger.Kind
	Wallets    []ledger.Wallet
	// Table is the report in words, once run.
	Table *report.Table
	// Measured is how many of the table's columns are measures (the last ones).
	Measured int
	Names    walletNames
}

// Cells are the table's rows as the page shows them: dates as dates, counts with separators.
func (v customView) Cells() [][]string {
	var out [][]string
	for _, row := range v.Table.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			switch c := c.(type) {
			case time.Time:
				cells[i] = c.Format(time.DateOnly)
			case int64:
				cells[i] = console.FormatCount(c)
			case report.Fen:
				cells[i] = "¥" + console.FormatYuan(int64(c))
			default:
				cells[i] = fmt.Sprint(c)
			}
		}
		out = append(out, cells)
	}
	return out
}

// Numeric reports whether column i holds a measure (right-aligned).
func (v customView) Numeric(i int) bool { return i >= len(v.Table.Headers)-v.Measured }

// readCustomForm reads the report asked, by default the last 30 days' points by wallet and kind.
func readCustomForm(r *http.Request, v *console.View) (customForm, report.Custom) {
	q := r.URL.Query()
	today := time.Now().In(v.Location())
	f := customForm{From: q.Get("from"), To: q.Get("to"), Granularity: q.Get("granularity"), Wallet: q.Get("wallet"),
		Dimensions: q["dimension"], Measures: q["measure"], Kinds: q["kind"], Errors: map[string]string{}}
	if q.Get("run") == "" {
		f.Dimensions, f.Measures = []string{string(report.ByWallet), string(report.ByKind)}, []string{string(report.Points), string(report.Entries)}
	}
	if f.To == "" {
		f.To = today.Format(time.DateOnly)
	}
	if f.From == "" {
		f.From = today.AddDate(0, 0, -29).Format(time.DateOnly)
	}
	if f.Granularity == "" {
		f.Granularity = string(report.Day)
	}
	c := report.Custom{Granularity: report.Granularity(f.Granularity), Wallet: ledger.Wallet(f.Wallet)}
	// Dimensions in the order the page lists them, whatever order the query names them.
	for _, d := range report.Dimensions {
		if slices.Contains(f.Dimensions, string(d)) {
			c.Dimensions = append(c.Dimensions, d)
		}
	}
	for _, m := range report.Measures {
		if slices.Contains(f.Measures, string(m)) {
			c.Measures = append(c.Measures, m)
		}
	}
	for _, k := range f.Kinds {
		c.Kinds = append(c.Kinds, ledger.Kind(k))
	}
	var err error
	if c.From, err = time.Parse(time.DateOnly, f.From); err != nil {
		f.Errors["from"] = messages.T(v.Lang, "points.bad_report_date")
	}
	if c.To, err = time.Parse(time.DateOnly, f.To); err != nil {
		f.Errors["to"] = messages.T(v.Lang, "points.bad_report_date")
	}
	return f, c
}

// runCustom runs the report, naming wallets, kinds, reasons and stores; the fields at fault
// go into the form's errors.
func (h *handlers) runCustom(r *http.Request, v *console.View, f customForm, c report.Custom) (*report.Table, error) {
	if len(f.Errors) > 0 {
		return nil, nil
	}
	rows, err := h.d.Points.Custom(r.Context(), v.Tenant.ID, c)
	if fes := fielderr.All(err); len(fes) > 0 {
		for _, fe := range fes {
			f.Errors[fe.Field] = messages.TOr(v.Lang, "points.bad_report_"+fe.Field, "form.invalid")
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	stores := map[string]string{}
	if h.d.Receipts != nil && slices.Contains(c.Dimensions, report.ByStore) {
		rs, err := h.d.Receipts.Settings(r.Context(), v.Tenant.ID)
		if err != nil {
			return nil, err
		}
		for _, s := range rs.Stores {
			stores[s.Code] = s.Name
		}
	}
	names, err := h.walletNames(r)
	if err != nil {
		return nil, err
	}
	t := report.CustomTable(c, rows, v.Lang, names.In(v.Lang))
	for i, row := range rows {
		for j, key := range row.Keys {
			switch c.Dimensions[j] {
			case report.ByKind:
				t.Rows[i][j] = messages.T(v.Lang, "points.kind_"+key)
			case report.ByReason:
				t.Rows[i][j] = reasonName(v.Lang, key)
			case report.ByStore:
				if name, ok := stores[key]; ok {
					t.Rows[i][j] = name
				} else if key == "" {
					t.Rows[i][j] = messages.T(v.Lang, "points.report_no_store")
				}
			}
		}
	}
	return &t, nil
}

func (h *handlers) customReport(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, c := readCustomForm(r, v)
	settings, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	view := customView{View: v, Form: f, Dimensions: report.Dimensions, Measures: report.Measures, Kinds: ledger.Kinds, Wallets: settings.Keys(),
		Measured: len(c.Measures), Names: namesOf(settings)}
	if view.Table, err = h.runCustom(r, v, f, c); err != nil {
		console.Internal(w, r, err)
		return
	}
	if len(f.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	console.Render(w, r, "points_report_custom", view)
}

// exportCustom sends the custom report as CSV or XLSX, in the page's language.
func (h *handlers) exportCustom(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, c := readCustomForm(r, v)
	format := r.URL.Query().Get("format")
	if format != points.FormatXLSX {
		format = points.FormatCSV
	}
	t, err := h.runCustom(r, v, f, c)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	if t == nil {
		console.NotFound(w, r)
		return
	}
	file, err := reportfile.Encoder{}.Encode(*t, format)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	name := report.Label(v.Lang, "custom") + " " + f.From + "~" + f.To + "." + format
	w.Header().Set("Content-Type", reportfile.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="points-report.`+format+`"; filename*=UTF-8''`+url.PathEscape(name))
	_, _ = w.Write(file)
}

// scheduleForm is a new schedule as typed.
type scheduleForm struct {
	Name, Frequency, Format, Kind, Granularity, Lang, Wallet string
	Recipients                                               string
	Dimensions, Measures                                     []string
	Errors                                                   map[string]string
}

// schedulesView is the scheduled exports page.
type schedulesView struct {
	*console.View
	Schedules []points.Schedule
	Form      scheduleForm
	CanEdit   bool
	// The pickers' choices.
	Frequencies []report.Granularity
	Formats     []string
	Dimensions  []report.Dimension
	Measures    []report.Measure
	Wallets     []ledger.Wallet
	Names       walletNames
}

// NextOf is the period a schedule exports next, its days in the brand's calendar.
func (schedulesView) NextOf(sc points.Schedule) string {
	from, to := sc.NextPeriod, sc.Frequency.Next(sc.NextPeriod).AddDate(0, 0, -1)
	if !to.After(from) {
		return from.Format(time.DateOnly)
	}
	return from.Format(time.DateOnly) + " ~ " + to.Format(time.DateOnly)
}

func (h *handlers) schedules(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f := scheduleForm{Frequency: string(report.Week), Format: points.FormatXLSX, Kind: "summary", Granularity: string(report.Day), Lang: v.Lang,
		Measures: []string{string(report.Points)}, Errors: map[string]string{}}
	if r.URL.Query().Get("done") == "deleted" {
		v.Flash = messages.T(v.Lang, "points.schedule_deleted")
	}
	h.renderSchedules(w, r, http.StatusOK, f)
}

func (h *handlers) renderSchedules(w http.ResponseWriter, r *http.Request, status int, f scheduleForm) {
	v := console.ViewOf(r)
	view := schedulesView{View: v, Form: f, CanEdit: v.Can(string(access.PermSettingsWrite)), Frequencies: report.Granularities,
		Formats: points.Formats, Dimensions: report.Dimensions, Measures: report.Measures}
	var err error
	if view.Schedules, err = h.d.Points.Schedules(r.Context(), v.Tenant.ID); err != nil {
		console.Internal(w, r, err)
		return
	}
	settings, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	view.Wallets, view.Names = settings.Keys(), namesOf(settings)
	w.WriteHeader(status)
	console.Render(w, r, "points_report_schedules", view)
}

// createSchedule adds a schedule from the form; a field at fault is shown beside its input and
// nothing is added.
func (h *handlers) createSchedule(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	val := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f := scheduleForm{Name: val("name"), Frequency: val("frequency"), Format: val("format"), Kind: val("kind"), Granularity: val("granularity"),
		Lang: val("lang"), Wallet: val("wallet"), Recipients: val("recipients"), Dimensions: r.PostForm["dimension"], Measures: r.PostForm["measure"],
		Errors: map[string]string{}}
	sc := points.Schedule{Name: f.Name, Frequency: report.Granularity(f.Frequency), Format: f.Format, Recipients: splitList(strings.ReplaceAll(f.Recipients, "\n", ",")),
		Report: points.ScheduledReport{Kind: f.Kind, Granularity: report.Granularity(f.Granularity), Lang: f.Lang, Wallet: ledger.Wallet(f.Wallet)}}
	if f.Kind == "custom" {
		for _, d := range report.Dimensions {
			if slices.Contains(f.Dimensions, string(d)) {
				sc.Report.Dimensions = append(sc.Report.Dimensions, d)
			}
		}
		for _, m := range report.Measures {
			if slices.Contains(f.Measures, string(m)) {
				sc.Report.Measures = append(sc.Report.Measures, m)
			}
		}
	}
	_, err := h.d.Points.CreateSchedule(r.Context(), v.Tenant.ID, sc)
	if err == nil {
		console.Redirect(w, r, "/console/points/report-schedules")
		return
	}
	fes := fielderr.All(err)
	if len(fes) == 0 {
		console.Internal(w, r, err)
		return
	}
	for _, fe := range fes {
		field := fe.Field
		if strings.HasPrefix(field, "recipients") {
			field = "recipients"
		} else if strings.HasPrefix(field, "report.") && field != "report.lang" && field != "report.granularity" {
			field = "report"
		}
		f.Errors[field] = messages.TOr(v.Lang, "points.bad_schedule_"+field, "form.invalid")
	}
	h.renderSchedules(w, r, http.StatusUnprocessableEntity, f)
}

func (h *handlers) deleteSchedule(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	err := h.d.Points.DeleteSchedule(r.Context(), console.ViewOf(r).Tenant.ID, id)
	switch {
	case errors.Is(err, points.ErrScheduleNotFound):
		console.NotFound(w, r)
	case err != nil:
		console.Internal(w, r, err)
	default:
		console.Redirect(w, r, "/console/points/report-schedules?done=deleted")
	}
}
