package customer_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/customer"
)

func TestFillGapsKeepsTheSurvivorsValuesAndFillsItsGaps(t *testing.T) {
	t.Parallel()
	born := time.Date(1990, 5, 20, 0, 0, 0, 0, time.UTC)
	survivor := customer.Customer{ID: uuid.New(), Name: "王小明", Gender: "unknown", Email: "ming@example.com",
		Consents: map[string]bool{"marketing_sms": true}, Attributes: map[string]any{"tea": "green"}}
	duplicate := customer.Customer{ID: uuid.New(), Name: "Wang", Gender: "male", Phone: "+8613812345678", Email: "wang@example.com",
		BirthDate: &born, Address: customer.Address{City: "上海", Postcode: "200000"},
		Consents: map[string]bool{"marketing_sms": false, "marketing_email": true}, Attributes: map[string]any{"tea": "oolong"}}

	got, filled := customer.FillGaps(survivor, duplicate)
	require.Equal(t, survivor.ID, got.ID)
	require.Equal(t, "王小明", got.Name)
	require.Equal(t, "ming@example.com", got.Email)
	require.Equal(t, "male", got.Gender, "unknown is a gap")
	require.Equal(t, "+8613812345678", got.Phone)
	require.Equal(t, born, *got.BirthDate)
	require.Equal(t, duplicate.Address, got.Address)
	require.Equal(t, map[string]bool{"marketing_sms": true, "marketing_email": true}, got.Consents, "answered consents stay")
	require.Equal(t, map[string]any{"tea": "green"}, got.Attributes, "attributes are the attributes module's to merge")
	require.Equal(t, []string{"address", "birth_date", "consents", "gender", "phone"}, filled)
	require.Equal(t, map[string]bool{"marketing_sms": true}, survivor.Consents, "the survivor given is not changed")

	same, none := customer.FillGaps(got, customer.Customer{})
	require.Equal(t, got, same)
	require.Empty(t, none)
}
