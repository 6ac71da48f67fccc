package console

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kinds of term that name the fields of records a page shows without knowing them (an audit
// record's before and after, an event's payload), and their enumerated values:
//
//	field.customer.name    the field name of a customer's record ("姓名")
//	field.status           a field of that key in any record, when its scope names it no better
//	value.channel.pos      the value pos of fields named channel, in any record ("门店 POS")
//	value.tenant.status.active   the value active of field status in a brand's record
const (
	TermField = "field"
	TermValue = "value"
)

// Fields names and writes the fields of one kind of record in the admin's language.
type Fields struct {
	View *View
	// Scope is the kind of record: an audit target type ("customer"), or "event".
	Scope string
	// Names name fields no module's terms can: a brand's custom attributes, by
	// "attributes.<key>".
	Names map[string]string
}

// Fields names the fields of records of scope, with names for what terms cannot name.
func (v *View) Fields(scope string, names map[string]string) Fields {
	return Fields{View: v, Scope: scope, Names: names}
}

// Name is the name of field key: one of Names, the name scope's records give it, else the
// name every record gives a field of that key, else the key itself (a field a partner made up).
func (f Fields) Name(key string) string {
	if s, ok := f.Names[key]; ok {
		return s
	}
	if s, ok := f.View.term(TermField, f.Scope+"."+key); ok {
		return s
	}
	if s, ok := f.View.term(TermField, key); ok {
		return s
	}
	if attr, ok := strings.CutPrefix(key, "attributes."); ok {
		return attr // an attribute deleted since
	}
	return key
}

// Value writes the value of field key (decoded JSON: a string, float64, bool, nil, []any,
// map[string]any) as people read it: roles and permissions by name, enumerated codes by their
// value terms, a list of fields ("fields") by their names, money in fen (keys ending in _fen)
// in 元, instants (keys ending in _at) in the brand's zone, yes and no in words, lists joined,
// objects as their named fields. No value is "—".
func (f Fields) Value(key string, val any) string {
	v := f.View
	switch x := val.(type) {
	case nil:
		return "—"
	case bool:
		if name, ok := v.term(TermValue, f.Scope+"."+strconv.FormatBool(x)); ok {
			return name // a consent is given or withheld
		}
		if x {
			return messages.T(v.Lang, "value.yes")
		}
		return messages.T(v.Lang, "value.no")
	case float64:
		if strings.HasSuffix(key, "_fen") && x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return "¥" + FormatYuan(int64(x))
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return f.codeName(key, x)
	case []any:
		if len(x) == 0 {
			return "—"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = f.Value(key, e)
		}
		return strings.Join(parts, messages.T(v.Lang, "list.sep"))
	case map[string]any:
		if len(x) == 0 {
			return "—"
		}
		inner := f
		if key == "consents" || key == "attributes" {
			inner.Scope = key // consents and attributes name their fields themselves
			if key == "attributes" {
				inner.Names = prefixed(f.Names, "attributes.")
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = inner.Name(k) + messages.T(v.Lang, "value.colon") + inner.Value(k, x[k])
		}
		return strings.Join(parts, messages.T(v.Lang, "value.field_sep"))
	}
	return fmt.Sprint(val)
}

// prefixed are the names of names under prefix, without it.
func prefixed(names map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for k, s := range names {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = s
		}
	}
	return out
}

// codeName is a string value s of field key by name.
func (f Fields) codeName(key, s string) string {
	v := f.View
	switch {
	case key == "role" || key == "roles":
		return v.RoleName(s)
	case key == "permission" || key == "permissions":
		return v.Term(TermPermission, s)
	case key == "fields":
		return f.Name(s)
	case key == "timezone":
		return ZoneName(v.Lang, s)
	case strings.HasSuffix(key, "_at"):
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return v.Time(t)
		}
	}
	if name, ok := v.term(TermValue, f.Scope+"."+key+"."+s); ok {
		return name
	}
	if name, ok := v.term(TermValue, key+"."+s); ok {
		return name
	}
	return s
}

// FieldRow is one field of a record as a page lists it.
type FieldRow struct {
	// Key is the field's key (for tests), Name its name, Value its value written.
	Key, Name, Value string
}

// FieldChange is one changed field of a record: its value before and after.
type FieldChange struct {
	Key, Name, Before, After string
}

// Rows are the fields of a JSON object (a record's snapshot) named and written, in the order of
// their names. A value that is not an object is one row without a name.
func (f Fields) Rows(raw json.RawMessage) []FieldRow {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		var other any
		if json.Unmarshal(raw, &other) != nil {
			return nil
		}
		return []FieldRow{{Value: f.Value("", other)}}
	}
	out := make([]FieldRow, 0, len(obj))
	for k, val := range obj {
		out = append(out, FieldRow{Key: k, Name: f.Name(k), Value: f.Value(k, val)})
	}
	slices.SortFunc(out, func(a, b FieldRow) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Changes are the fields of an audit diff ({"key": {"before": x, "after": y}}) named, with
// their values before and after written, in the order of their names.
func (f Fields) Changes(raw json.RawMessage) []FieldChange {
	var diff map[string]struct {
		Before any `json:"before"`
		After  any `json:"after"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &diff) != nil {
		return nil
	}
	out := make([]FieldChange, 0, len(diff))
	for k, d := range diff {
		out = append(out, FieldChange{Key: k, Name: f.Name(k), Before: f.Value(k, d.Before), After: f.Value(k, d.After)})
	}
	slices.SortFunc(out, func(a, b FieldChange) int { return strings.Compare(a.Name, b.Name) })
	return out
}
