package pointsui

import (
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/reportfile"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/report"
	"github.com/engagehq/engage/ports"
)

// reportRoutes are the approvals queue and the reports pages.
func (h *handlers) reportRoutes() []console.Route {
	read := console.Needs(ledger.PermRead)
	approve := console.Needs(ledger.PermApprove)
	return []console.Route{
		console.Get("/points/approvals", read, h.approvals),
		console.Post("/points/approvals/{id}/approve", approve, h.decide(true)),
		console.Post("/points/approvals/{id}/reject", approve, h.decide(false)),
		console.Get("/points/reports", read, h.reports),
		console.Get("/points/reports/export", read, h.exportReport),
	}
}

// reportMenu are their menu entries.
func reportMenu() []console.MenuEntry {
	read := console.Needs(ledger.PermRead)
	return []console.MenuEntry{
		{Label: "nav.points_approvals", Path: "/console/points/approvals", ID: "points-approvals", Gate: read, Order: 56},
		{Label: "nav.points_reports", Path: "/console/points/reports", ID: "points-reports", Gate: read, Order: 57},
	}
}

// requestRow is an adjustment request as the queue shows it.
type requestRow struct {
	points.AdjustmentRequest
	CustomerName string
	// Own says the admin looking made the request: another admin decides.
	Own bool
}

type approvalsView struct {
	*console.View
	Pending, Decided []requestRow
	CanDecide        bool
	Threshold        int64
	Error            string
	Names            walletNames
}

func (h *handlers) requestRows(r *http.Request, v *console.View, rs []points.AdjustmentRequest) []requestRow {
	me := ports.ActorFrom(r.Context())
	out := make([]requestRow, len(rs))
	for i, req := range rs {
		out[i] = requestRow{AdjustmentRequest: req, Own: req.RequestedBy.Kind == me.Kind && req.RequestedBy.ID == me.ID}
		if c, err := h.d.Customers.Get(r.Context(), v.Tenant.ID, req.Customer); err == nil {
			out[i].CustomerName = c.Name
		}
	}
	return out
}

// approvals is the queue of adjustments waiting for a second admin, and the latest decided.
func (h *handlers) approvals(w http.ResponseWriter, r *http.Request) {
	h.renderApprovals(w, r, http.StatusOK, "")
}

func (h *handlers) renderApprovals(w http.ResponseWriter, r *http.Request, status int, problem string) {
	v := console.ViewOf(r)
	pending, err := h.d.Points.AdjustmentRequests(r.Context(), v.Tenant.ID, points.RequestQuery{Status: points.RequestPending},
		ports.Page{Limit: 100})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	all, err := h.d.Points.AdjustmentRequests(r.Context(), v.Tenant.ID, points.RequestQuery{}, ports.Page{Limit: 40})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	var decided []points.AdjustmentRequest
	for _, req := range all {
		if req.Status != points.RequestPending {
			decided = append(decided, req)
		}
	}
	slices.SortStableFunc(decided, func(x, y points.AdjustmentRequest) int { return y.DecidedAt.Compare(x.DecidedAt) })
	decided = decided[:min(len(decided), 20)]
	s, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	view := approvalsView{View: v, Pending: h.requestRows(r, v, pending), Decided: h.requestRows(r, v, decided),
		CanDecide: v.Can(string(ledger.PermApprove)), Threshold: s.ApprovalAbove, Error: problem,
		Names: namesOf(s)}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	console.Render(w, r, "points_approvals", view)
}

// decide approves or rejects a request; a refusal (decided already, the admin's own, a
// deduction beyond the balance now) is said on the queue.
func (h *handlers) decide(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := console.PathID(w, r)
		if !ok {
			return
		}
		v := console.ViewOf(r)
		note := strings.TrimSpace(r.PostFormValue("note"))
		var err error
		if approve {
			_, _, err = h.d.Points.Approve(r.Context(), v.Tenant.ID, id, note)
		} else {
			_, err = h.d.Points.Reject(r.Context(), v.Tenant.ID, id, note)
		}
		key := ""
		switch {
		case err == nil:
		case errors.Is(err, points.ErrRequestNotFound):
			console.NotFound(w, r)
			return
		case errors.Is(err, points.ErrRequestDecided):
			key = "points.request_decided"
		case errors.Is(err, points.ErrOwnRequest):
			key = "points.request_own"
		case errors.Is(err, ledger.ErrInsufficient):
			key = "points.request_insufficient"
		case len(fielderr.All(err)) > 0:
			key = "points.bad_adjust_note"
		default:
			console.Internal(w, r, err)
			return
		}
		if key != "" {
			h.renderApprovals(w, r, http.StatusUnprocessableEntity, messages.T(v.Lang, key))
			return
		}
		flash := "points.request_approved"
		if !approve {
			flash = "points.request_rejected"
		}
		v.Flash = messages.T(v.Lang, flash)
		h.renderApprovals(w, r, http.StatusOK, "")
	}
}

// reportForm is the reports page's filter, as typed.
type reportForm struct {
	From, To, Granularity, Wallet string
	Errors                        map[string]string
}

// Query is the form as a query string, for the export links (a URL part, not one value).
func (f reportForm) Query() template.URL {
	return template.URL(url.Values{"from": {f.From}, "to": {f.To}, "granularity": {f.Granularity}, "wallet": {f.Wallet}}.Encode())
}

