package tenants

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
)

func TestDraftDefaultsToChinaAndValidatesEachField(t *testing.T) {
	t.Parallel()
	d := Draft{Slug: "lotus-tea", Name: "莲花茶饮"}
	require.NoError(t, d.normalise())
	require.Equal(t, "Asia/Shanghai", d.Timezone)
	require.Equal(t, "zh-CN", d.Locale)

	bad := Draft{Slug: "X", Name: " ", Timezone: "Moon/Base", Locale: "fr"}
	err := bad.normalise()
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *fielderr.Error
		require.True(t, errors.As(e, &fe))
		fields = append(fields, fe.Field)
	}
	require.Equal(t, []string{"slug", "name", "timezone", "locale"}, fields)
}

func TestSlugRules(t *testing.T) {
	t.Parallel()
	for slug, ok := range map[string]bool{
		"abc": true, "north-peak": true, "a1-b2": true, "ab": false, "-abc": false, "abc-": false,
		"Abc": false, "a_b_c": false, "1abc": false, strings.Repeat("a", 40): true, strings.Repeat("a", 41): false,
	} {
		require.Equalf(t, ok, validateSlug(slug) == nil, "slug %q", slug)
	}
}

func TestChangesApplyOnlyWhatIsGiven(t *testing.T) {
	t.Parallel()
	tn := Tenant{Name: "Old", Timezone: "Asia/Shanghai", Locale: "zh-CN"}
	name := "New"
	require.NoError(t, Changes{Name: &name}.apply(&tn))
	require.Equal(t, Tenant{Name: "New", Timezone: "Asia/Shanghai", Locale: "zh-CN"}, tn)
	tz := "Local"
	require.Error(t, Changes{Timezone: &tz}.apply(&tn), "the server's own zone is not a tenant's zone")
}
