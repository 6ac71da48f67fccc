package customersui

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/fielderr"
)

// A profile with several bad fields reports every one of them, however the service joined them.
func TestFieldErrorsReportEveryFieldOfNestedJoins(t *testing.T) {
	t.Parallel()
	nested := errors.Join(
		errors.Join(fielderr.New("phone", customer.ErrPhone), fielderr.Errorf("email", "bad")),
		nil,
		fielderr.Errorf("attributes.shoe_size", "expected a number"),
	)
	got := map[string]string{}
	fieldErrors("en", nested, []customer.AttributeDef{{Key: "shoe_size", Type: "number"}}, got)
	require.Len(t, got, 3)
	require.Contains(t, got, "phone")
	require.Contains(t, got, "email")
	require.Equal(t, "Enter a number.", got["attributes.shoe_size"], "a custom attribute's error says what its type takes")
}
