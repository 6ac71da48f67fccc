package signin

import "strings"

// cookieValue reads one cookie out of a Cookie header value ("a=1; b=2").
func cookieValue(header, name string) string {
	for part := range strings.SplitSeq(header, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && k == name {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
