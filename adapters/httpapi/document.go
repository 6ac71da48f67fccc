package httpapi

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// metaAlsoAnswers holds the success statuses an operation answers besides its default one.
const metaAlsoAnswers = "also_answers"

// AlsoAnswers marks op as answering statuses (201 for a PUT that creates, say) besides its
// default one, with the same body; the document lists them all.
func AlsoAnswers(op huma.Operation, statuses ...int) huma.Operation {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaAlsoAnswers] = statuses
	return op
}

// The headers the document declares, under components.headers.
const (
	headerRequestID      = "X-Request-Id"
	headerLimit          = "RateLimit-Limit"
	headerRemaining      = "RateLimit-Remaining"
	headerReset          = "RateLimit-Reset"
	headerRetryAfter     = "Retry-After"
	headerAuthenticate   = "WWW-Authenticate"
	headerReplayed       = "Idempotent-Replayed"
	headerLocation       = "Location"
	responseRefPrefix    = "#/components/responses/"
	headerRefPrefix      = "#/components/headers/"
	problemSchemaRef     = "#/components/schemas/Problem"
	problemMediaType     = "application/problem+json"
	rateLimitDescription = "Per API key, admin or customer token by the brand's plan; public operations per client address."
)

// headers are the headers every answer of the API may carry.
var headers = map[string]*huma.Header{
	headerRequestID: {Description: "The request's ID: the caller's X-Request-ID when it is 8-64 letters, digits, '.', '_' or '-', " +
		"else a new one. Quote it to support.", Schema: &huma.Schema{Type: "string"}},
	headerLimit: {Description: "How many requests the caller may send at once. " + rateLimitDescription,
		Schema: &huma.Schema{Type: "integer", Minimum: ptr(1.0)}},
	headerRemaining: {Description: "How many of them it may send now.", Schema: &huma.Schema{Type: "integer", Minimum: ptr(0.0)}},
	headerReset:     {Description: "Seconds until the caller may send RateLimit-Limit requests at once again.", Schema: &huma.Schema{Type: "integer", Minimum: ptr(0.0)}},
	headerRetryAfter: {Description: "Seconds to wait before sending the request again.",
		Schema: &huma.Schema{Type: "integer", Minimum: ptr(1.0)}},
	headerAuthenticate: {Description: "The credential the operation expects (RFC 9110).", Schema: &huma.Schema{Type: "string"}},
	headerReplayed: {Description: "true when this is the stored answer to an earlier request with the same Idempotency-Key.",
		Schema: &huma.Schema{Type: "string", Enum: []any{"true"}}},
	headerLocation: {Description: "Where the resource the request created is.", Schema: &huma.Schema{Type: "string", Format: "uri-reference"}},
}

// errorResponse is one kind of refusal, under components.responses.
type errorResponse struct {
	name, description string
	headers           []string
}

// errorResponses are the refusals the document declares, by status.
var errorResponses = map[int]errorResponse{
	http.StatusBadRequest: {"BadRequest", "The request is malformed: JSON that does not parse, text that is not UTF-8, a cursor this API " +
		"did not issue (malformed_request, invalid_cursor, tenant_required).", nil},
	http.StatusUnauthorized: {"Unauthenticated", "The credential is missing, invalid, expired or revoked (unauthenticated).",
		[]string{headerAuthenticate}},
	http.StatusForbidden: {"Forbidden", "The caller may not do this: its role lacks the permission, the brand is suspended, or the " +
		"admin is no member of the brand (forbidden, tenant_suspended, not_a_member, role_escalation, ...).", nil},
	http.StatusNotFound:              {"NotFound", "What the path names does not exist, or is not the caller's brand's (..._not_found, customer_merged).", nil},
	http.StatusConflict:              {"Conflict", "The request conflicts with the state of things (..._taken, idempotency_key_in_use, concurrent_change, ...).", nil},
	http.StatusRequestEntityTooLarge: {"TooLarge", "The body is larger than the operation takes (body_too_large, file_too_large).", nil},
	http.StatusUnsupportedMediaType:  {"UnsupportedMediaType", "The body's Content-Type is not one the operation takes.", nil},
	http.StatusUnprocessableEntity: {"Invalid", "The request breaks the operation's rules: every field at fault is listed in errors[] " +
		"(validation_failed and the operation's own codes, idempotency_key_reused).", nil},
	http.StatusTooManyRequests: {"RateLimited", "The caller sent too many requests; retry after Retry-After seconds (rate_limited).",
		[]string{headerRetryAfter}},
	http.StatusInternalServerError: {"Internal", "Something failed on the server; nothing the request changed was kept (internal). " +
		"Quote the request ID to support.", nil},
	http.StatusBadGateway:         {"BadGateway", "A service the operation depends on (WeChat) failed.", nil},
	http.StatusServiceUnavailable: {"Unavailable", "The operation cannot be served now; the detail says why.", nil},
}

