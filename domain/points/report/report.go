// Package report is the points module's reports: the summary of a brand's ledger per period and
// wallet (points issued, redeemed, returned, taken back, expired and adjusted, and the
// outstanding liability in points and in fen at the brand's value of a point), custom reports
// over the ledger's entries (dimensions, measures, a period), and the table either is exported
// as. Periods are calendar days, ISO weeks (from Monday) and months in the brand's time zone.
package report

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
)

// Granularity is the length of a report's periods.
type Granularity string

// Granularities.
const (
	Day   Granularity = "day"
	Week  Granularity = "week"
	Month Granularity = "month"
)

// Granularities are every granularity, for API enums.
var Granularities = []Granularity{Day, Week, Month}

// Start returns the first day of the period of g that holds day (a date at midnight UTC).
func (g Granularity) Start(day time.Time) time.Time {
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	switch g {
	case Week:
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	case Month:
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return d
}

// Next returns the first day of the period after the one starting at start.
func (g Granularity) Next(start time.Time) time.Time {
	switch g {
	case Week:
		return start.AddDate(0, 0, 7)
	case Month:
		return start.AddDate(0, 1, 0)
	}
	return start.AddDate(0, 0, 1)
}

// Dimension is what a custom report groups by.
type Dimension string

// Dimensions.
const (
	ByPeriod Dimension = "period"
	ByWallet Dimension = "wallet"
	ByKind   Dimension = "kind"
	ByReason Dimension = "reason"
	// ByStore is the store of a purchase's earning, where the purchase named one.
	ByStore Dimension = "store"
)

// Dimensions are every dimension, for API enums.
var Dimensions = []Dimension{ByPeriod, ByWallet, ByKind, ByReason, ByStore}

// Measure is what a custom report adds up.
type Measure string

// Measures.
const (
	// Points is the entries' change to balances.
	Points Measure = "points"
	// Pending is their change to pending points.
	Pending Measure = "pending"
	// Entries counts them.
	Entries Measure = "entries"
	// Customers counts the customers they are of, each once.
	Customers Measure = "customers"
)

// Measures are every measure, for API enums.
var Measures = []Measure{Points, Pending, Entries, Customers}

// Limits of a report.
const (
	// MaxDays is the longest period a report covers.
	MaxDays = 3 * 366
	// MaxRows is the most rows a custom report returns.
	MaxRows = 10_000
)

// Period is the days a report covers, From to To inclusive, in the brand's time zone.
type Period struct {
	From, To time.Time
}

// Check refuses a period that ends before it starts or is too long.
func (p Period) Check() error {
	switch {
	case p.From.IsZero():
		return fielderr.New("from", errors.New("a date is required"))
	case p.To.IsZero():
		return fielderr.New("to", errors.New("a date is required"))
	case p.To.Before(p.From):
		return fielderr.New("to", errors.New("on or after from"))
	case p.To.Sub(p.From) > MaxDays*24*time.Hour:
		return fielderr.New("to", fmt.Errorf("at most %d days after from", MaxDays))
	}
	return nil
}

// Bounds returns the instants a period starts and ends (exclusive) in loc.
func (p Period) Bounds(loc *time.Location) (time.Time, time.Time) {
	from := time.Date(p.From.Year(), p.From.Month(), p.From.Day(), 0, 0, 0, 0, loc)
	to := time.Date(p.To.Year(), p.To.Month(), p.To.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	return from, to
}

// Summary asks for the summary of a period.
type Summary struct {
	Period
	Granularity Granularity
	// Wallet limits it to one wallet; empty for every wallet.
	Wallet ledger.Wallet
}

// Check returns every field at fault, joined.
func (s Summary) Check() error {
	var errs []error
	if !slices.Contains(Granularities, s.Granularity) {
		errs = append(errs, fielderr.New("granularity", errors.New("one of day, week, month")))
	}
	return errors.Join(append(errs, s.Period.Check())...)
}

// SummaryRow is one period of one wallet. Outstanding is the wallet's balances at the period's
// end: the opening balance plus the period's Net.
type SummaryRow struct {
	// Start is the period's first day.
	Start  time.Time
	Wallet ledger.Wallet
	// Issued are points earned that count (at once, or released from pending).
	Issued int64
	// Redeemed are points spent, Returned points spent that a refund gave back.
	Redeemed, Returned int64
	// TakenBack are points a refund took back; Expired points that expired.
	TakenBack, Expired int64
	// Adjusted is manual adjustments, added less deducted.
	Adjusted int64
	// Net is the period's change to the balances; Outstanding the balances at its end.
	Net, Outstanding int64
	// LiabilityFen is Outstanding at the brand's value of a point.
	LiabilityFen int64
}

// Custom asks for a custom report.
type Custom struct {
	Period
	Granularity Granularity
	Dimensions  []Dimension
	Measures    []Measure
	// Wallet and Kinds filter the entries; empty for all.
	Wallet ledger.Wallet
	Kinds  []ledger.Kind
}

// Check returns every field at fault, joined.
func (c Custom) Check() error {
	var errs []error
	if slices.Contains(c.Dimensions, ByPeriod) && !slices.Contains(Granularities, c.Granularity) {
		errs = append(errs, fielderr.New("granularity", errors.New("one of day, week, month")))
	}
	if len(c.Measures) == 0 {
		errs = append(errs, fielderr.New("measures", errors.New("at least one of points, pending, entries, customers")))
	}
	for i, d := range c.Dimensions {
		if !slices.Contains(Dimensions, d) || slices.Index(c.Dimensions, d) != i {
			errs = append(errs, fielderr.New("dimensions", fmt.Errorf("each of %v at most once", Dimensions)))
			break
		}
	}
	for i, m := range c.Measures {
		if !slices.Contains(Measures, m) || slices.Index(c.Measures, m) != i {
			errs = append(errs, fielderr.New("measures", fmt.Errorf("each of %v at most once", Measures)))
			break
		}
	}
	for _, k := range c.Kinds {
		if !slices.Contains(ledger.Kinds, k) {
			errs = append(errs, fielderr.New("kinds", fmt.Errorf("each one of %v", ledger.Kinds)))
			break
		}
	}
	return errors.Join(append(errs, c.Period.Check())...)
}

// CustomRow is one group of a custom report: its dimensions' values (a period's first day as
// 2006-01-02) and its measures, in the order asked.
type CustomRow struct {
	Keys   []string
	Values []int64
}

// Fen is an amount of money in a table, shown in yuan.
type Fen int64

// Table is a report as exported: a title, its columns' headers, and rows whose cells are
// strings, int64 counts, Fen, or dates (time.Time at midnight UTC).
type Table struct {
	Title   string
	Headers []string
	Rows    [][]any
}

// labels name a report's columns and values, in Chinese and English.
var labels = map[string]map[string]string{
	"zh-CN": {
		"period": "周期", "wallet": "钱包", "kind": "类型", "reason": "原因", "store": "门店",
		"points": "积分", "pending": "待生效积分", "entries": "笔数", "customers": "会员数",
		"issued": "发放", "redeemed": "兑换", "returned": "退回", "taken_back": "扣回", "expired": "过期", "adjusted": "调整",
		"net": "净变动", "outstanding": "未兑换积分", "liability_yuan": "负债（元）",
		"summary": "积分汇总", "custom": "积分自定义报表",
		"wallet.points": "积分", "wallet.status": "成长值",
		"kind.earn": "获得", "kind.release": "生效", "kind.redeem": "兑换", "kind.expire": "过期", "kind.adjust": "调整",
		"kind.refund": "退款扣回", "kind.reverse": "退款退回", "kind.cancel": "取消",
	},
	"en": {
		"period": "Period", "wallet": "Wallet", "kind": "Kind", "reason": "Reason", "store": "Store",
		"points": "Points", "pending": "Pending points", "entries": "Entries", "customers": "Customers",
		"issued": "Issued", "redeemed": "Redeemed", "returned": "Returned", "taken_back": "Taken back", "expired": "Expired",
		"adjusted": "Adjusted", "net": "Net change", "outstanding": "Outstanding points", "liability_yuan": "Liability (CNY)",
		"summary": "Points summary", "custom": "Points custom report",
		"wallet.points": "Points", "wallet.status": "Status points",
		"kind.earn": "Earned", "kind.release": "Released", "kind.redeem": "Redeemed", "kind.expire": "Expired", "kind.adjust": "Adjusted",
		"kind.refund": "Taken back on refund", "kind.reverse": "Returned on refund", "kind.cancel": "Cancelled",
	},
}

// Label is key's name in lang (zh-CN when lang is another), or key itself when it has none.
func Label(lang, key string) string {
	m, ok := labels[lang]
	if !ok {
		m = labels["zh-CN"]
	}
	if l, ok := m[key]; ok {
		return l
	}
	if i := strings.IndexByte(key, '.'); i >= 0 {
		return key[i+1:] // a wallet the brand added, named by its key
	}
	return key
}

// Names are the names the brand gave its wallets, in a report's language; a wallet without
// one is named as Label names it.
type Names map[ledger.Wallet]string

func (n Names) of(lang string, w ledger.Wallet) string {
	if name := n[w]; name != "" {
		return name
	}
	return Label(lang, "wallet."+string(w))
}

// SummaryTable is rows as a table, headers in lang, wallets by their names.
func SummaryTable(rows []SummaryRow, lang string, names Names) Table {
	t := Table{Title: Label(lang, "summary")}
	for _, h := range []string{"period", "wallet", "issued", "redeemed", "returned", "taken_back", "expired", "adjusted", "net",
		"outstanding", "liability_yuan"} {
		t.Headers = append(t.Headers, Label(lang, h))
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, []any{r.Start, names.of(lang, r.Wallet), r.Issued, r.Redeemed, r.Returned,
			r.TakenBack, r.Expired, r.Adjusted, r.Net, r.Outstanding, Fen(r.LiabilityFen)})
	}
	return t
}

// CustomTable is a custom report's rows as a table, headers and values in lang, wallets by
// their names.
func CustomTable(c Custom, rows []CustomRow, lang string, names Names) Table {
	t := Table{Title: Label(lang, "custom")}
	for _, d := range c.Dimensions {
		t.Headers = append(t.Headers, Label(lang, string(d)))
	}
	for _, m := range c.Measures {
		t.Headers = append(t.Headers, Label(lang, string(m)))
	}
	for _, r := range rows {
		row := make([]any, 0, len(r.Keys)+len(r.Values))
		for i, k := range r.Keys {
			switch c.Dimensions[i] {
			case ByPeriod:
				day, err := time.Parse(time.DateOnly, k)
				if err == nil {
					row = append(row, day)
					continue
				}
			case ByWallet:
				row = append(row, names.of(lang, ledger.Wallet(k)))
				continue
			case ByKind:
				row = append(row, Label(lang, string(c.Dimensions[i])+"."+k))
				continue
			}
			row = append(row, k)
		}
		for _, v := range r.Values {
			row = append(row, v)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
