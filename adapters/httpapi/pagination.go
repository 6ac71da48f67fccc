package httpapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"unicode/utf8"

	"github.com/engagehq/engage/ports"
)

// PageQuery is the cursor pagination every list operation takes.
type PageQuery struct {
	Cursor string `query:"cursor" maxLength:"200" doc:"Opaque cursor: the next_cursor of the previous page. Omit for the first page."`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Items per page"`
}

// Page decodes the cursor; it asks for one extra item to learn whether another page follows.
func (q PageQuery) Page(ctx context.Context) (ports.Page, error) {
	after, err := base64.RawURLEncoding.DecodeString(q.Cursor)
	// Every cursor this API issues encodes text; anything else would reach the database.
	if err != nil || !utf8.Valid(after) || bytes.IndexByte(after, 0) >= 0 {
		return ports.Page{}, NewProblem(ctx, http.StatusBadRequest, "invalid_cursor", "the cursor is not one this API issued",
			Field("query.cursor", "malformed cursor", q.Cursor))
	}
	limit := q.Limit
	if limit == 0 {
		limit = 50
	}
	return ports.Page{After: string(after), Limit: limit + 1}, nil
}

// Paginate trims the extra item of a page asked for with PageQuery.Page and returns the cursor
// of the next page ("" on the last); position names an item's place in the order.
func Paginate[T any](items []T, p ports.Page, position func(T) string) ([]T, string) {
	if len(items) < p.Limit {
		return items, ""
	}
	items = items[:p.Limit-1]
	return items, base64.RawURLEncoding.EncodeToString([]byte(position(items[len(items)-1])))
}
