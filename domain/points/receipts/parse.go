// Package receipts is receipt scanning's rules: reading a receipt's store, amount, date and
// number out of the text OCR found on its photo, the brand's receipt settings, and the checks
// that decide whether a receipt earns points at once, waits for an admin, or is refused.
package receipts

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Fields are what a receipt says, as far as its text could be read: empty where it could not.
type Fields struct {
	// Store is the merchant's name as printed (its first line, or what a 门店/店名 label says).
	Store string `json:"store,omitempty"`
	// AmountFen is the total paid, in fen; 0 when no total was found.
	AmountFen int64 `json:"amount_fen,omitempty"`
	// Date is when the purchase was made, in the brand's time zone: midnight when the receipt
	// gives no time of day. Zero when no date was found.
	Date time.Time `json:"date,omitzero"`
	// Number is the receipt's number (单号, 小票号, 流水号, ...).
	Number string `json:"number,omitempty"`
}

// Labels of a receipt's total, the most reliable first: 实收 (cash received) comes last, as a
// cash receipt's 实收 may be more than the total (the change is given back).
var amountLabels = []string{"实付金额", "实付", "应付金额", "应付", "应收", "消费金额", "合计金额", "金额合计", "合计", "总计", "总金额",
	"总额", "TOTAL", "实收金额", "实收"}

// Labels of a receipt's number.
var numberLabels = []string{"小票号", "小票单号", "单据号", "流水号", "交易流水", "订单号", "单号", "票号", "交易号", "凭证号", "收据号",
	"发票号码", "NO"}

// Labels of the store's name.
var storeLabels = []string{"门店名称", "门店", "店名", "商户名称", "商户名", "店铺"}

// Labels of the purchase's date, preferred over any other date on the receipt.
var dateLabels = []string{"交易时间", "消费时间", "销售时间", "日期", "时间", "DATE"}

var (
	moneyRe  = regexp.MustCompile(`[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\s*\.\s*(\d{1,2}))?\s*元?`)
	numberRe = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9\-]{3,39}`)
	dateRe   = regexp.MustCompile(`(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?`)
)

// Parse reads a receipt's fields from its text, dates in loc.
func Parse(text string, loc *time.Location) Fields {
	lines := normalize(text)
	var f Fields
	f.Store = store(lines)
	f.AmountFen = amount(lines)
	f.Date = date(lines, loc)
	f.Number = number(lines)
	return f
}

// normalize splits text into trimmed, non-empty lines, with full-width forms made half-width
// (：→:, （→(, ０→0), no spaces between two CJK characters (OCR puts them in), and runs of
// spaces made one.
func normalize(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		var b strings.Builder
		for _, r := range line {
			switch {
			case r == '\u3000':
				r = ' '
			case r >= '！' && r <= '～' && r != '￥':
				r -= 0xFEE0
			case r == '：':
				r = ':'
			}
			b.WriteRune(r)
		}
		rs := []rune(strings.Join(strings.Fields(b.String()), " "))
		var kept []rune
		for i, r := range rs {
			if r == ' ' && i > 0 && i+1 < len(rs) && isCJK(rs[i-1]) && isCJK(rs[i+1]) {
				continue
			}
			kept = append(kept, r)
		}
		if s := strings.TrimSpace(string(kept)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isCJK(r rune) bool { return unicode.Is(unicode.Han, r) || r == '(' || r == ')' }

// labelled returns what follows the first of labels on a line (after a colon, if any), and
// whether one was found; the labels are tried in order, then the lines.
func labelled(lines []string, labels []string, ok func(rest string) bool) (string, bool) {
	for _, l := range labels {
		for _, line := range lines {
			upper := strings.ToUpper(line)
			i := strings.Index(upper, l)
			if i < 0 {
				continue
			}
			rest := strings.TrimLeft(line[i+len(l):], " :.#")
			if ok(rest) {
				return rest, true
			}
		}
	}
	return "", false
}

// store is what a store label names, else the first line that is not a label, a date or
// decoration: receipts print the merchant on top.
func store(lines []string) string {
	if s, ok := labelled(lines, storeLabels, func(rest string) bool { return utf8.RuneCountInString(rest) >= 2 }); ok {
		return clip(s, 100)
	}
	for _, line := range lines[:min(len(lines), 3)] {
		if strings.ContainsAny(line, ":") || dateRe.MatchString(line) || !strings.ContainsFunc(line, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			continue
		}
		return clip(line, 100)
	}
	return ""
}

func clip(s string, n int) string {
	rs := []rune(strings.TrimSpace(s))
	if len(rs) > n {
		rs = rs[:n]
	}
	return string(rs)
}

// amount is the value of the first total label found, in fen.
func amount(lines []string) int64 {
	var fen int64
	labelled(lines, amountLabels, func(rest string) bool {
		m := moneyRe.FindStringSubmatch(rest)
		if m == nil {
			return false
		}
		yuan, err := strconv.ParseInt(strings.ReplaceAll(m[1], ",", ""), 10, 64)
		if err != nil || yuan > 100_000_000 {
			return false
		}
		cents := int64(0)
		switch len(m[2]) {
		case 1:
			cents = int64(m[2][0]-'0') * 10
		case 2:
			cents = int64(m[2][0]-'0')*10 + int64(m[2][1]-'0')
		}
		fen = yuan*100 + cents
		return fen > 0
	})
	return fen
}

// date is the date on a date label's line, else the first valid date anywhere.
func date(lines []string, loc *time.Location) time.Time {
	parse := func(s string) (time.Time, bool) {
		m := dateRe.FindStringSubmatch(s)
		if m == nil {
			return time.Time{}, false
		}
		n := func(s string) int { v, _ := strconv.Atoi(s); return v }
		y, mo, d, h, mi, sec := n(m[1]), n(m[2]), n(m[3]), n(m[4]), n(m[5]), n(m[6])
		if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
			return time.Time{}, false
		}
		t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
		if t.Day() != d { // 2026-02-30
			return time.Time{}, false
		}
		return t, true
	}
	var found time.Time
	if _, ok := labelled(lines, dateLabels, func(rest string) bool {
		t, ok := parse(rest)
		found = t
		return ok
	}); ok {
		return found
	}
	for _, line := range lines {
		if t, ok := parse(line); ok {
			return t
		}
	}
	return time.Time{}
}

// number is what the first number label names: 4 to 40 letters, digits and dashes, with a
// digit among them.
func number(lines []string) string {
	var out string
	labelled(lines, numberLabels, func(rest string) bool {
		m := numberRe.FindString(rest)
		if m == "" || !strings.ContainsAny(m, "0123456789") {
			return false
		}
		out = strings.ToUpper(m)
		return true
	})
	return out
}
