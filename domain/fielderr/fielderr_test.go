package fielderr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
)

func fields(err error) []string {
	var out []string
	for _, fe := range fielderr.All(err) {
		out = append(out, fe.Field+"="+fe.Err.Error())
	}
	return out
}

func TestAllWalksJoinsWrapsAndNestedFields(t *testing.T) {
	t.Parallel()
	errUnknown := errors.New("unknown field")
	tree := errors.Join(fielderr.New("and[0].field", errUnknown), fielderr.New("", errors.New("too many")))
	err := fmt.Errorf("saving: %w", errors.Join(
		errors.Join(fielderr.New("name", errors.New("1-100 characters")), nil),
		errors.New("not a field"),
		fielderr.Under("tree", tree),
		fmt.Errorf("wrapped: %w", fielderr.Errorf("attributes[2]", "expected %s", "a number")),
	))
	require.Equal(t, []string{"name=1-100 characters", "tree.and[0].field=unknown field", "tree=too many",
		"attributes[2]=expected a number"}, fields(err))
	require.ErrorIs(t, err, errUnknown, "reasons stay reachable through the fields")
}

func TestAllOfErrorsNamingNoFieldIsEmpty(t *testing.T) {
	t.Parallel()
	require.Empty(t, fielderr.All(nil))
	require.Empty(t, fielderr.All(errors.Join(errors.New("a"), fmt.Errorf("b: %w", errors.New("c")))))
	require.NoError(t, fielderr.Under("tree", nil))
}

func TestALeafIsReturnedAsItIs(t *testing.T) {
	t.Parallel()
	fe := fielderr.New("phone", errors.New("not a phone"))
	require.Same(t, fe, fielderr.All(errors.Join(fe))[0])
	require.Equal(t, "phone: not a phone", fe.Error())
	require.Equal(t, "not a phone", fielderr.New("", fe.Err).Error(), "the value itself has no field to name")
}

func TestPath(t *testing.T) {
	t.Parallel()
	for _, c := range [][3]string{
		{"attributes", "[2]", "attributes[2]"}, {"tree", "op", "tree.op"}, {"", "op", "op"},
		{"tree", "", "tree"}, {"body.tags", "[1]", "body.tags[1]"}, {"", "", ""},
	} {
		require.Equal(t, c[2], fielderr.Path(c[0], c[1]), "%q + %q", c[0], c[1])
	}
}
