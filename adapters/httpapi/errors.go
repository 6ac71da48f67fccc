package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// ErrorRow answers one refusal of an operation: errors matching Err (errors.Is) become the
// problem of Status, Code and Detail. Each module keeps its rows in ErrorTables that
// Kit.MapError reads; rows made by As and InvalidFields match and answer in their own way.
type ErrorRow struct {
	// Err is the error the row answers, matched with errors.Is.
	Err    error
	Status int
	Code   string
	// Detail explains the problem; empty, it is the error's own text.
	Detail string
	// Field, when set, names the input at fault, for Reason (empty: the error's own text).
	Field  string
	Reason string
	// Header is sent with the problem (Retry-After, Location).
	Header http.Header
	// Log, when set, logs the error at that level: the cause of an answer operators act on.
	Log slog.Leveler

	// where, when set, locates the inputs named by the refusal's field errors: the row
	// matches when it has any.
	where func(field string) (location string)
	// as, when set, matches and answers an error of a type.
	as func(ctx context.Context, err error) (error, bool)
}

// ErrorTable is a module's rows, tried in order.
type ErrorTable []ErrorRow

// As answers errors of type E (matched with errors.As) with answer.
func As[E error](answer func(ctx context.Context, e E) error) ErrorRow {
	return ErrorRow{as: func(ctx context.Context, err error) (error, bool) {
		var e E
		if !errors.As(err, &e) {
			return nil, false
		}
		return answer(ctx, e), true
	}}
}

// InvalidFields answers 422 validation_failed naming the input of every field error of a
// refusal (fielderr.All), at the location where gives its field, with the error's reason; it
// matches when the refusal has one.
func InvalidFields(where func(field string) (location string)) ErrorRow {
	return ErrorRow{Status: http.StatusUnprocessableEntity, Code: "validation_failed", Detail: invalidDetail, where: where}
}

// At locates fields within the input at location: At("body") puts "phone" at "body.phone",
// At("body.tags") puts "[1]" at "body.tags[1]" and "" at "body.tags".
func At(location string) func(field string) string {
	return func(field string) string { return fielderr.Path(location, field) }
}

// When is the InvalidFields row r narrowed to refusals that also match err (errors.Is),
// answered with code: the fields of an unknown attribute, say, under unknown_attribute.
func (r ErrorRow) When(err error, code string) ErrorRow {
	r.Err, r.Code = err, code
	return r
}

// answer returns r's answer to err, and false when r does not match it.
func (r ErrorRow) answer(ctx context.Context, err error) (error, bool) {
	switch {
	case r.as != nil:
		return r.as(ctx, err)
	case r.Err != nil && !errors.Is(err, r.Err):
		return nil, false
	case r.where != nil:
		fields := fieldsAt(err, r.where)
		if len(fields) == 0 {
			return nil, false
		}
		return NewProblem(ctx, r.Status, r.Code, r.Detail, fields...), true
	case r.Err == nil:
		return nil, false
	}
	detail := r.Detail
	if detail == "" {
		detail = err.Error()
	}
	var fields []*FieldDetail
	if r.Field != "" {
		reason := r.Reason
		if reason == "" {
			reason = err.Error()
		}
		fields = append(fields, Field(r.Field, reason, nil))
	}
	p := NewProblem(ctx, r.Status, r.Code, detail, fields...)
	if r.Header != nil {
		return huma.ErrorWithHeaders(p, r.Header), true
	}
	return p, true
}

// fieldsAt names the input of every field error of err, in order, at the location where
// gives it.
func fieldsAt(err error, where func(string) string) []*FieldDetail {
	var out []*FieldDetail
	for _, fe := range fielderr.All(err) {
		out = append(out, Field(where(fe.Field), fe.Err.Error(), nil))
	}
	return out
}

// kitErrors are the refusals every operation may meet.
var kitErrors = ErrorTable{
	{Err: tenants.ErrSuspended, Status: http.StatusForbidden, Code: "tenant_suspended", Detail: "this brand's account is suspended"},
	{Err: ports.ErrBadCursor, Status: http.StatusBadRequest, Code: "invalid_cursor", Detail: "the cursor is not one this API issued",
		Field: "query.cursor", Reason: "malformed cursor"},
	{Err: ports.ErrTxConflict, Status: http.StatusConflict, Code: "concurrent_change", Log: slog.LevelWarn,
		Detail: "another change to the same data ran at the same time; nothing was changed, send the request again"},
}

// statusClientClosed is the conventional status for a request its client abandoned.
const statusClientClosed = 499

// MapError turns an operation's error into the problem its client sees: a *Problem as it is,
// else the answer of the first row of tables that matches, else of the kit's own rows; anything
// unknown is logged and becomes a 500 that reveals nothing. A nil error stays nil.
func (k *Kit) MapError(ctx context.Context, err error, tables ...ErrorTable) error {
	var p *Problem
	if err == nil {
		return nil
	}
	if errors.As(err, &p) {
		return p
	}
	for _, table := range tables {
		if answer, ok := k.match(ctx, err, table); ok {
			return answer
		}
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// The client went away; nobody reads this answer.
		return NewProblem(ctx, statusClientClosed, "client_closed", "the client closed the request")
	}
	if answer, ok := k.match(ctx, err, kitErrors); ok {
		return answer
	}
	k.log.ErrorContext(ctx, "request failed", "request_id", RequestID(ctx), "error", err)
	return NewProblem(ctx, http.StatusInternalServerError, "internal", "internal error; quote the request ID to support")
}

// match answers err with the first row of table that matches it.
func (k *Kit) match(ctx context.Context, err error, table ErrorTable) (error, bool) {
	for _, row := range table {
		if answer, ok := row.answer(ctx, err); ok {
			if row.Log != nil {
				k.log.Log(ctx, row.Log.Level(), row.Code, "request_id", RequestID(ctx), "error", err)
			}
			return answer, true
		}
	}
	return nil, false
}
