// Package fieldtype is the small type system brands use to describe their own data: the
// values of custom customer attributes and the fields of custom event types. It checks a
// definition's key and type, and a JSON-decoded value against a type.
package fieldtype

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/bidi"
)

// Types of a brand-defined value.
const (
	String  = "string"
	Number  = "number"
	Integer = "integer"
	Boolean = "boolean"
	Date    = "date"
	Enum    = "enum"
)

// Types lists every type, in the order editors offer them.
var Types = []string{String, Number, Integer, Boolean, Date, Enum}

// Limits of a definition.
const (
	// MaxEnumValues is the most values an enum has.
	MaxEnumValues = 100
	// MaxEnumValueLength is the longest enum value, in characters.
	MaxEnumValueLength = 100
)

// KeyRule explains the form of a key, for error messages.
const KeyRule = "1-40 lower-case letters, digits and underscores, starting with a letter"

var key = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// ValidKey reports whether k is a well-formed key of an attribute, an event type or a field.
func ValidKey(k string) bool { return key.MatchString(k) }

// Spec is a value's type: its kind, an enum's values and, for text, its longest length.
type Spec struct {
	Type       string
	EnumValues []string
	// MaxLength bounds a string's characters; 0 means no bound of its own.
	MaxLength int
}

// Problem is what is wrong with one part of a definition; Part is "type", "enum_values" or
// "max_length".
type Problem struct {
	Part string
	Err  error
}

// Check reports what is wrong with the spec as a definition, among the allowed types.
func (s Spec) Check(allowed []string) []Problem {
	var out []Problem
	bad := func(part, format string, args ...any) {
		out = append(out, Problem{Part: part, Err: fmt.Errorf(format, args...)})
	}
	if !slices.Contains(allowed, s.Type) {
		bad("type", "one of %s", strings.Join(allowed, ", "))
	}
	if s.Type == Enum && (len(s.EnumValues) == 0 || len(s.EnumValues) > MaxEnumValues) {
		bad("enum_values", "an enum has 1-%d values", MaxEnumValues)
	}
	if s.Type != Enum && len(s.EnumValues) > 0 {
		bad("enum_values", "only enums have values")
	}
	for i, v := range s.EnumValues {
		if v == "" || utf8.RuneCountInString(v) > MaxEnumValueLength || slices.Index(s.EnumValues, v) != i || bidi.Contains(v) {
			bad("enum_values", "distinct values of 1-%d characters, %s", MaxEnumValueLength, bidi.Rule)
			break
		}
	}
	if s.MaxLength < 0 || (s.MaxLength > 0 && s.Type != String) {
		bad("max_length", "a positive length, for strings only")
	}
	return out
}

func refuse(format string, args ...any) error { return fmt.Errorf(format, args...) }

// Coerce checks a JSON-decoded value (string, float64, bool) against the spec, with limit as
// the longest text when the spec sets none, and returns it in its stored form (numbers as
// float64, dates as YYYY-MM-DD).
func (s Spec) Coerce(v any, limit int) (any, error) {
	if s.MaxLength > 0 {
		limit = s.MaxLength
	}
	switch s.Type {
	case String:
		if t, ok := v.(string); ok && utf8.RuneCountInString(t) <= limit {
			return t, nil
		}
		return nil, refuse("expected text of at most %d characters", limit)
	case Number:
		if f, ok := v.(float64); ok {
			return f, nil
		}
		return nil, refuse("expected a number")
	case Integer:
		if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
			return f, nil
		}
		return nil, refuse("expected a whole number")
	case Boolean:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, refuse("expected true or false")
	case Date:
		if t, ok := v.(string); ok {
			if _, err := time.Parse(time.DateOnly, t); err == nil {
				return t, nil
			}
		}
		return nil, refuse("expected a date, YYYY-MM-DD")
	case Enum:
		if t, ok := v.(string); ok && slices.Contains(s.EnumValues, t) {
			return t, nil
		}
		return nil, refuse("expected one of %s", strings.Join(s.EnumValues, ", "))
	}
	return nil, fmt.Errorf("unknown type %q", s.Type)
}
