package console

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// The console shows and takes money in yuan (元); the API and the database keep integer fen
// (分). FormatYuan and ParseYuan are the one conversion every page uses.

// ErrYuan is an amount the console cannot read as yuan.
var ErrYuan = errors.New("console: not an amount in yuan (digits, at most two decimals)")

// FormatYuan writes fen as yuan with thousands separators and two decimals: 123456 is
// "1,234.56", -5 is "-0.05".
func FormatYuan(fen int64) string {
	sign, u := signOf(fen)
	cents := u % 100
	return sign + groupDigits(strconv.FormatUint(u/100, 10)) + "." + string([]byte{byte('0' + cents/10), byte('0' + cents%10)})
}

// FormatCount writes a whole number (points, customers) with thousands separators: 1234567 is
// "1,234,567", -1000 is "-1,000".
func FormatCount(n int64) string {
	sign, u := signOf(n)
	return sign + groupDigits(strconv.FormatUint(u, 10))
}

// signOf splits n into its sign ("-" or "") and its magnitude, the smallest int64 included.
func signOf(n int64) (string, uint64) {
	if n < 0 {
		return "-", uint64(-(n + 1)) + 1
	}
	return "", uint64(n)
}

// groupDigits puts a comma between groups of three digits, from the right.
func groupDigits(digits string) string {
	var b strings.Builder
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

// ParseYuan reads an amount typed in yuan ("100", "1,234.5", "0.05", "-3", with an optional
// leading ¥ or trailing 元) as fen. Thousands separators are allowed only between groups of
// three digits; more than two decimals, an empty amount or one beyond int64 fen is ErrYuan.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥"), "元"))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || (hasFrac && (frac == "" || len(frac) > 2)) || !digits(frac) {
		return 0, ErrYuan
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, ErrYuan
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrYuan
			}
		}
		whole = strings.Join(groups, "")
	}
	if !digits(whole) {
		return 0, ErrYuan
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > math.MaxInt64/100-1 {
		return 0, ErrYuan
	}
	cents := int64(0)
	if frac != "" {
		c, _ := strconv.Atoi(frac)
		if len(frac) == 1 {
			c *= 10
		}
		cents = int64(c)
	}
	fen := y*100 + cents
	if neg {
		fen = -fen
	}
	return fen, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
