package customersui

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/overview"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/lifecycle"
)

// dashboardDays are the periods the dashboard offers, the first the default.
var dashboardDays = []int{30, 90}

// stageColours are the lifecycle stages' colours in the charts, in lifecycle.Stages order.
var stageColours = []string{"#5b8ff9", "#2f6f5e", "#f6bd16", "#e8684a", "#9270ca"}

type dashboardView struct {
	*console.View
	Days, Choices []int
	O             overview.Overview
	// Joined is the customers who joined in the days; Rate and EverRate the repeat-purchase
	// rates (percent) in the days and ever.
	Joined         int64
	Rate, EverRate string
	// Sales may show the purchases: the admin reads customers' events.
	Sales bool
	// Charts are ECharts options, as JSON for the page's data-chart-option attributes.
	Members, Stages, Months string
}

// percent writes a share as a percentage with one decimal.
func percent(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

// dashboardPanels are the customers module's panels of the dashboard: members and who
// joined, lifecycle stages over time, repeat purchases, sales by month, top cities and stores.
func (h *handlers) dashboardPanels(r *http.Request) (template.HTML, error) {
	v := console.ViewOf(r)
	days := dashboardDays[0]
	if n, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil {
		for _, d := range dashboardDays {
			if d == n {
				days = n
			}
		}
	}
	o, err := h.d.Overview.Overview(r.Context(), v.Tenant.ID, days, v.Location())
	if err != nil {
		return "", err
	}
	d := dashboardView{View: v, Days: []int{days}, Choices: dashboardDays, O: o,
		Rate: percent(overview.RepeatRate(o.Buyers, o.Repeat)), EverRate: percent(overview.RepeatRate(o.EverBuyers, o.EverRepeat)),
		Sales: v.Permissions[customer.PermEventsRead]}
	for _, n := range o.Joined {
		d.Joined += n
	}
	t := func(key string) string { return messages.T(v.Lang, key) }
	labels := make([]string, len(o.Days))
	for i, day := range o.Days {
		labels[i] = day.In(v.Location()).Format("01-02")
	}
	d.Members, err = chartJSON(map[string]any{
		"legend": map[string]any{"top": 0},
		"xAxis":  map[string]any{"type": "category", "data": labels},
		"yAxis":  []any{map[string]any{"type": "value", "minInterval": 1}, map[string]any{"type": "value", "minInterval": 1}},
		"series": []any{
			map[string]any{"name": t("dashboard.members_total"), "type": "line", "data": o.MembersAt, "showSymbol": false, "itemStyle": map[string]any{"color": "#2f6f5e"}},
			map[string]any{"name": t("dashboard.joined"), "type": "bar", "yAxisIndex": 1, "data": o.Joined, "itemStyle": map[string]any{"color": "#9ccbb8"}},
		},
	})
	if err != nil {
		return "", err
	}
	var stages []any
	for k, st := range lifecycle.Stages {
		counts := make([]int64, len(o.Days))
		for i := range o.Days {
			counts[i] = o.Stage(i, st)
		}
		stages = append(stages, map[string]any{"name": t("lifecycle.stage_" + string(st)), "type": "line", "stack": "stages",
			"areaStyle": map[string]any{}, "showSymbol": false, "data": counts, "itemStyle": map[string]any{"color": stageColours[k]}})
	}
	d.Stages, err = chartJSON(map[string]any{"legend": map[string]any{"top": 0}, "xAxis": map[string]any{"type": "category", "data": labels, "boundaryGap": false},
		"yAxis": map[string]any{"type": "value", "minInterval": 1}, "series": stages})
	if err != nil {
		return "", err
	}
	months, yuan := make([]string, len(o.Months)), make([]float64, len(o.Months))
	for i, m := range o.Months {
		months[i] = m.In(v.Location()).Format("2006-01")
		yuan[i] = float64(o.MonthSales[i].SpendFen) / 100
	}
	d.Months, err = chartJSON(map[string]any{"xAxis": map[string]any{"type": "category", "data": months},
		"yAxis":  map[string]any{"type": "value"},
		"series": []any{map[string]any{"name": t("dashboard.sales"), "type": "bar", "data": yuan, "itemStyle": map[string]any{"color": "#2f6f5e"}}}})
	if err != nil {
		return "", err
	}
	return console.Fragment(r, "customers-dashboard", d)
}

func chartJSON(option map[string]any) (string, error) {
	b, err := json.Marshal(option)
	if err != nil {
		return "", fmt.Errorf("dashboard chart: %w", err)
	}
	return string(b), nil
}
