package fieldtype_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/fieldtype"
)

func TestValuesAreCheckedAgainstTheirType(t *testing.T) {
	t.Parallel()
	colour := fieldtype.Spec{Type: fieldtype.Enum, EnumValues: []string{"red", "green"}}
	for _, tc := range []struct {
		spec fieldtype.Spec
		in   any
		want any
	}{
		{fieldtype.Spec{Type: fieldtype.String}, "早上好", "早上好"},
		{fieldtype.Spec{Type: fieldtype.Number}, 4.5, 4.5},
		{fieldtype.Spec{Type: fieldtype.Integer}, 42.0, 42.0},
		{fieldtype.Spec{Type: fieldtype.Boolean}, false, false},
		{fieldtype.Spec{Type: fieldtype.Date}, "2026-02-28", "2026-02-28"},
		{colour, "green", "green"},
	} {
		got, err := tc.spec.Coerce(tc.in, 10)
		require.NoError(t, err, tc.spec.Type)
		require.Equal(t, tc.want, got)
	}
	for _, tc := range []struct {
		spec fieldtype.Spec
		in   any
		msg  string
	}{
		{fieldtype.Spec{Type: fieldtype.String}, "eleven char", "expected text of at most 10 characters"},
		{fieldtype.Spec{Type: fieldtype.String, MaxLength: 3}, "four", "expected text of at most 3 characters"},
		{fieldtype.Spec{Type: fieldtype.String}, 7.0, "expected text of at most 10 characters"},
		{fieldtype.Spec{Type: fieldtype.Number}, "4.5", "expected a number"},
		{fieldtype.Spec{Type: fieldtype.Integer}, 4.5, "expected a whole number"},
		{fieldtype.Spec{Type: fieldtype.Boolean}, "true", "expected true or false"},
		{fieldtype.Spec{Type: fieldtype.Date}, "2026-02-30", "expected a date, YYYY-MM-DD"},
		{colour, "blue", "expected one of red, green"},
	} {
		_, err := tc.spec.Coerce(tc.in, 10)
		require.EqualError(t, err, tc.msg, tc.spec.Type)
	}
}

func TestDefinitionsNameEveryPartAtFault(t *testing.T) {
	t.Parallel()
	parts := func(s fieldtype.Spec) []string { return partsOf(s.Check(fieldtype.Types)) }
	require.Empty(t, parts(fieldtype.Spec{Type: fieldtype.String, MaxLength: 20}))
	require.Equal(t, []string{"type"}, parts(fieldtype.Spec{Type: "colour"}))
	require.Equal(t, []string{"enum_values"}, parts(fieldtype.Spec{Type: fieldtype.Enum}))
	require.Equal(t, []string{"enum_values"}, parts(fieldtype.Spec{Type: fieldtype.Enum, EnumValues: []string{"a", "a"}}))
	require.Equal(t, []string{"enum_values", "max_length"}, parts(fieldtype.Spec{Type: fieldtype.Number, EnumValues: []string{"a"}, MaxLength: 3}))
	require.Equal(t, []string{"type"}, partsOf(fieldtype.Spec{Type: fieldtype.Integer}.Check([]string{fieldtype.Number})))

	require.True(t, fieldtype.ValidKey("shoe_size"))
	for _, bad := range []string{"", "Shoe", "1st", "shoe-size", "a2345678901234567890123456789012345678901"} {
		require.False(t, fieldtype.ValidKey(bad), bad)
	}
}

func partsOf(ps []fieldtype.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Part)
	}
	return out
}
