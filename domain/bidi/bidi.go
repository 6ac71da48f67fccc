// Package bidi is a rule every name and label a person reads follows: it holds no character
// that changes the direction text is shown in. Overrides, embeddings, isolates and marks are
// invisible, and with them "gpj.exe" shows as "exe.jpg" or one name passes for another
// ("Trojan Source", CVE-2021-42574); nothing a brand or a customer names needs them.
package bidi

import (
	"errors"
	"strings"
)

// Rule says what a name must not hold, for field errors.
const Rule = "no characters that change the direction of text (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069)"

// ErrControl is the error of a text that holds one.
var ErrControl = errors.New(Rule)

// IsControl reports whether r is a bidirectional control: the left-to-right, right-to-left and
// Arabic letter marks (U+200E, U+200F, U+061C), the embeddings and overrides (U+202A–U+202E)
// and the isolates (U+2066–U+2069).
func IsControl(r rune) bool {
	return r == 0x200e || r == 0x200f || r == 0x061c || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// Contains reports whether s holds a bidirectional control.
func Contains(s string) bool { return strings.ContainsFunc(s, IsControl) }
