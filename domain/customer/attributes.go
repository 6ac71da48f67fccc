package customer

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Attribute types a brand may define.
var AttributeTypes = []string{"string", "number", "date", "boolean", "enum"}

// AttributeDef is a custom attribute a brand defined: its key, type and, for enums, values.
type AttributeDef struct {
	Key        string
	Type       string
	Label      string
	EnumValues []string
}

var attrKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Check reports what is wrong with a definition.
func (d AttributeDef) Check() error {
	var errs []error
	if !attrKey.MatchString(d.Key) {
		errs = append(errs, invalid("key", "1-40 lower-case letters, digits and underscores, starting with a letter"))
	}
	if !slices.Contains(AttributeTypes, d.Type) {
		errs = append(errs, invalid("type", "one of %s", strings.Join(AttributeTypes, ", ")))
	}
	if d.Type == "enum" && (len(d.EnumValues) == 0 || len(d.EnumValues) > 100) {
		errs = append(errs, invalid("enum_values", "an enum has 1-100 values"))
	}
	if d.Type != "enum" && len(d.EnumValues) > 0 {
		errs = append(errs, invalid("enum_values", "only enums have values"))
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
			errs = append(errs, &FieldError{Field: field, Err: ErrUnknownAttribute})
			continue
		}
		if v == nil {
			out[k] = nil
			continue
		}
		nv, err := d.coerce(v)
		if err != nil {
			errs = append(errs, &FieldError{Field: field, Err: err})
			continue
		}
		out[k] = nv
	}
	return out, errors.Join(errs...)
}

func (d AttributeDef) coerce(v any) (any, error) {
	switch d.Type {
	case "string":
		if s, ok := v.(string); ok && len([]rune(s)) <= 500 {
			return s, nil
		}
		return nil, errors.New("expected text of at most 500 characters")
	case "number":
		if f, ok := v.(float64); ok {
			return f, nil
		}
		return nil, errors.New("expected a number")
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, errors.New("expected true or false")
	case "date":
		if s, ok := v.(string); ok {
			if _, err := time.Parse("2006-01-02", s); err == nil {
				return s, nil
			}
		}
		return nil, errors.New("expected a date, YYYY-MM-DD")
	case "enum":
		if s, ok := v.(string); ok && slices.Contains(d.EnumValues, s) {
			return s, nil
		}
		return nil, fmt.Errorf("expected one of %s", strings.Join(d.EnumValues, ", "))
	}
	return nil, fmt.Errorf("attribute type %q", d.Type)
}
