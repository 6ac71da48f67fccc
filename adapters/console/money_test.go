package console

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFormatYuan(t *testing.T) {
	for fen, want := range map[int64]string{
		0: "0.00", 5: "0.05", 100: "1.00", 123456: "1,234.56", 100000000: "1,000,000.00", -5: "-0.05",
		-123456: "-1,234.56", math.MinInt64: "-92,233,720,368,547,758.08",
	} {
		require.Equal(t, want, FormatYuan(fen), fen)
	}
}

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]int64{
		"100": 10000, "1,234.5": 123450, "0.05": 5, " ¥12.30 ": 1230, "8元": 800, "-3": -300, "1,000,000": 100000000,
	} {
		got, err := ParseYuan(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "abc", "1.234", "1.", ".5", "1,23", "12,3456", ",123", "1e3", "99999999999999999999", "--1", "1 000"} {
		_, err := ParseYuan(in)
		require.ErrorIs(t, err, ErrYuan, in)
	}
}

func TestYuanRoundTrips(t *testing.T) {
	for _, fen := range []int64{0, 1, 99, 100, 101, 123456789, -42} {
		got, err := ParseYuan(FormatYuan(fen))
		require.NoError(t, err)
		require.Equal(t, fen, got)
	}
}

func TestCountsAreWrittenWithThousandsSeparators(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", -1000: "-1,000", 23570: "23,570",
		1234567: "1,234,567", math.MinInt64: "-9,223,372,036,854,775,808"} {
		require.Equal(t, want, FormatCount(n), "%d", n)
	}
}
