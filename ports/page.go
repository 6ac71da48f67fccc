package ports

import "errors"

// ErrBadCursor is returned for a pagination position that does not parse.
var ErrBadCursor = errors.New("malformed pagination cursor")

// Page asks for up to Limit items after the opaque position After ("" for the first page).
type Page struct {
	After string
	Limit int
}
