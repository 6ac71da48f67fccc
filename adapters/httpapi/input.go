package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

// metaChecksText marks an operation that checks its body's text for NUL characters itself
// (the events of a batch are refused one by one).
const metaChecksText = "checks_text"

// ChecksText marks op as checking the text of its body itself: the kit does not refuse a
// request whose body holds NUL characters, so that the operation can refuse only the parts
// at fault (one event of a batch). It still refuses bodies that are not UTF-8.
func ChecksText(op huma.Operation) huma.Operation {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaChecksText] = true
	return op
}

// Messages of the input the kit refuses before the operation's own validation.
const (
	msgNotUTF8        = "not UTF-8 text"
	msgNUL            = "must not contain NUL characters"
	msgNotNull        = "must not be null; leave the field out instead"
	msgRequestNotUTF8 = "the request is not UTF-8 text"
)

// screenInput refuses, before huma validates a request, what its validator or the database
// cannot take: parameters and JSON bodies that are not UTF-8 (400 malformed_request); text with
// NUL characters, which PostgreSQL cannot store; null where the document allows none; and
// objects or arrays in a list of unique values, which huma's validator cannot compare (422
// validation_failed). A 422 names every input at fault, the document's own rules included.
// Operations without parameters or a JSON body pass untouched.
func (s *Server) screenInput(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	var notUTF8, invalid []error
	for _, p := range op.Parameters {
		for _, v := range paramValues(ctx, p) {
			switch {
			case !utf8.ValidString(v):
				notUTF8 = append(notUTF8, &huma.ErrorDetail{Location: p.In + "." + p.Name, Message: msgNotUTF8})
			case strings.ContainsRune(v, 0):
				invalid = append(invalid, &huma.ErrorDetail{Location: p.In + "." + p.Name, Message: msgNUL})
			}
		}
	}
	body, schema := []byte(nil), jsonBodySchema(op, ctx.Header("Content-Type"))
	if schema != nil {
		var p *Problem
		if body, p = readBody(ctx, op); p != nil {
			writeHumaProblem(ctx, p)
			return
		}
		ctx = &bodyContext{humaContext: ctx, body: body}
		if !utf8.Valid(body) {
			notUTF8 = append(notUTF8, &huma.ErrorDetail{Location: "body", Message: msgNotUTF8})
		}
	}
	if len(notUTF8) > 0 {
		writeHumaProblem(ctx, humaProblem(ctx, http.StatusBadRequest, msgRequestNotUTF8, notUTF8...).(*Problem))
		return
	}
	if schema != nil && s.screens(op, body) {
		var v any
		if json.Unmarshal(body, &v) == nil {
			sc := &screen{reg: s.api.OpenAPI().Components.Schemas, nul: op.Metadata[metaChecksText] != true}
			sc.walk(schema, v, "body", true)
			invalid = append(invalid, sc.errs...)
			if len(invalid) > 0 && !sc.unhashable {
				// Report the document's own rules with these, in one answer.
				res := &huma.ValidateResult{}
				pb := huma.NewPathBuffer([]byte{}, 0)
				pb.Push("body")
				huma.Validate(sc.reg, schema, pb, huma.ModeWriteToServer, v, res)
				invalid = append(res.Errors, invalid...)
			}
		}
	}
	if len(invalid) > 0 {
		writeHumaProblem(ctx, humaProblem(ctx, http.StatusUnprocessableEntity, invalidDetail, dedupe(invalid)...).(*Problem))
		return
	}
	next(ctx)
}

// paramValues are the values the request gives parameter p.
func paramValues(ctx huma.Context, p *huma.Param) []string {
	switch p.In {
	case "path":
		return []string{ctx.Param(p.Name)}
	case "header":
		return []string{ctx.Header(p.Name)}
	case "query":
		q, _ := url.ParseQuery(ctx.URL().RawQuery)
		return q[p.Name]
	}
	return nil
}

// jsonBodySchema is the schema of op's JSON body when the request sends one, else nil.
func jsonBodySchema(op *huma.Operation, contentType string) *huma.Schema {
	if op.RequestBody == nil || op.RequestBody.Content["application/json"] == nil {
		return nil
	}
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil
		}
	}
	return op.RequestBody.Content["application/json"].Schema
}

// readBody reads the request's body, refusing one larger than op takes.
func readBody(ctx huma.Context, op *huma.Operation) ([]byte, *Problem) {
	limit := op.MaxBodyBytes
	if limit <= 0 {
		limit = 1 << 20 // huma's default
	}
	body, err := io.ReadAll(io.LimitReader(ctx.BodyReader(), limit+1))
	if err != nil {
		return nil, NewProblem(ctx.Context(), http.StatusBadRequest, "malformed_request", "could not read the request body")
	}
	if int64(len(body)) > limit {
		return nil, NewProblem(ctx.Context(), http.StatusRequestEntityTooLarge, "body_too_large",
			"the request body exceeds "+strconv.FormatInt(limit, 10)+" bytes")
	}
	return body, nil
}

