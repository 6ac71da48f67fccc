package customersui

import "slices"

// segmentTemplate is a ready-made segment: the builder opens with its conditions, its name
// and description ("segments.template.<key>" and "..._desc") filled in.
type segmentTemplate struct {
	Key   string
	Build func() builder
}

// segmentTemplates are the ready-made segments, in the order the segments page offers them.
// Amounts are in yuan, as the builder takes them.
var segmentTemplates = []segmentTemplate{
	{Key: "high_value", Build: func() builder {
		return newBuilder(cond("spend_fen", ">=", "1,000.00"), &bnode{Group: true, Match: matchAny, Children: []*bnode{
			cond("purchase_count", ">=", "3"), withDays(cond("purchases", ">=", "2"), "90")}})
	}},
	{Key: "sleeping", Build: func() builder {
		return newBuilder(cond("purchase_count", ">=", "1"), cond("last_purchase_days_ago", ">=", "180"))
	}},
	{Key: "new", Build: func() builder { return newBuilder(cond("joined_days_ago", "<=", "30")) }},
	{Key: "at_risk", Build: func() builder { return newBuilder(cond("lifecycle_stage", "in", "at_risk")) }},
}

func withDays(n *bnode, days string) *bnode {
	n.Days = days
	return n
}

// templateNamed returns the ready-made segment named key.
func templateNamed(key string) (segmentTemplate, bool) {
	i := slices.IndexFunc(segmentTemplates, func(t segmentTemplate) bool { return t.Key == key })
	if i < 0 {
		return segmentTemplate{}, false
	}
	return segmentTemplates[i], true
}
