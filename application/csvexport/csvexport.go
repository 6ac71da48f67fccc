// Package csvexport writes the CSV files admins download (customers, the audit trail): every
// export goes through its Writer, which defuses each cell a spreadsheet would run as a
// formula. Customers, partners and anyone whose request is audited choose some of the text
// (a name, a user agent), and the file is opened by an admin in Excel or WPS.
package csvexport

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"
)

// BOM starts a file that Excel, as used in China, should read as UTF-8 rather than GBK.
const BOM = "\ufeff"

// Writer writes CSV rows with every cell defused (see Cell).
type Writer struct {
	cw  *csv.Writer
	row []string
}

// NewWriter returns a writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{cw: csv.NewWriter(w)} }

// Write writes one row, each cell defused.
func (w *Writer) Write(cells []string) error {
	w.row = w.row[:0]
	for _, c := range cells {
		w.row = append(w.row, Cell(c))
	}
	return w.cw.Write(w.row)
}

// Flush writes what is buffered to the underlying writer.
func (w *Writer) Flush() { w.cw.Flush() }

// Error reports an error of an earlier Write or Flush.
func (w *Writer) Error() error { return w.cw.Error() }

// Cell defuses text a spreadsheet would run as a formula: text that starts with =, +, -, @, a
// tab or a carriage return (or the full-width ＝＋－＠ some spreadsheets read as them) gets a
// leading apostrophe, which shows the text as typed. A plain number (+8613800138000, -5, 2.5)
// is left alone: it runs nothing.
func Cell(s string) string {
	first, _ := utf8.DecodeRuneInString(s)
	if s == "" || !strings.ContainsRune("=+-@\t\r＝＋－＠", first) || number(s) {
		return s
	}
	return "'" + s
}

// number reports whether s is a decimal number with an optional sign: nothing a spreadsheet
// could evaluate but the number itself.
func number(s string) bool {
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" {
		return false
	}
	dot := false
	for i, r := range digits {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot && i > 0 && i < len(digits)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}
