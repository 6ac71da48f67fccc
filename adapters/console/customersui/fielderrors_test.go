package customersui

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
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

// A change refused because the customer's data is erased says so above the form, not as a
// server error.
func TestAChangeToAnErasedCustomerIsExplained(t *testing.T) {
	t.Parallel()
	got := map[string]string{}
	fieldErrors("zh-CN", ports.ErrCustomerErased, nil, got)
	require.Equal(t, map[string]string{formError: "该会员的个人信息已删除，资料不能再修改。"}, got)
}
