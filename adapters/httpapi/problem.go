package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"
)

// Problem is an RFC 9457 problem document with a stable machine-readable code.
type Problem struct {
	Type      string         `json:"type,omitempty" doc:"A URI reference naming the problem type"`
	Title     string         `json:"title" doc:"Short summary of the problem type"`
	Status    int            `json:"status" doc:"HTTP status code"`
	Code      string         `json:"code" doc:"Stable machine-readable error code, e.g. validation_failed, tenant_suspended"`
	Detail    string         `json:"detail,omitempty" doc:"Explanation of this occurrence"`
	RequestID string         `json:"request_id,omitempty" doc:"The request's ID, to quote to support"`
	Errors    []*FieldDetail `json:"errors,omitempty" doc:"The fields at fault"`

	headers http.Header
}

// FieldDetail names one input at fault.
type FieldDetail struct {
	Location string `json:"location" doc:"Where the problem is, e.g. body.slug, query.limit, header.Idempotency-Key"`
	Message  string `json:"message" doc:"What is wrong with it"`
	Value    any    `json:"value,omitempty" doc:"The value received"`
}

// Error implements error.
func (p *Problem) Error() string { return p.Detail }

// GetStatus implements huma.StatusError.
func (p *Problem) GetStatus() int { return p.Status }

// GetHeaders implements huma.HeadersError: a 401 says which credential is expected.
// Headers added with huma.ErrorWithHeaders (Retry-After, Location) are kept with them.
func (p *Problem) GetHeaders() http.Header {
	if p.headers == nil {
		p.headers = http.Header{}
		if p.Status == http.StatusUnauthorized {
			p.headers.Set("WWW-Authenticate", wwwAuthenticate)
		}
	}
	return p.headers
}

// wwwAuthenticate is the challenge of every 401: a bearer credential (an API key, a customer
// token, the platform key) or an admin session.
const wwwAuthenticate = `Bearer realm="engage"`

// ContentType makes huma send problems as application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

// defaultCodes names the code of a problem raised by huma itself (validation, body limits).
var defaultCodes = map[int]string{
	http.StatusBadRequest:            "malformed_request",
	http.StatusUnauthorized:          "unauthenticated",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusNotAcceptable:         "not_acceptable",
	http.StatusConflict:              "conflict",
	http.StatusRequestEntityTooLarge: "body_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusUnprocessableEntity:   "validation_failed",
	http.StatusTooManyRequests:       "rate_limited",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
}

var missingProperty = regexp.MustCompile(`^expected required property (\S+) to be present$`)

// humaProblem builds a problem from huma's (status, message, errors) form; it replaces
// huma.NewErrorWithContext so huma's own errors carry codes and request IDs too.
func humaProblem(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
	p := &Problem{Title: http.StatusText(status), Status: status, Code: defaultCodes[status], Detail: msg}
	if p.Code == "" {
		p.Code = "error"
	}
	if ctx != nil {
		p.RequestID = RequestID(ctx.Context())
	}
	for _, err := range errs {
		var d huma.ErrorDetailer
		switch {
		case err == nil:
		case errors.As(err, &d):
			det := d.ErrorDetail()
			f := &FieldDetail{Location: det.Location, Message: det.Message, Value: det.Value}
			// Name the missing field itself, not the object that lacks it, and do not echo
			// the whole object back for a field that is missing or unexpected.
			if m := missingProperty.FindStringSubmatch(det.Message); m != nil {
				f.Location, f.Value = f.Location+"."+m[1], nil
			}
			// Body values are never echoed: a rejected field may be a secret.
			if strings.HasPrefix(f.Location, "body") {
				f.Value = nil
			}
			p.Errors = append(p.Errors, f)
		default:
			p.Errors = append(p.Errors, &FieldDetail{Message: err.Error()})
		}
	}
	if status == http.StatusInternalServerError {
		// Never leak internals: the cause is logged, not sent.
		p.Detail, p.Errors = "internal error; quote the request ID to support", nil
	}
	return p
}

// NewProblem builds the problem of a request with an explicit code.
func NewProblem(ctx context.Context, status int, code, detail string, fields ...*FieldDetail) *Problem {
	return &Problem{Title: http.StatusText(status), Status: status, Code: code, Detail: detail, RequestID: RequestID(ctx), Errors: fields}
}

// Field names one input at fault: where it is, what is wrong and, where it is safe to echo,
// the value received.
func Field(location, message string, value any) *FieldDetail {
	return &FieldDetail{Location: location, Message: message, Value: value}
}

// invalidDetail is the detail of every validation_failed problem of the operations.
const invalidDetail = "the request has invalid fields"

// Invalid refuses a request with 422 validation_failed, naming the inputs at fault.
func Invalid(ctx context.Context, fields ...*FieldDetail) *Problem {
	return NewProblem(ctx, http.StatusUnprocessableEntity, "validation_failed", invalidDetail, fields...)
}

// ParseUUID reads the ID raw sent at location ("path.id"), refusing a malformed one.
func ParseUUID(ctx context.Context, location, raw string) (uuid.UUID, error) {
	id, err := uuid.Parse(raw)
	if err != nil {
		return id, NewProblem(ctx, http.StatusUnprocessableEntity, "validation_failed", "malformed ID", Field(location, "expected a UUID", raw))
	}
	return id, nil
}

// writeProblem sends p outside huma's handler flow (middlewares, plain routes).
func writeProblem(w http.ResponseWriter, p *Problem) {
	for k, v := range p.GetHeaders() {
		if w.Header().Get(k) == "" {
			w.Header()[k] = v
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeHumaProblem sends p from a huma middleware.
func writeHumaProblem(ctx huma.Context, p *Problem) {
	for k, v := range p.GetHeaders() {
		for _, x := range v {
			ctx.AppendHeader(k, x)
		}
	}
	ctx.SetHeader("Content-Type", "application/problem+json")
	ctx.SetStatus(p.Status)
	_ = json.NewEncoder(ctx.BodyWriter()).Encode(p)
}
