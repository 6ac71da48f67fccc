package tag_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/tag"
	"github.com/engagehq/engage/domain/fielderr"
)

func TestTagNamesAreTrimmedKeepTheirCaseAndAreChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{in: "VIP", want: "VIP"},
		{in: "  常客 ", want: "常客"},
		{in: "vip", want: "vip"},
		{in: "tea lover", want: "tea lover"},
		{in: strings.Repeat("茶", 40), want: strings.Repeat("茶", 40)},
		{in: strings.Repeat("茶", 41), err: tag.ErrTooLong},
		{in: strings.Repeat("a", 41), err: tag.ErrTooLong},
		{in: "", err: tag.ErrEmpty},
		{in: "   ", err: tag.ErrEmpty},
		{in: "a\tb", err: tag.ErrControl},
		{in: "a\nb", err: tag.ErrControl},
		{in: "a\u0000b", err: tag.ErrControl},
		{in: "\xff", err: tag.ErrInvalid},
	} {
		got, err := tag.Normalise(tc.in)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, "%q", tc.in)
			continue
		}
		require.NoError(t, err, "%q", tc.in)
		require.Equal(t, tc.want, got)
	}
}

func TestTagListsDropRepeatsAndNameEveryTagAtFault(t *testing.T) {
	t.Parallel()
	got, err := tag.NormaliseAll([]string{"VIP", " VIP", "vip", "常客"})
	require.NoError(t, err)
	require.Equal(t, []string{"VIP", "vip", "常客"}, got)

	_, err = tag.NormaliseAll([]string{"ok", "", strings.Repeat("x", 41)})
	require.Len(t, err.(interface{ Unwrap() []error }).Unwrap(), 2)
	var indexes []string
	for _, fe := range fielderr.All(err) {
		indexes = append(indexes, fe.Field)
	}
	require.Equal(t, []string{"[1]", "[2]"}, indexes)
	require.ErrorIs(t, err, tag.ErrTooLong)
}
