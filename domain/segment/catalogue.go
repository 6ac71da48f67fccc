package segment

import (
	"slices"
	"strings"

	"github.com/engagehq/engage/domain/customer"
	"github.com/engagehq/engage/domain/lifecycle"
)

// Kind is the type of a field's values, which decides the operators it takes.
type Kind string

// Kinds of field.
const (
	KindText    Kind = "text"    // free text: =, !=, in, not_in
	KindEnum    Kind = "enum"    // one of a fixed list: =, !=, in, not_in
	KindNumber  Kind = "number"  // =, !=, <, <=, >, >=
	KindDate    Kind = "date"    // YYYY-MM-DD: =, !=, <, <=, >, >=
	KindBoolean Kind = "boolean" // =
	KindTag     Kind = "tag"     // has, has_not
)

// Operators of a condition.
const (
	OpEq       = "="
	OpNe       = "!="
	OpLt       = "<"
	OpLe       = "<="
	OpGt       = ">"
	OpGe       = ">="
	OpIn       = "in"
	OpNotIn    = "not_in"
	OpHas      = "has"
	OpHasNot   = "has_not"
	OpIsSet    = "is_set"
	OpIsNotSet = "is_not_set"
)

var kindOps = map[Kind][]string{
	KindText:    {OpEq, OpNe, OpIn, OpNotIn},
	KindEnum:    {OpEq, OpNe, OpIn, OpNotIn},
	KindNumber:  {OpEq, OpNe, OpLt, OpLe, OpGt, OpGe},
	KindDate:    {OpEq, OpNe, OpLt, OpLe, OpGt, OpGe},
	KindBoolean: {OpEq},
	KindTag:     {OpHas, OpHasNot},
}

// Source says where a field's value comes from, which is how the compiler reads it.
type Source string

// Sources of fields.
const (
	// SourceProfile is a column of the profile (Field.Column names it).
	SourceProfile Source = "profile"
	// SourceConsent is a consent flag of the profile (Condition.Key names it).
	SourceConsent Source = "consent"
	// SourceAttribute is a custom attribute (Condition.Key names it).
	SourceAttribute Source = "attribute"
	// SourceTag is the customer's tags.
	SourceTag Source = "tag"
	// SourceActivity is an aggregate of all the customer's activity (Field.Column names it).
	SourceActivity Source = "activity"
	// SourceWindow is an aggregate of the customer's events in the last window_days.
	SourceWindow Source = "window"
)

// Param is a parameter a window condition needs besides its value.
type Param string

// Parameters of window conditions.
const (
	ParamEventType Param = "event_type"
	ParamCategory  Param = "category"
	ParamStore     Param = "store"
)

// Field is an entry of the catalogue: a name a condition may use.
type Field struct {
	Name   string
	Kind   Kind
	Source Source
	// Column is the profile column or activity aggregate the field reads, or for window
	// fields what is aggregated ("count", "category_spend", "store_count", "campaign").
	Column string
	// Values are an enum's allowed values; Min and Max bound a number's.
	Values   []string
	Min, Max float64
	// Window says whether the field takes window_days (the last N days) and WindowRequired
	// whether it must; Requires is the further parameter a window field needs.
	Window, WindowRequired bool
	Requires               Param
	// Ops overrides the kind's operators.
	Ops []string
}

// Operators returns the operators the field takes.
func (f Field) Operators() []string {
	if f.Ops != nil {
		return f.Ops
	}
	return kindOps[f.Kind]
}

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

