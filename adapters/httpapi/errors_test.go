package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

var (
	errTaken   = errors.New("taken")
	errMissing = errors.New("missing")
	errDown    = errors.New("provider down")
	errAmbig   = errors.New("ambiguous")
)

// movedErr names where a thing went.
type movedErr struct{ to string }

func (e *movedErr) Error() string { return "moved to " + e.to }

var testFields = InvalidFields(At("body"))

var testTable = ErrorTable{
	testFields.When(errAmbig, "ambiguous_field"),
	testFields,
	{Err: errTaken, Status: http.StatusConflict, Code: "thing_taken", Detail: "another thing has this name", Field: "body.name", Reason: "taken"},
	{Err: errMissing, Status: http.StatusNotFound, Code: "thing_not_found"},
	{Err: errDown, Status: http.StatusBadGateway, Code: "provider_unavailable", Detail: "retry later",
		Header: http.Header{"Retry-After": {"60"}}, Log: slog.LevelWarn},
	As(func(ctx context.Context, e *movedErr) error {
		return NewProblem(ctx, http.StatusNotFound, "thing_moved", "the thing moved", Field("path.id", "moved", e.to))
	}),
}

// Every refusal a module's table names is answered by its row, matched through wrapping and
// errors.Join; what no row names is the kit's, or a 500 that reveals nothing.
func TestMapErrorAnswersByTheFirstRowThatMatches(t *testing.T) {
	t.Parallel()
	joined := errors.Join(fielderr.Errorf("name", "too long"), errors.New("unrelated"),
		fmt.Errorf("wrapped: %w", fielderr.Errorf("email", "malformed")))
	cases := []struct {
		name    string
		err     error
		status  int
		code    string
		detail  string
		fields  []string
		reasons []string
	}{
		{"a wrapped sentinel", fmt.Errorf("saving: %w", errTaken), http.StatusConflict, "thing_taken", "another thing has this name",
			[]string{"body.name"}, []string{"taken"}},
		{"a row without detail says the error", errMissing, http.StatusNotFound, "thing_not_found", "missing", nil, nil},
		{"joined field errors, each named", joined, http.StatusUnprocessableEntity, "validation_failed", "the request has invalid fields",
			[]string{"body.name", "body.email"}, []string{"too long", "malformed"}},
		{"field errors with a sentinel take its code", errors.Join(fielderr.New("name", errAmbig), errAmbig), http.StatusUnprocessableEntity,
			"ambiguous_field", "the request has invalid fields", []string{"body.name"}, []string{"ambiguous"}},
		{"a type matched with errors.As", fmt.Errorf("get: %w", &movedErr{to: "42"}), http.StatusNotFound, "thing_moved", "the thing moved",
			[]string{"path.id"}, []string{"moved"}},
		{"a problem as it is", Invalid(context.Background(), Field("query.limit", "too big", nil)), http.StatusUnprocessableEntity,
			"validation_failed", "the request has invalid fields", []string{"query.limit"}, []string{"too big"}},
		{"the kit's own rows", fmt.Errorf("list: %w", ports.ErrBadCursor), http.StatusBadRequest, "invalid_cursor",
			"the cursor is not one this API issued", []string{"query.cursor"}, []string{"malformed cursor"}},
		{"a suspended brand", tenants.ErrSuspended, http.StatusForbidden, "tenant_suspended", "this brand's account is suspended", nil, nil},
		{"anything else", errors.New("pq: relation secret_table does not exist"), http.StatusInternalServerError, "internal",
			"internal error; quote the request ID to support", nil, nil},
	}
	for _, tc := range cases {
		var logs bytes.Buffer
		kit := &Kit{log: slog.New(slog.NewJSONHandler(&logs, nil))}
		var p *Problem
		require.Truef(t, errors.As(kit.MapError(context.Background(), tc.err, testTable), &p), "%s", tc.name)
		require.Equalf(t, tc.status, p.Status, "%s", tc.name)
		require.Equalf(t, tc.code, p.Code, "%s", tc.name)
		require.Equalf(t, tc.detail, p.Detail, "%s", tc.name)
		var fields, reasons []string
		for _, f := range p.Errors {
			fields, reasons = append(fields, f.Location), append(reasons, f.Message)
		}
		require.Equalf(t, tc.fields, fields, "%s", tc.name)
		require.Equalf(t, tc.reasons, reasons, "%s", tc.name)
		if tc.status == http.StatusInternalServerError {
			require.Contains(t, logs.String(), "secret_table", "the cause is logged")
			require.NotContains(t, p.Detail, "secret_table", "and never sent")
		}
	}
}

func TestMapErrorSendsHeadersLogsCausesAndKeepsNil(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	kit := &Kit{log: slog.New(slog.NewJSONHandler(&logs, nil))}
	ctx := context.Background()

	answer := kit.MapError(ctx, fmt.Errorf("calling: %w", errDown), testTable)
	var h huma.HeadersError
	require.True(t, errors.As(answer, &h))
	require.Equal(t, "60", h.GetHeaders().Get("Retry-After"))
	var p *Problem
	require.True(t, errors.As(answer, &p))
	require.Equal(t, http.StatusBadGateway, p.Status)
	require.Contains(t, logs.String(), `"level":"WARN"`)
	require.Contains(t, logs.String(), "provider down", "the row's cause is logged")

	require.NoError(t, kit.MapError(ctx, nil, testTable))

	// The first table that answers wins: a module's rows before the next module's and the kit's.
	first := ErrorTable{{Err: errTaken, Status: http.StatusGone, Code: "first"}}
	require.Equal(t, "first", kit.MapError(ctx, errTaken, first, testTable).(*Problem).Code)

	// A request its client abandoned.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.Equal(t, statusClientClosed, kit.MapError(cancelled, context.Canceled, testTable).(*Problem).Status)
}
