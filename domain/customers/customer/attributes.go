package customer

import (
	"errors"

	"github.com/engagehq/engage/domain/bidi"
	"github.com/engagehq/engage/domain/customers/fieldtype"
	"github.com/engagehq/engage/domain/fielderr"
)

// Attribute types a brand may define.
var AttributeTypes = []string{fieldtype.String, fieldtype.Number, fieldtype.Date, fieldtype.Boolean, fieldtype.Enum}

// MaxAttributeText is the longest text attribute, in characters.
const MaxAttributeText = 500

// AttributeDef is a custom attribute a brand defined: its key, type and, for enums, values.
type AttributeDef struct {
	Key        string
	Type       string
	Label      string
	EnumValues []string
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
	if bidi.Contains(d.Label) {
		errs = append(errs, fielderr.New("label", bidi.ErrControl))
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
