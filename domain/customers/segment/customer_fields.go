package segment

import (
	"slices"
	"strings"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/lifecycle"
)

// lifecycleStages are the stages a customer may be in.
var lifecycleStages = func() []string {
	out := make([]string, len(lifecycle.Stages))
	for i, st := range lifecycle.Stages {
		out[i] = string(st)
	}
	return out
}()

// Languages a profile may have.
var Languages = []string{"zh-CN", "en"}

const maxCount = 1e9

// Prefixes of the customers module's families.
const (
	AttributePrefix = "attributes."
	ConsentPrefix   = "consents."
)

// CustomerFields returns the fields of the customers module that every brand has: the
// profile's columns and lifecycle stage, tags, activity aggregates, windows of recent events,
// the campaigns joined and the channels reached through, and the consents ("consents.<name>"); and the family of custom attributes, whose members
// each brand defines (see AttributeFields).
func CustomerFields() Fields {
	out := Fields{
		Fields: []Field{
			{Name: "gender", Kind: KindEnum, Values: customer.Genders},
			{Name: "city", Kind: KindText},
			{Name: "region", Kind: KindText},
			{Name: "language", Kind: KindEnum, Values: Languages},
			{Name: "preferred_store", Kind: KindText},
			{Name: "birth_month", Kind: KindNumber, Min: 1, Max: 12, Ops: []string{OpEq, OpNe, OpIn, OpNotIn}},
			{Name: "joined_on", Kind: KindDate},
			{Name: "joined_days_ago", Kind: KindNumber, Min: 0, Max: 36500},
			{Name: "lifecycle_stage", Kind: KindEnum, Values: lifecycleStages},
			{Name: "tag", Kind: KindTag},
			{Name: "purchase_count", Kind: KindNumber, Min: 0, Max: maxCount},
			{Name: "spend_fen", Kind: KindNumber, Min: 0, Max: 1e15, Money: true},
			{Name: "visit_count", Kind: KindNumber, Min: 0, Max: maxCount},
			{Name: "last_purchase_days_ago", Kind: KindNumber, Min: 0, Max: 36500},
			{Name: "purchases", Kind: KindNumber, Window: true, WindowRequired: true, Min: 0, Max: maxCount},
			{Name: "events", Kind: KindNumber, Window: true, WindowRequired: true, Requires: ParamEventType, Min: 0, Max: maxCount},
			{Name: "category_spend_fen", Kind: KindNumber, Window: true, WindowRequired: true, Requires: ParamCategory, Min: 0, Max: 1e15, Money: true},
			{Name: "store_visits", Kind: KindNumber, Window: true, WindowRequired: true, Requires: ParamStore, Min: 0, Max: maxCount},
			{Name: "joined_campaign", Kind: KindTag, Window: true},
			{Name: "channel", Kind: KindTag, Window: true, Values: event.Channels},
		},
		Families: []Family{
			{Prefix: ConsentPrefix, Unknown: ErrUnknownField},
			{Prefix: AttributePrefix, Unknown: ErrUnknownAttribute},
		},
	}
	for _, k := range customer.Consents {
		out.Fields = append(out.Fields, Field{Name: ConsentPrefix + k, Kind: KindBoolean, Family: ConsentPrefix})
	}
	return out
}

// AttributeFields returns the fields of a brand's custom attributes, by key: the members of
// the "attributes." family.
func AttributeFields(defs []customer.AttributeDef) []Field {
	defs = slices.SortedFunc(slices.Values(defs), func(a, b customer.AttributeDef) int { return strings.Compare(a.Key, b.Key) })
	out := make([]Field, 0, len(defs))
	for _, d := range defs {
		f := Field{Name: AttributePrefix + d.Key, Family: AttributePrefix, Kind: Kind(d.Type), Values: d.EnumValues,
			Min: -1e15, Max: 1e15, Fractions: true}
		if d.Type == "string" {
			f.Kind = KindText
		}
		f.Ops = append(slices.Clone(f.Operators()), OpIsSet, OpIsNotSet)
		out = append(out, f)
	}
	return out
}
