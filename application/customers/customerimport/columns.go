package customerimport

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/tag"
)

// Column prefixes of consents, custom attributes and the tags column.
const (
	consentPrefix   = "consent."
	attributePrefix = "attr."
	tagsColumn      = "tags"
)

// profileColumns are the profile fields a file may carry, by column name.
var profileColumns = []string{"external_id", "name", "gender", "birth_date", "phone", "email", "avatar_url", "city", "region",
	"language", "preferred_store", "address.province", "address.city", "address.district", "address.line", "address.postcode"}

// Columns lists every column name a file may use, for documentation: the profile fields, then
// the patterns of consents and custom attributes, then tags.
func Columns() []string {
	return append(slices.Clone(profileColumns), consentPrefix+"<consent>", attributePrefix+"<key>", tagsColumn)
}

// header checks a file's header row against the brand's attribute definitions and returns the
// column names, normalised.
func header(cells []string, defs []customer.AttributeDef) ([]string, error) {
	out := make([]string, len(cells))
	seen := map[string]bool{}
	for i, c := range cells {
		name := strings.ToLower(strings.TrimSpace(c))
		known := slices.Contains(profileColumns, name) || name == tagsColumn
		if k, ok := strings.CutPrefix(name, consentPrefix); ok {
			known = slices.Contains(customer.Consents, k)
		}
		if k, ok := strings.CutPrefix(name, attributePrefix); ok {
			known = slices.ContainsFunc(defs, func(d customer.AttributeDef) bool { return d.Key == k })
		}
		switch {
		case name == "":
			return nil, &FileError{Code: CodeBadHeader, Line: 1, Message: fmt.Sprintf("column %d has no name", i+1)}
		case !known:
			return nil, &FileError{Code: CodeBadHeader, Line: 1, Message: fmt.Sprintf("unknown column %q (known: %s, a defined attribute, %s)",
				truncate(name), strings.Join(profileColumns, ", "), consentPrefix+strings.Join(customer.Consents, ", "+consentPrefix))}
		case seen[name]:
			return nil, &FileError{Code: CodeBadHeader, Line: 1, Message: fmt.Sprintf("column %q appears twice", name)}
		}
		seen[name] = true
		out[i] = name
	}
	if !slices.ContainsFunc(out, func(n string) bool { return n != tagsColumn }) {
		return nil, &FileError{Code: CodeBadHeader, Line: 1, Message: "no profile column"}
	}
	return out, nil
}

// truncate shortens a header cell quoted back in an error.
func truncate(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// genders maps the Chinese words for a gender onto the profile's values.
var genders = map[string]string{"男": "male", "女": "female", "未知": "unknown", "其他": "other"}

// parseGender accepts the profile's values in any case and their Chinese words.
func parseGender(s string) string {
	if g, ok := genders[s]; ok {
		return g
	}
	return strings.ToLower(s)
}

// parseDate accepts YYYY-MM-DD and the YYYY/MM/DD Excel writes in China.
func parseDate(s string) (time.Time, error) {
	return time.Parse("2006-01-02", strings.ReplaceAll(s, "/", "-"))
}

// parseBool accepts the usual spellings of yes and no, in English and Chinese.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "y", "是":
		return true, true
	case "false", "0", "no", "n", "否":
		return false, true
	}
	return false, false
}

// attributeValue turns a cell into the value an attribute of def's type expects.
func attributeValue(def customer.AttributeDef, s string) (any, bool) {
	switch def.Type {
	case "number":
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	case "boolean":
		return parseBool(s)
	}
	return s, true
}

// MaxTags bounds the tags of one row.
const MaxTags = 50

// parseTags splits a tags cell at "|" or ";" and checks each tag by the rules of tags.
func parseTags(s string) ([]string, bool) {
	var out []string
	for t := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == '|' || r == ';' }) {
		if strings.TrimSpace(t) == "" {
			continue
		}
		t, err := tag.Normalise(t)
		if err != nil {
			return nil, false
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, len(out) <= MaxTags
}
