// Package reportfile writes report tables as files: CSV (UTF-8 with a byte-order mark, so Excel
// opens Chinese text as such; money in yuan with two decimals, dates as 2006-01-02) and XLSX
// (one sheet, a bold frozen header row, dates as date cells, money as numbers in yuan with
// separators).
package reportfile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/report"
)

// Encoder writes tables as CSV or XLSX.
type Encoder struct{}

var _ points.Encoder = Encoder{}

// ContentType is the media type of format.
func ContentType(format string) string {
	if format == points.FormatXLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Encode implements points.Encoder.
func (Encoder) Encode(t report.Table, format string) ([]byte, error) {
	switch format {
	case points.FormatCSV:
		return CSV(t)
	case points.FormatXLSX:
		return XLSX(t)
	}
	return nil, fmt.Errorf("reportfile: no format %q", format)
}

// yuan is fen as yuan with two decimals.
func yuan(f report.Fen) string {
	n := int64(f)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}

// CSV writes t as CSV.
func CSV(t report.Table) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	if err := w.Write(t.Headers); err != nil {
		return nil, err
	}
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			switch v := c.(type) {
			case string:
				rec[i] = v
			case int64:
				rec[i] = strconv.FormatInt(v, 10)
			case report.Fen:
				rec[i] = yuan(v)
			case time.Time:
				rec[i] = v.Format(time.DateOnly)
			default:
				rec[i] = fmt.Sprint(v)
			}
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// sheetName is title as a sheet's name: at most 31 characters, none of []:*?/\.
func sheetName(title string) string {
	out := []rune{}
	for _, r := range title {
		switch r {
		case '[', ']', ':', '*', '?', '/', '\\':
			continue
		}
		out = append(out, r)
	}
	if len(out) > 31 {
		out = out[:31]
	}
	if len(out) == 0 {
		return "Sheet1"
	}
	return string(out)
}

// XLSX writes t as a workbook of one sheet.
func XLSX(t report.Table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(t.Title)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, err
	}
	count, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return nil, err
	}
	widths := make([]int, len(t.Headers))
	for i, h := range t.Headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return nil, err
		}
		widths[i] = 2 * utf8.RuneCountInString(h)
	}
	if len(t.Headers) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(t.Headers), 1)
		if err := f.SetCellStyle(sheet, "A1", last, bold); err != nil {
			return nil, err
		}
	}
	for r, row := range t.Rows {
		for i, c := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			var err error
			style := 0
			switch v := c.(type) {
			case string:
				err = f.SetCellStr(sheet, cell, v)
				widths[i] = max(widths[i], 2*utf8.RuneCountInString(v))
			case int64:
				err, style = f.SetCellInt(sheet, cell, v), count
			case report.Fen:
				err, style = f.SetCellFloat(sheet, cell, float64(v)/100, 2, 64), money
			case time.Time:
				err, style = f.SetCellValue(sheet, cell, v), date
				widths[i] = max(widths[i], 11)
			default:
				err = f.SetCellValue(sheet, cell, v)
			}
			if err != nil {
				return nil, err
			}
			if style != 0 {
				if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
					return nil, err
				}
			}
		}
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, float64(max(w, 10))+2); err != nil {
			return nil, err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
