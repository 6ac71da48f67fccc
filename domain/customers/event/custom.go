package event

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/bidi"
	"github.com/engagehq/engage/domain/customers/fieldtype"
	"github.com/engagehq/engage/domain/fielderr"
)

// Limits of a brand's custom event type.
const (
	// MaxCustomFields is the most payload fields a custom type declares.
	MaxCustomFields = 50
	// MaxCustomTypes is the most custom types a brand defines.
	MaxCustomTypes = 200
	// MaxFieldText is the longest text field of a payload when its type sets no shorter bound.
	MaxFieldText = 1000
)

// Errors of custom events.
var (
	ErrUnknownType  = errors.New("no such event type: define it first")
	ErrUnknownField = errors.New("not a field of this event type")
	ErrRequired     = errors.New("required")
)

// CustomType is an event type a brand defines ("custom:<key>"), with the fields its payload
// carries.
type CustomType struct {
	// Key is the name after "custom:".
	Key         string
	Label       string
	Description string
	Fields      []CustomField
}

// CustomField is one field of a custom event's payload.
type CustomField struct {
	Key        string
	Label      string
	Type       string
	Required   bool
	EnumValues []string
	// MaxLength bounds a string field's characters; 0 leaves MaxFieldText.
	MaxLength int
}

// Name is the type events carry: "custom:<key>".
func (t CustomType) Name() string { return CustomPrefix + t.Key }

// Check reports what is wrong with a definition: a *fielderr.Error for every part at fault, named
// like "fields[2].enum_values".
func (t CustomType) Check() error {
	var errs []error
	if !fieldtype.ValidKey(t.Key) {
		errs = append(errs, fielderr.Errorf("key", fieldtype.KeyRule))
	}
	if utf8.RuneCountInString(t.Label) > 100 {
		errs = append(errs, fielderr.Errorf("label", "at most 100 characters"))
	} else if bidi.Contains(t.Label) {
		errs = append(errs, fielderr.New("label", bidi.ErrControl))
	}
	if utf8.RuneCountInString(t.Description) > 500 {
		errs = append(errs, fielderr.Errorf("description", "at most 500 characters"))
	}
	if len(t.Fields) > MaxCustomFields {
		errs = append(errs, fielderr.Errorf("fields", "at most %d fields", MaxCustomFields))
	}
	seen := make(map[string]bool, len(t.Fields))
	for i, f := range t.Fields {
		at := fmt.Sprintf("fields[%d].", i)
		switch {
		case !fieldtype.ValidKey(f.Key):
			errs = append(errs, fielderr.Errorf(at+"key", fieldtype.KeyRule))
		case f.Key == "items":
			errs = append(errs, fielderr.Errorf(at+"key", "items is reserved for a purchase's items"))
		case seen[f.Key]:
			errs = append(errs, fielderr.Errorf(at+"key", "two fields have the key %s", f.Key))
		}
		seen[f.Key] = true
		if utf8.RuneCountInString(f.Label) > 100 {
			errs = append(errs, fielderr.Errorf(at+"label", "at most 100 characters"))
		} else if bidi.Contains(f.Label) {
			errs = append(errs, fielderr.New(at+"label", bidi.ErrControl))
		}
		if f.MaxLength > MaxFieldText {
			errs = append(errs, fielderr.Errorf(at+"max_length", "at most %d", MaxFieldText))
		}
		for _, p := range f.spec().Check(fieldtype.Types) {
			errs = append(errs, fielderr.Errorf(at+p.Part, "%s", p.Err))
		}
	}
	return errors.Join(errs...)
}

func (f CustomField) spec() fieldtype.Spec {
	return fieldtype.Spec{Type: f.Type, EnumValues: f.EnumValues, MaxLength: f.MaxLength}
}

// CheckPayload verifies a payload against the type's fields and returns it in its stored
// form, or a *fielderr.Error ("payload.<field>") for every field missing, unknown or of the wrong
// type. A null counts as absent.
func (t CustomType) CheckPayload(payload map[string]any) (map[string]any, []*fielderr.Error) {
	var errs []*fielderr.Error
	out := make(map[string]any, len(payload))
	for _, f := range t.Fields {
		v, ok := payload[f.Key]
		if !ok || v == nil {
			if f.Required {
				errs = append(errs, fielderr.New("payload."+f.Key, ErrRequired))
			}
			continue
		}
		nv, err := f.spec().Coerce(v, MaxFieldText)
		if err != nil {
			errs = append(errs, fielderr.New("payload."+f.Key, err))
			continue
		}
		out[f.Key] = nv
	}
	var unknown []string
	for k := range payload {
		if !slices.ContainsFunc(t.Fields, func(f CustomField) bool { return f.Key == k }) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown) // a stable order for the sender
	for _, k := range unknown {
		errs = append(errs, fielderr.New("payload."+k, ErrUnknownField))
	}
	if len(out) == 0 {
		out = nil
	}
	return out, errs
}

// CustomKey returns the key of a custom type ("tasting" of "custom:tasting").
func CustomKey(t string) (string, bool) { return strings.CutPrefix(t, CustomPrefix) }
