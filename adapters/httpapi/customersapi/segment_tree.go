package customersapi

import (
	"fmt"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/domain/customers/segment"
)

// SegmentTree is a segment tree as clients send and read it: a group ({"and": [...]},
// {"or": [...]}, {"not": {...}}) or a condition ({"field", "op", "value"} with window_days,
// event_type, category or store where the field needs them). The document types every node
// and operator; the segment package checks the rest (which fields exist, which operators and
// values each takes, how deep), naming the node at fault.
type SegmentTree map[string]any

// segmentTreeName is the tree's schema in the document.
const segmentTreeName = "SegmentTree"

// Schema implements huma.SchemaProvider: one schema, referring to itself for the groups. A
// node has exactly one of and, or, not and field; the keys of a node of one kind are not sent
// with another's.
func (SegmentTree) Schema(r huma.Registry) *huma.Schema {
	ref := &huma.Schema{Ref: "#/components/schemas/" + segmentTreeName}
	if _, ok := r.Map()[segmentTreeName]; ok {
		return ref
	}
	ops := []any{segment.OpEq, segment.OpNe, segment.OpLt, segment.OpLe, segment.OpGt, segment.OpGe, segment.OpIn, segment.OpNotIn,
		segment.OpHas, segment.OpHasNot, segment.OpIsSet, segment.OpIsNotSet}
	scalar := []*huma.Schema{{Type: "string"}, {Type: "number"}, {Type: "boolean"}}
	s := &huma.Schema{
		Type: "object", Title: "Segment tree node",
		Description: fmt.Sprintf("A group or a condition: exactly one of and, or, not (groups, at most %d deep) or field "+
			"(a condition; at most %d in a tree).", segment.MaxDepth, segment.MaxConditions),
		Properties: map[string]*huma.Schema{
			"and": {Type: "array", Items: ref, Description: "Every node matches (an empty list matches everyone)"},
			"or":  {Type: "array", Items: ref, Description: "At least one node matches"},
			"not": {Ref: ref.Ref, Description: "The node does not match"},
			"field": {Type: "string", Examples: []any{"city"}, Description: "The field the condition reads: " + treeFields +
				"; consents.<name> and attributes.<key> for consents and the brand's custom attributes"},
			"op": {Type: "string", Enum: ops, Description: "Text and enum fields take =, !=, in, not_in; numbers and dates " +
				"=, !=, <, <=, >, >=; booleans =; tag has, has_not; every field is_set, is_not_set"},
			"value": {Description: "What the field is compared with: a string (text, enum, YYYY-MM-DD date, tag), a number, " +
				"a boolean, or a list of strings or numbers for in and not_in; none for is_set and is_not_set",
				AnyOf: append(scalar, &huma.Schema{Type: "array", Items: &huma.Schema{AnyOf: scalar[:2]}})},
			"window_days": {Type: "integer", Minimum: ptrFloat(1),
				Description: "Window fields only (purchases, events, category_spend_fen, store_visits): the last so many days"},
			"event_type": {Type: "string", Description: "events only: which type of event to count"},
			"category":   {Type: "string", Description: "category_spend_fen only: which product category"},
			"store":      {Type: "string", Description: "store_visits only: which store"},
		},
	}
	for _, p := range s.Properties {
		p.PrecomputeMessages()
		for _, alt := range p.AnyOf {
			alt.PrecomputeMessages()
			if alt.Items != nil {
				alt.Items.PrecomputeMessages()
			}
		}
	}
	s.PrecomputeMessages()
	r.Map()[segmentTreeName] = s
	return ref
}

func ptrFloat(f float64) *float64 { return &f }
