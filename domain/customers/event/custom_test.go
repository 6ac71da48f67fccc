package event_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
)

var tasting = event.CustomType{Key: "tasting", Label: "Tea tasting", Fields: []event.CustomField{
	{Key: "tea", Type: "enum", EnumValues: []string{"oolong", "pu_erh"}, Required: true},
	{Key: "cups", Type: "integer", Required: true},
	{Key: "score", Type: "number"},
	{Key: "note", Type: "string", MaxLength: 20},
	{Key: "repeat", Type: "boolean"},
	{Key: "on", Type: "date"},
}}

func fieldNames(fes []*fielderr.Error) []string {
	out := make([]string, len(fes))
	for i, fe := range fes {
		out[i] = fe.Field
	}
	return out
}

func TestCustomPayloadsFollowTheirTypesFields(t *testing.T) {
	t.Parallel()
	require.NoError(t, tasting.Check())
	require.Equal(t, "custom:tasting", tasting.Name())

	got, errs := tasting.CheckPayload(map[string]any{"tea": "oolong", "cups": 3.0, "score": 4.5, "note": "好喝", "repeat": true, "on": "2026-03-14", "score_x": nil})
	require.Equal(t, []string{"payload.score_x"}, fieldNames(errs), "a field the type does not declare is refused even when null")
	require.Equal(t, 3.0, got["cups"])

	got, errs = tasting.CheckPayload(map[string]any{"tea": "oolong", "cups": 1.0, "note": nil})
	require.Empty(t, errs)
	require.Equal(t, map[string]any{"tea": "oolong", "cups": 1.0}, got, "null counts as absent")

	_, errs = tasting.CheckPayload(map[string]any{"tea": "green", "score": "high", "note": strings.Repeat("x", 21), "colour": "red", "cups": 1.5})
	require.Equal(t, []string{"payload.tea", "payload.cups", "payload.score", "payload.note", "payload.colour"}, fieldNames(errs))
	require.ErrorIs(t, errs[4], event.ErrUnknownField)

	_, errs = tasting.CheckPayload(nil)
	require.Equal(t, []string{"payload.tea", "payload.cups"}, fieldNames(errs))
	require.ErrorIs(t, errs[0], event.ErrRequired)
}

func TestBadCustomTypeDefinitionsNameTheirParts(t *testing.T) {
	t.Parallel()
	bad := event.CustomType{Key: "Tasting!", Label: strings.Repeat("x", 101), Fields: []event.CustomField{
		{Key: "cups", Type: "integer"},
		{Key: "cups", Type: "colour"},
		{Key: "items", Type: "string"},
		{Key: "tea", Type: "enum"},
		{Key: "note", Type: "string", MaxLength: 5000},
	}}
	require.ElementsMatch(t, []string{"key", "label", "fields[1].key", "fields[1].type", "fields[2].key", "fields[3].enum_values", "fields[4].max_length"},
		fieldNames(fielderr.All(bad.Check())))
}
