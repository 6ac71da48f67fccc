package segment_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/segment"
)

// errUnknownBadge is what the badges family of the test's module answers for a badge it has not.
var errUnknownBadge = errors.New("unknown badge")

// pointsFields are fields a module other than customers declares: a number, an enum, and a
// family of one member.
var pointsFields = segment.Fields{
	Fields: []segment.Field{
		{Name: "points_balance", Kind: segment.KindNumber, Min: 0, Max: 1e9},
		{Name: "tier", Kind: segment.KindEnum, Values: []string{"silver", "gold"}},
		{Name: "badges.first_visit", Kind: segment.KindBoolean, Family: "badges."},
	},
	Families: []segment.Family{{Prefix: "badges.", Unknown: errUnknownBadge}},
}

// Fields another module declares are used, checked and listed like the customers module's.
func TestFieldsDeclaredByAnotherModuleAreChecked(t *testing.T) {
	t.Parallel()
	cat := segment.NewCatalogue(segment.CustomerFields().Add(pointsFields))
	tree, err := segment.ParseJSON([]byte(`{"and":[{"field":"points_balance","op":">=","value":500},
		{"field":"tier","op":"in","value":["gold"]},{"field":"badges.first_visit","op":"=","value":true},
		{"field":"city","op":"=","value":"上海"}]}`), cat)
	require.NoError(t, err)
	conds := tree.Conditions()
	require.Equal(t, "points_balance", conds[0].Field.Name)
	require.Equal(t, 500.0, conds[0].Value)
	require.Equal(t, []string{"gold"}, conds[1].Value)
	require.Equal(t, "first_visit", conds[2].Key)

	for _, tc := range []struct {
		tree string
		err  error
	}{
		{`{"field":"points_balance","op":">=","value":1.5}`, segment.ErrValue},
		{`{"field":"points_balance","op":">=","value":-1}`, segment.ErrValue},
		{`{"field":"points_balance","op":"has","value":"x"}`, segment.ErrOperator},
		{`{"field":"tier","op":"=","value":"bronze"}`, segment.ErrValue},
		{`{"field":"badges.night_owl","op":"=","value":true}`, errUnknownBadge},
		{`{"field":"points_balance","window_days":3,"op":">=","value":1}`, segment.ErrValue},
	} {
		_, err := segment.ParseJSON([]byte(tc.tree), cat)
		require.ErrorIs(t, err, tc.err, tc.tree)
	}

	fields := cat.Fields()
	require.Equal(t, "gender", fields[0].Name, "the customers module's fields come first")
	require.Equal(t, "badges.first_visit", fields[len(fields)-1].Name)
	_, ok := segment.NewCatalogue(segment.CustomerFields()).Field("points_balance")
	require.False(t, ok, "a field is in the catalogue only when its module is wired")
}

func TestAFieldDeclaredTwiceIsAWiringMistake(t *testing.T) {
	t.Parallel()
	require.Panics(t, func() {
		segment.CustomerFields().Add(segment.Fields{Fields: []segment.Field{{Name: "city", Kind: segment.KindText}}})
	})
	require.Panics(t, func() {
		segment.CustomerFields().Add(segment.Fields{Families: []segment.Family{{Prefix: segment.AttributePrefix}}})
	})
}
