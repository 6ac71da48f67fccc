package customer

import (
	"errors"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/bidi"
	"github.com/engagehq/engage/domain/customers/fieldtype"
	"github.com/engagehq/engage/domain/fielderr"
)

// Attribute types a brand may define.
var AttributeTypes = []string{fieldtype.String, fieldtype.Number, fieldtype.Date, fieldtype.Boolean, fieldtype.Enum}

// MaxAttributeText is the longest text attribute, in characters.
const MaxAttributeText = 500

// AttributeDef is a custom attribute a brand defined: its key, type, names and, for enums,
// values.
type AttributeDef struct {
	Key  string
	Type string
	// Label is the attribute's name (in Chinese, the brand's first language); LabelEn its name
	// in English. Either may be empty.
	Label      string
	LabelEn    string
	EnumValues []string
}

// MaxAttributeLabel is the longest name of an attribute, in characters.
const MaxAttributeLabel = 100

// LabelIn is the attribute's name in lang ("en" or Chinese), the other name when that one is
// missing, and its key when it has neither.
func (d AttributeDef) LabelIn(lang string) string {
	first, second := d.Label, d.LabelEn
	if lang == "en" {
		first, second = second, first
	}
	switch {
	case first != "":
		return first
	case second != "":
		return second
	}
	return d.Key
}

func (d AttributeDef) spec() fieldtype.Spec {
	return fieldtype.Spec{Type: d.Type, EnumValues: d.EnumValues}
}

// Check reports what is wrong with a definition.
func (d AttributeDef) Check() error {
	var errs []error
	if !fieldtype.ValidKey(d.Key) {
		errs = append(errs, fielderr.Errorf("key", fieldtype.KeyRule))
	}
	for field, label := range map[string]string{"label": d.Label, "label_en": d.LabelEn} {
		if utf8.RuneCountInString(label) > MaxAttributeLabel {
			errs = append(errs, fielderr.Errorf(field, "at most %d characters", MaxAttributeLabel))
		} else if bidi.Contains(label) {
			errs = append(errs, fielderr.New(field, bidi.ErrControl))
		}
	}
	for _, p := range d.spec().Check(AttributeTypes) {
		errs = append(errs, fielderr.New(p.Part, p.Err))
	}
	return errors.Join(errs...)
}

// ErrUnknownAttribute is returned for a value of an attribute the brand never defined.
var ErrUnknownAttribute = errors.New("unknown custom attribute")

// CheckAttributes verifies values against the brand's definitions and returns them normalised
// (numbers as float64, dates as YYYY-MM-DD); a nil value removes the attribute.
func CheckAttributes(values map[string]any, defs []AttributeDef) (map[string]any, error) {
	byKey := make(map[string]AttributeDef, len(defs))
	for _, d := range defs {
		byKey[d.Key] = d
	}
	out := make(map[string]any, len(values))
	var errs []error
	for k, v := range values {
		field := "attributes." + k
		d, ok := byKey[k]
		if !ok {
			errs = append(errs, fielderr.New(field, ErrUnknownAttribute))
			continue
		}
		if v == nil {
			out[k] = nil
			continue
		}
		nv, err := d.coerce(v)
		if err != nil {
			errs = append(errs, fielderr.New(field, err))
			continue
		}
		out[k] = nv
	}
	return out, errors.Join(errs...)
}

func (d AttributeDef) coerce(v any) (any, error) { return d.spec().Coerce(v, MaxAttributeText) }