// defineComponents adds the shared headers and refusals to doc.
func defineComponents(doc *huma.OpenAPI) {
	if doc.Components.Headers == nil {
		doc.Components.Headers = map[string]*huma.Header{}
	}
	for name, h := range headers {
		doc.Components.Headers[name] = h
	}
	if doc.Components.Responses == nil {
		doc.Components.Responses = map[string]*huma.Response{}
	}
	for _, r := range errorResponses {
		resp := &huma.Response{Description: r.description,
			Headers: map[string]*huma.Header{headerRequestID: headerRef(headerRequestID)},
			Content: map[string]*huma.MediaType{problemMediaType: {Schema: &huma.Schema{Ref: problemSchemaRef}}}}
		for _, h := range r.headers {
			resp.Headers[h] = headerRef(h)
		}
		doc.Components.Responses[r.name] = resp
	}
}

func headerRef(name string) *huma.Header { return &huma.Header{Ref: headerRefPrefix + name} }

// document completes op's part of the document once huma has registered it: every status it
// answers, refusals included, with the headers partners rely on, in place of huma's "default".
func document(op *huma.Operation) {
	delete(op.Responses, "default")
	auth, _ := op.Metadata[metaAuth].(string)
	limited := auth != authPlatform
	statuses := slices.Clone(op.Errors)
	hasInput := op.RequestBody != nil || len(op.Parameters) > 0
	if hasInput {
		statuses = append(statuses, http.StatusBadRequest, http.StatusUnprocessableEntity)
	}
	if op.RequestBody != nil {
		statuses = append(statuses, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	for _, p := range op.Parameters {
		if p.In == "path" {
			statuses = append(statuses, http.StatusNotFound)
		}
	}
	switch auth {
	case authTenant, authCustomer:
		statuses = append(statuses, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests)
	case authAdmin:
		statuses = append(statuses, http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests)
	case authPlatform:
		statuses = append(statuses, http.StatusUnauthorized)
	case authPublic:
		statuses = append(statuses, http.StatusTooManyRequests)
	}
	if op.Metadata[metaIdempotent] == true {
		statuses = append(statuses, http.StatusConflict, http.StatusUnprocessableEntity)
	}
	statuses = append(statuses, http.StatusInternalServerError)
	for _, status := range statuses {
		op.Responses[strconv.Itoa(status)] = &huma.Response{Ref: responseRefPrefix + errorResponses[status].name}
	}

	success := op.Responses[strconv.Itoa(op.DefaultStatus)]
	also, _ := op.Metadata[metaAlsoAnswers].([]int)
	for _, status := range also {
		op.Responses[strconv.Itoa(status)] = &huma.Response{Description: http.StatusText(status), Content: success.Content,
			Headers: maps.Clone(success.Headers)}
	}
	for _, status := range append([]int{op.DefaultStatus}, also...) {
		r := op.Responses[strconv.Itoa(status)]
		if r.Headers == nil {
			r.Headers = map[string]*huma.Header{}
		}
		r.Headers[headerRequestID] = headerRef(headerRequestID)
		if limited {
			for _, h := range []string{headerLimit, headerRemaining, headerReset} {
				r.Headers[h] = headerRef(h)
			}
		}
		if op.Metadata[metaIdempotent] == true {
			r.Headers[headerReplayed] = headerRef(headerReplayed)
		}
		if op.Metadata[metaLocation] != nil && status == http.StatusCreated {
			r.Headers[headerLocation] = headerRef(headerLocation)
		}
	}
	if auth == authPublic {
		op.Security = []map[string][]string{}
	}
}

// checkAnswer logs an answer whose status op's document does not list: the document and the
// code disagree, which the API's tests refuse (apitest fails on the log line).
func checkAnswer(ctx context.Context, k *Kit, op *huma.Operation, status int) {
	if status == 0 || status == statusClientClosed || op.Responses[strconv.Itoa(status)] != nil {
		return
	}
	k.log.ErrorContext(ctx, UndocumentedAnswer, "operation", op.OperationID, "status", status, "request_id", RequestID(ctx))
}

// UndocumentedAnswer is the message logged for an answer the document does not list.
const UndocumentedAnswer = "answer not in the OpenAPI document"

// listTags lists at the top of doc every tag an operation uses that no module described.
func listTags(doc *huma.OpenAPI) {
	described := map[string]bool{}
	for _, t := range doc.Tags {
		described[t.Name] = true
	}
	var missing []string
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			for _, t := range op.Tags {
				if !described[t] {
					described[t] = true
					missing = append(missing, t)
				}
			}
		}
	}
	slices.Sort(missing)
	for _, t := range missing {
		doc.Tags = append(doc.Tags, &huma.Tag{Name: t})
	}
}

// metaLocation holds the path template of what an operation creates.
const metaLocation = "location"

// Creates marks op as creating what location names, a path whose {name}s are fields of the
// created body ("/v1/customers/{id}"): its 201 carries a Location header, documented.
func Creates(op huma.Operation, location string) huma.Operation {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaLocation] = location
	return op
}

// setLocation is the transformer that sends the Location of what a 201 created.
func setLocation(ctx huma.Context, status string, v any) (any, error) {
	template, _ := ctx.Operation().Metadata[metaLocation].(string)
	if status != "201" || template == "" {
		return v, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return v, err
	}
	var fields map[string]any
	if json.Unmarshal(raw, &fields) != nil {
		return v, nil
	}
	location := template
	for name, value := range fields {
		if s, ok := value.(string); ok {
			location = strings.ReplaceAll(location, "{"+name+"}", url.PathEscape(s))
		}
	}
	ctx.SetHeader(headerLocation, location)
	return v, nil
}