// bodyContext serves a body already read.
type bodyContext struct {
	humaContext
	body []byte
}

func (c *bodyContext) BodyReader() io.Reader { return bytes.NewReader(c.body) }

// screens reports whether body may hold what screenInput refuses: a NUL character, a null, or
// a list of unique values in an operation that takes one. Other bodies are not decoded twice.
func (s *Server) screens(op *huma.Operation, body []byte) bool {
	return bytes.Contains(body, []byte(`\u0000`)) || bytes.Contains(body, []byte("null")) || s.hasUniqueLists(op)
}

// hasUniqueLists reports whether op's body has a list of unique values anywhere.
func (s *Server) hasUniqueLists(op *huma.Operation) bool {
	if v, ok := s.uniqueLists.Load(op); ok {
		return v.(bool)
	}
	reg := s.api.OpenAPI().Components.Schemas
	seen := map[*huma.Schema]bool{}
	var has func(sc *huma.Schema) bool
	has = func(sc *huma.Schema) bool {
		for sc != nil && sc.Ref != "" {
			sc = reg.SchemaFromRef(sc.Ref)
		}
		if sc == nil || seen[sc] {
			return false
		}
		seen[sc] = true
		if sc.UniqueItems || has(sc.Items) {
			return true
		}
		if ap, ok := sc.AdditionalProperties.(*huma.Schema); ok && has(ap) {
			return true
		}
		for _, p := range sc.Properties {
			if has(p) {
				return true
			}
		}
		for _, group := range [][]*huma.Schema{sc.OneOf, sc.AnyOf, sc.AllOf} {
			for _, alt := range group {
				if has(alt) {
					return true
				}
			}
		}
		return false
	}
	v := has(op.RequestBody.Content["application/json"].Schema)
	s.uniqueLists.Store(op, v)
	return v
}

// screen walks a decoded body beside its schema, collecting what screenInput refuses.
type screen struct {
	reg huma.Registry
	// nul refuses NUL characters; false for operations that check their text themselves.
	nul  bool
	errs []error
	// unhashable is set when a list of unique values holds objects or arrays.
	unhashable bool
}

func (sc *screen) add(at, msg string) {
	sc.errs = append(sc.errs, &huma.ErrorDetail{Location: at, Message: msg})
}

// walk checks v at location at against s (nil: a value the document does not type); top is
// the body itself, whose null huma refuses on its own.
func (sc *screen) walk(s *huma.Schema, v any, at string, top bool) {
	for s != nil && s.Ref != "" {
		s = sc.reg.SchemaFromRef(s.Ref)
	}
	if s != nil && (len(s.OneOf) > 0 || len(s.AnyOf) > 0) {
		s = nil // an alternative: huma's validator names what does not match
	}
	switch v := v.(type) {
	case nil:
		if !top && s != nil && s.Type != "" && !s.Nullable {
			sc.add(at, msgNotNull)
		}
	case string:
		if sc.nul && strings.ContainsRune(v, 0) {
			sc.add(at, msgNUL)
		}
	case map[string]any:
		for k, x := range v {
			if sc.nul && strings.ContainsRune(k, 0) {
				sc.add(at+"."+k, msgNUL)
				continue
			}
			if x == nil && s != nil && slices.Contains(s.Required, k) {
				continue // huma's validator refuses it
			}
			var ps *huma.Schema
			if s != nil {
				ps = s.Properties[k]
				if ps == nil {
					ps, _ = s.AdditionalProperties.(*huma.Schema)
				}
			}
			sc.walk(ps, x, at+"."+k, false)
		}
	case []any:
		var items *huma.Schema
		if s != nil {
			items = s.Items
		}
		for i, x := range v {
			item := at + "[" + strconv.Itoa(i) + "]"
			switch x.(type) {
			case map[string]any, []any:
				if s != nil && s.UniqueItems {
					sc.unhashable = true
					sc.add(item, "expected "+itemType(sc.reg, items))
					continue
				}
			}
			sc.walk(items, x, item, false)
		}
	}
}

// itemType names the type of a list's items, for a message.
func itemType(reg huma.Registry, s *huma.Schema) string {
	for s != nil && s.Ref != "" {
		s = reg.SchemaFromRef(s.Ref)
	}
	if s == nil || s.Type == "" {
		return "a plain value"
	}
	return s.Type
}

// dedupe drops repeated findings (the same location and message).
func dedupe(errs []error) []error {
	type key struct{ at, msg string }
	seen := map[key]bool{}
	out := errs[:0:0]
	for _, err := range errs {
		k := key{msg: err.Error()}
		if d, ok := err.(huma.ErrorDetailer); ok {
			det := d.ErrorDetail()
			k = key{det.Location, det.Message}
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, err)
		}
	}
	return out
}
