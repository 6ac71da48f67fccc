// Package tag is the rules of the labels a brand puts on its customers: what a tag name may be.
package tag

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/bidi"
	"github.com/engagehq/engage/domain/fielderr"
)

// MaxLength is the most characters a tag has.
const MaxLength = 40

// Errors of a tag name.
var (
	ErrEmpty   = errors.New("a tag has at least one character besides spaces")
	ErrTooLong = errors.New("a tag has at most 40 characters")
	ErrControl = errors.New("a tag has no control characters (tabs, line breaks, characters that change the direction of text)")
	ErrInvalid = errors.New("a tag is valid UTF-8 text")
)

// Normalise returns name trimmed of surrounding spaces, its case kept ("VIP" and "vip" are two
// tags), or why it is not a tag.
func Normalise(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", ErrInvalid
	}
	n := strings.TrimSpace(name)
	switch {
	case n == "":
		return "", ErrEmpty
	case utf8.RuneCountInString(n) > MaxLength:
		return "", ErrTooLong
	case strings.ContainsFunc(n, unicode.IsControl), bidi.Contains(n):
		return "", ErrControl
	}
	return n, nil
}

// NormaliseAll normalises names, dropping repeats, or returns a *fielderr.Error for every
// name at fault, named by its index ("[2]"), joined.
func NormaliseAll(names []string) ([]string, error) {
	out := make([]string, 0, len(names))
	seen := make(map[string]bool, len(names))
	var errs []error
	for i, name := range names {
		n, err := Normalise(name)
		if err != nil {
			errs = append(errs, fielderr.New("["+strconv.Itoa(i)+"]", err))
			continue
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