type reportsView struct {
	*console.View
	Form        reportForm
	Rows        []report.SummaryRow
	Wallets     []ledger.Wallet
	Value       string
	Chart       string
	Liability   string
	Outstanding int64
	Names       walletNames
}

// readReportForm reads the filter, by default the last 30 days by day in the brand's zone.
func readReportForm(r *http.Request, v *console.View) (reportForm, report.Summary) {
	q := r.URL.Query()
	today := time.Now().In(v.Location())
	f := reportForm{From: q.Get("from"), To: q.Get("to"), Granularity: q.Get("granularity"), Wallet: q.Get("wallet"),
		Errors: map[string]string{}}
	if f.To == "" {
		f.To = today.Format(time.DateOnly)
	}
	if f.From == "" {
		f.From = today.AddDate(0, 0, -29).Format(time.DateOnly)
	}
	if f.Granularity == "" {
		f.Granularity = string(report.Day)
	}
	if f.Wallet == "" {
		f.Wallet = string(ledger.Points)
	}
	s := report.Summary{Granularity: report.Granularity(f.Granularity), Wallet: ledger.Wallet(f.Wallet)}
	var err error
	if s.From, err = time.Parse(time.DateOnly, f.From); err != nil {
		f.Errors["from"] = messages.T(v.Lang, "points.bad_report_date")
	}
	if s.To, err = time.Parse(time.DateOnly, f.To); err != nil {
		f.Errors["to"] = messages.T(v.Lang, "points.bad_report_date")
	}
	return f, s
}

// reports is the summary of a period: a chart of what was issued, redeemed and expired with
// the outstanding points, the table, and export buttons.
func (h *handlers) reports(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, q := readReportForm(r, v)
	settings, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	view := reportsView{View: v, Form: f, Wallets: settings.Keys(), Names: namesOf(settings),
		Value: console.FormatYuan(settings.Value.FenOf(100))}
	if len(f.Errors) == 0 {
		rows, err := h.d.Points.Summary(r.Context(), v.Tenant.ID, q)
		switch {
		case err == nil:
			view.Rows = rows
		case len(fielderr.All(err)) > 0:
			for _, fe := range fielderr.All(err) {
				f.Errors[fe.Field] = messages.TOr(v.Lang, "points.bad_report_"+fe.Field, "form.invalid")
			}
		default:
			console.Internal(w, r, err)
			return
		}
	}
	if len(f.Errors) > 0 {
		view.Form = f
		w.WriteHeader(http.StatusUnprocessableEntity)
		console.Render(w, r, "points_reports", view)
		return
	}
	if n := len(view.Rows); n > 0 {
		view.Outstanding = view.Rows[n-1].Outstanding
		view.Liability = console.FormatYuan(view.Rows[n-1].LiabilityFen)
	}
	if view.Chart, err = reportChart(v.Lang, view.Rows); err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "points_reports", view)
}

// reportChart is the ECharts option of the summary: bars of points issued, redeemed and
// expired per period, and the outstanding points as a line on an axis of its own.
func reportChart(lang string, rows []report.SummaryRow) (string, error) {
	t := func(key string) string { return messages.T(lang, key) }
	n := len(rows)
	labels, issued, redeemed, expired, outstanding := make([]string, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, r := range rows {
		labels[i] = r.Start.Format("01-02")
		issued[i], redeemed[i], expired[i], outstanding[i] = r.Issued, r.Redeemed, r.Expired, r.Outstanding
	}
	raw, err := json.Marshal(map[string]any{
		"legend": map[string]any{"top": 0},
		"xAxis":  map[string]any{"type": "category", "data": labels},
		"yAxis":  []any{map[string]any{"type": "value", "minInterval": 1}, map[string]any{"type": "value", "minInterval": 1}},
		"series": []any{
			map[string]any{"name": t("points.report_issued"), "type": "bar", "data": issued, "itemStyle": map[string]any{"color": "#2f6f5e"}},
			map[string]any{"name": t("points.report_redeemed"), "type": "bar", "data": redeemed, "itemStyle": map[string]any{"color": "#d08c2f"}},
			map[string]any{"name": t("points.report_expired"), "type": "bar", "data": expired, "itemStyle": map[string]any{"color": "#b04a4a"}},
			map[string]any{"name": t("points.report_outstanding"), "type": "line", "yAxisIndex": 1, "data": outstanding,
				"showSymbol": false, "itemStyle": map[string]any{"color": "#3d5a80"}},
		},
	})
	return string(raw), err
}

// exportReport sends the summary of the filter as CSV or XLSX, headers in the page's language.
func (h *handlers) exportReport(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, q := readReportForm(r, v)
	format := r.URL.Query().Get("format")
	if format != points.FormatXLSX {
		format = points.FormatCSV
	}
	if len(f.Errors) > 0 {
		console.NotFound(w, r)
		return
	}
	rows, err := h.d.Points.Summary(r.Context(), v.Tenant.ID, q)
	if len(fielderr.All(err)) > 0 {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	names, err := h.walletNames(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	file, err := reportfile.Encoder{}.Encode(report.SummaryTable(rows, v.Lang, names.In(v.Lang)), format)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	name := report.Label(v.Lang, "summary") + " " + f.From + "~" + f.To + "." + format
	w.Header().Set("Content-Type", reportfile.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="points-summary.`+format+`"; filename*=UTF-8''`+url.PathEscape(name))
	_, _ = w.Write(file)
}
