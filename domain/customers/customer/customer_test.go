package customer_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/fielderr"
)

func TestPhonesNormaliseToE164(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"13812345678":       "+8613812345678",
		"+86 138-1234-5678": "+8613812345678",
		"008613812345678":   "+8613812345678",
		"8613812345678":     "+8613812345678",
		"+85291234567":      "+85291234567",
		"+1 (415) 555-0100": "+14155550100",
	} {
		got, err := customer.NormalisePhone(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"12345", "12812345678", "+8612345678901", "0211234567", "phone", "+0123456789"} {
		_, err := customer.NormalisePhone(bad)
		require.ErrorIs(t, err, customer.ErrPhone, bad)
	}
}

func fields(err error) []string {
	var out []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *fielderr.Error
		if errors.As(e, &fe) {
			out = append(out, fe.Field)
		}
	}
	return out
}

func TestProfileNormalisesAndNamesEveryFieldAtFault(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	ok := customer.Customer{Name: " 王小明 ", Phone: "13812345678", Email: "Xiao.Ming@Example.COM"}
	require.NoError(t, ok.Normalise(now))
	require.Equal(t, "王小明", ok.Name)
	require.Equal(t, "+8613812345678", ok.Phone)
	require.Equal(t, "xiao.ming@example.com", ok.Email)
	require.Equal(t, "unknown", ok.Gender)
	require.Equal(t, "zh-CN", ok.Language)

	future := now.AddDate(1, 0, 0)
	bad := customer.Customer{Gender: "x", BirthDate: &future, Phone: "123", Email: "nope", AvatarURL: "http://x",
		Address: customer.Address{Postcode: "12"}, Language: "fr", Consents: map[string]bool{"spam_me": true}}
	err := bad.Normalise(now)
	require.ElementsMatch(t, []string{"gender", "birth_date", "phone", "email", "avatar_url", "address.postcode", "language", "consents.spam_me"}, fields(err))
}

func TestCustomAttributesAreTyped(t *testing.T) {
	t.Parallel()
	defs := []customer.AttributeDef{
		{Key: "shoe_size", Type: "number"}, {Key: "vip", Type: "boolean"}, {Key: "anniversary", Type: "date"},
		{Key: "tea", Type: "enum", EnumValues: []string{"green", "oolong"}}, {Key: "note", Type: "string"},
	}
	for _, d := range defs {
		require.NoError(t, d.Check())
	}
	got, err := customer.CheckAttributes(map[string]any{"shoe_size": 42.0, "vip": true, "anniversary": "2020-05-20", "tea": "oolong", "note": "likes less sugar", "shoe": nil}, append(defs, customer.AttributeDef{Key: "shoe", Type: "string"}))
	require.NoError(t, err)
	require.Equal(t, 42.0, got["shoe_size"])

	_, err = customer.CheckAttributes(map[string]any{"shoe_size": "42", "vip": "yes", "anniversary": "May", "tea": "black", "unknown": 1}, defs)
	require.ElementsMatch(t, []string{"attributes.shoe_size", "attributes.vip", "attributes.anniversary", "attributes.tea", "attributes.unknown"}, fields(err))

	require.Error(t, customer.AttributeDef{Key: "Bad Key", Type: "colour"}.Check())
	require.Error(t, customer.AttributeDef{Key: "tier", Type: "enum"}.Check(), "an enum needs values")
}

func TestPhonesAreMaskedButForTheirEnds(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+8613812345678": "138****5678",
		"+447911123456":  "+44******3456",
		"+1234567":       "+12*4567",
		"":               "",
	} {
		require.Equal(t, want, customer.MaskPhone(in), in)
	}
}

func TestAnAttributeIsNamedInTheAdminsLanguageOrTheOther(t *testing.T) {
	t.Parallel()
	both := customer.AttributeDef{Key: "tier", Label: "会员等级", LabelEn: "Tier"}
	require.Equal(t, "会员等级", both.LabelIn("zh-CN"))
	require.Equal(t, "Tier", both.LabelIn("en"))
	require.Equal(t, "会员等级", customer.AttributeDef{Key: "tier", Label: "会员等级"}.LabelIn("en"))
	require.Equal(t, "Tier", customer.AttributeDef{Key: "tier", LabelEn: "Tier"}.LabelIn("zh-CN"))
	require.Equal(t, "tier", customer.AttributeDef{Key: "tier"}.LabelIn("en"))
	long := customer.AttributeDef{Key: "tier", Type: "string", LabelEn: strings.Repeat("x", 101)}
	var fields []string
	for _, fe := range fielderr.All(long.Check()) {
		fields = append(fields, fe.Field)
	}
	require.Equal(t, []string{"label_en"}, fields)
}
