package segment

import (
	"slices"
	"strings"
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
	KindTag     Kind = "tag"     // has, has_not (one of Values, when the field lists them)
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

// Param is a parameter a window condition needs besides its value.
type Param string

// Parameters of window conditions.
const (
	ParamEventType Param = "event_type"
	ParamCategory  Param = "category"
	ParamStore     Param = "store"
)

// Field is an entry of the catalogue: a name a condition may use, declared by the module whose
// data it reads (see CustomerFields), which declares the SQL that evaluates it beside it.
type Field struct {
	Name string
	Kind Kind
	// Values are an enum's (or a tag field's) allowed values; Min and Max bound a number's.
	Values   []string
	Min, Max float64
	// Fractions says a number may have a fraction; otherwise it must be whole.
	Fractions bool
	// Money says a number is an amount of money in integer fen, which builders show and take
	// in yuan.
	Money bool
	// Window says whether the field takes window_days (the last N days) and WindowRequired
	// whether it must; Requires is the further parameter a window field needs.
	Window, WindowRequired bool
	Requires               Param
	// Ops overrides the kind's operators.
	Ops []string
	// Family is the prefix of the family the field belongs to (see Family), "" for a field
	// of its own.
	Family string
}

// Operators returns the operators the field takes.
func (f Field) Operators() []string {
	if f.Ops != nil {
		return f.Ops
	}
	return kindOps[f.Kind]
}

// Family is a set of fields named Prefix+key, such as "attributes.height_cm": a condition on
// one carries the key (Condition.Key), and the SQL of the family reads it. Its members are
// fields like any other, listed with Family set to Prefix.
type Family struct {
	Prefix string
	// Unknown is the error for a name with the prefix that names no member.
	Unknown error
}

// Fields is what the modules declare for segments: their fields, in the order builders list
// them, and their families.
type Fields struct {
	Fields   []Field
	Families []Family
}

// Add returns f followed by more. It panics when a name or a family's prefix is declared
// twice, a mistake in wiring the modules.
func (f Fields) Add(more Fields) Fields {
	out := Fields{Fields: slices.Concat(f.Fields, more.Fields), Families: slices.Concat(f.Families, more.Families)}
	seen := map[string]bool{}
	for _, x := range out.Fields {
		if seen[x.Name] {
			panic("segment: field " + x.Name + " declared twice")
		}
		seen[x.Name] = true
	}
	for _, x := range out.Families {
		if seen[x.Prefix] {
			panic("segment: family " + x.Prefix + " declared twice")
		}
		seen[x.Prefix] = true
	}
	return out
}

// Catalogue is the fields a brand's segments may use: those the modules declare and the
// brand's own (its custom attributes).
type Catalogue struct {
	fields   []Field
	families []Family
}

// NewCatalogue returns the catalogue of the declared fields followed by a brand's own (see
// AttributeFields).
func NewCatalogue(declared Fields, own ...Field) Catalogue {
	return Catalogue{fields: slices.Concat(declared.Fields, own), families: declared.Families}
}

// lookup returns the field named name and the key it carries (members of a family).
func (c Catalogue) lookup(name string) (Field, string, error) {
	for _, f := range c.fields {
		switch {
		case f.Name != name:
		case f.Family != "":
			return f, strings.TrimPrefix(name, f.Family), nil
		default:
			return f, "", nil
		}
	}
	for _, fam := range c.families {
		if strings.HasPrefix(name, fam.Prefix) {
			return Field{}, "", fam.Unknown
		}
	}
	return Field{}, "", ErrUnknownField
}

// Fields lists every field of the catalogue, in order, for builders and docs.
func (c Catalogue) Fields() []Field { return slices.Clone(c.fields) }

// Field returns the field named name, if the catalogue has it.
func (c Catalogue) Field(name string) (Field, bool) {
	f, _, err := c.lookup(name)
	return f, err == nil
}