// builtin is the catalogue of fields every brand has; custom attributes are added per brand
// under "attributes.<key>" and consents under "consents.<name>".
var builtin = []Field{
	{Name: "gender", Kind: KindEnum, Source: SourceProfile, Column: "gender", Values: customer.Genders},
	{Name: "city", Kind: KindText, Source: SourceProfile, Column: "city"},
	{Name: "region", Kind: KindText, Source: SourceProfile, Column: "region"},
	{Name: "language", Kind: KindEnum, Source: SourceProfile, Column: "language", Values: Languages},
	{Name: "preferred_store", Kind: KindText, Source: SourceProfile, Column: "preferred_store"},
	{Name: "birth_month", Kind: KindNumber, Source: SourceProfile, Column: "birth_month", Min: 1, Max: 12,
		Ops: []string{OpEq, OpNe, OpIn, OpNotIn}},
	{Name: "joined_on", Kind: KindDate, Source: SourceProfile, Column: "joined_on"},
	{Name: "joined_days_ago", Kind: KindNumber, Source: SourceProfile, Column: "joined_days_ago", Min: 0, Max: 36500},
	{Name: "lifecycle_stage", Kind: KindEnum, Source: SourceProfile, Column: "lifecycle_stage", Values: lifecycleStages},
	{Name: "tag", Kind: KindTag, Source: SourceTag},
	{Name: "purchase_count", Kind: KindNumber, Source: SourceActivity, Column: "purchase_count", Min: 0, Max: maxCount},
	{Name: "spend_fen", Kind: KindNumber, Source: SourceActivity, Column: "spend_fen", Min: 0, Max: 1e15},
	{Name: "visit_count", Kind: KindNumber, Source: SourceActivity, Column: "visit_count", Min: 0, Max: maxCount},
	{Name: "last_purchase_days_ago", Kind: KindNumber, Source: SourceActivity, Column: "last_purchase_days_ago", Min: 0, Max: 36500},
	{Name: "purchases", Kind: KindNumber, Source: SourceWindow, Column: "purchases", Window: true, WindowRequired: true, Min: 0, Max: maxCount},
	{Name: "events", Kind: KindNumber, Source: SourceWindow, Column: "events", Window: true, WindowRequired: true, Requires: ParamEventType, Min: 0, Max: maxCount},
	{Name: "category_spend_fen", Kind: KindNumber, Source: SourceWindow, Column: "category_spend_fen", Window: true, WindowRequired: true,
		Requires: ParamCategory, Min: 0, Max: 1e15},
	{Name: "store_visits", Kind: KindNumber, Source: SourceWindow, Column: "store_visits", Window: true, WindowRequired: true, Requires: ParamStore, Min: 0, Max: maxCount},
	{Name: "joined_campaign", Kind: KindTag, Source: SourceWindow, Column: "campaign", Window: true},
}

// Catalogue is the fields a brand's segments may use: the built-in ones, consents, and the
// brand's custom attributes.
type Catalogue struct {
	attrs map[string]customer.AttributeDef
}

// NewCatalogue returns the catalogue of a brand with the custom attribute definitions defs.
func NewCatalogue(defs []customer.AttributeDef) Catalogue {
	c := Catalogue{attrs: make(map[string]customer.AttributeDef, len(defs))}
	for _, d := range defs {
		c.attrs[d.Key] = d
	}
	return c
}

// Prefixes of the fields named after a key.
const (
	AttributePrefix = "attributes."
	ConsentPrefix   = "consents."
)

// lookup returns the field named name and the key it carries (attributes and consents).
func (c Catalogue) lookup(name string) (Field, string, error) {
	if key, ok := strings.CutPrefix(name, AttributePrefix); ok {
		d, ok := c.attrs[key]
		if !ok {
			return Field{}, "", ErrUnknownAttribute
		}
		f := Field{Name: name, Source: SourceAttribute, Kind: Kind(d.Type), Values: d.EnumValues, Min: -1e15, Max: 1e15}
		if d.Type == "string" {
			f.Kind = KindText
		}
		f.Ops = append(slices.Clone(f.Operators()), OpIsSet, OpIsNotSet)
		return f, key, nil
	}
	if key, ok := strings.CutPrefix(name, ConsentPrefix); ok {
		if !slices.Contains(customer.Consents, key) {
			return Field{}, "", ErrUnknownField
		}
		return Field{Name: name, Kind: KindBoolean, Source: SourceConsent}, key, nil
	}
	for _, f := range builtin {
		if f.Name == name {
			return f, "", nil
		}
	}
	return Field{}, "", ErrUnknownField
}

// Fields lists every field of the catalogue, built-in ones first, for builders and docs.
func (c Catalogue) Fields() []Field {
	out := slices.Clone(builtin)
	for _, k := range customer.Consents {
		f, _, _ := c.lookup(ConsentPrefix + k)
		out = append(out, f)
	}
	keys := make([]string, 0, len(c.attrs))
	for k := range c.attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f, _, _ := c.lookup(AttributePrefix + k)
		out = append(out, f)
	}
	return out
}

// Field returns the field named name, if the catalogue has it.
func (c Catalogue) Field(name string) (Field, bool) {
	f, _, err := c.lookup(name)
	return f, err == nil
}
