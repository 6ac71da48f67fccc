package customersapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/customerimport"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// ImportProblemBody is what is wrong with one row of an import file. The bad value itself is
// not echoed: it may be personal data, and the row and column find it.
type ImportProblemBody struct {
	Row     int    `json:"row" doc:"The file's line the row starts on; the header is line 1"`
	Column  string `json:"column,omitempty" doc:"The column at fault; empty for the row as a whole"`
	Code    string `json:"code" enum:"invalid_value,unknown_attribute,wrong_column_count,duplicate_in_file,phone_taken,external_id_taken"`
	Message string `json:"message"`
}

// ImportReportBody is what an import did or, in a dry run, would do.
type ImportReportBody struct {
	DryRun    bool                `json:"dry_run"`
	Committed bool                `json:"committed" doc:"Whether the customers were written"`
	Rows      int                 `json:"rows" doc:"Data rows in the file"`
	Created   int                 `json:"created" doc:"Customers the valid rows create (would create, in a dry run)"`
	Updated   int                 `json:"updated" doc:"Customers the valid rows update, matched by external ID, else by phone"`
	Invalid   int                 `json:"invalid" doc:"Rows with at least one problem"`
	Skipped   int                 `json:"skipped" doc:"Bad rows left out of a commit with skip_invalid"`
	Problems  []ImportProblemBody `json:"problems" doc:"The first 1,000 problems, in file order"`
	Truncated bool                `json:"truncated,omitempty" doc:"There were more problems than listed"`
}

func importReportBody(r customerimport.Report, committed bool) ImportReportBody {
	out := ImportReportBody{DryRun: r.DryRun, Committed: committed, Rows: r.Rows, Created: r.Created, Updated: r.Updated,
		Invalid: r.Invalid, Skipped: r.Skipped, Truncated: r.Truncated, Problems: make([]ImportProblemBody, len(r.Problems))}
	for i, p := range r.Problems {
		out.Problems[i] = ImportProblemBody{Row: p.Row, Column: p.Column, Code: p.Code, Message: p.Message}
	}
	return out
}

type importInput struct {
	DryRun      bool   `query:"dry_run" doc:"Check the file and report what a commit would do; nothing is written"`
	SkipInvalid bool   `query:"skip_invalid" doc:"Commit the valid rows of a file with bad rows (by default a commit refuses the whole file)"`
	Encoding    string `query:"encoding" maxLength:"20" doc:"The file's encoding: utf-8 (the default, with or without BOM) or gb18030 (also gbk, gb2312), as Excel saves CSV in China"`
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"text/csv"`
}

// importFile returns the CSV of the request: the body itself, or the part named file of a
// multipart form.
func importFile(ctx context.Context, in *importInput) (io.Reader, error) {
	mt, params, err := mime.ParseMediaType(in.ContentType)
	if err != nil || mt != "multipart/form-data" {
		return bytes.NewReader(in.RawBody), nil
	}
	mr := multipart.NewReader(bytes.NewReader(in.RawBody), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, httpapi.NewProblem(ctx, http.StatusUnprocessableEntity, "validation_failed", "the form has no CSV file",
				httpapi.Field("body.file", "send the CSV as the form's file field", nil))
		}
		if part.FormName() == "file" {
			return part, nil
		}
	}
}

// importConflict explains a file whose phone or external ID another change took meanwhile.
const importConflict = "another change took a phone or external ID of the file while it was imported; nothing was imported, run it again"

// importErrors answers an import's refusals.
var importErrors = httpapi.ErrorTable{
	httpapi.As(func(ctx context.Context, fe *customerimport.FileError) error {
		location := "body"
		if fe.Line > 0 {
			location = fmt.Sprintf("body.line[%d]", fe.Line)
		}
		return httpapi.NewProblem(ctx, http.StatusUnprocessableEntity, fe.Code, "the file cannot be imported: "+fe.Error(),
			httpapi.Field(location, fe.Message, nil))
	}),
	{Err: customerimport.ErrTooLarge, Status: http.StatusRequestEntityTooLarge, Code: "file_too_large"},
	{Err: customerimport.ErrUnknownEncoding, Status: http.StatusUnprocessableEntity, Code: "validation_failed", Detail: "unknown encoding",
		Field: "query.encoding", Reason: "utf-8 or gb18030"},
	{Err: ports.ErrPhoneTaken, Status: http.StatusConflict, Code: "import_conflict", Detail: importConflict},
	{Err: ports.ErrExternalIDTaken, Status: http.StatusConflict, Code: "import_conflict", Detail: importConflict},
}

// importError answers an import's refusals; a commit refused for its bad rows names the first
// hundred of rep's problems.
func (m *Module) importError(ctx context.Context, rep customerimport.Report, err error) error {
	if !errors.Is(err, customerimport.ErrInvalidRows) {
		return m.kit.MapError(ctx, err, importErrors)
	}
	fields := make([]*httpapi.FieldDetail, 0, min(len(rep.Problems), 100))
	for _, p := range rep.Problems[:min(len(rep.Problems), 100)] {
		loc := fmt.Sprintf("body.rows[%d]", p.Row)
		if p.Column != "" {
			loc += "." + p.Column
		}
		fields = append(fields, httpapi.Field(loc, p.Code+": "+p.Message, nil))
	}
	return httpapi.NewProblem(ctx, http.StatusUnprocessableEntity, "import_has_invalid_rows",
		fmt.Sprintf("%d of %d rows are bad; nothing was imported. Fix them, or commit with skip_invalid=true to import the %d valid rows",
			rep.Invalid, rep.Rows, rep.Rows-rep.Invalid), fields...)
}

func (m *Module) registerImports(api huma.API) {
	op := httpapi.Idempotent(huma.Operation{
		OperationID: "import-customers", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/customers/imports", Tags: []string{"Customers"},
		Summary: "Import customers from a CSV file",
		Description: "The body is the CSV itself (`text/csv`) or a `multipart/form-data` form with the CSV as its `file` field. " +
			"The header row names the columns: external_id, name, gender, birth_date, phone, email, avatar_url, city, region, " +
			"language, preferred_store, address.province, address.city, address.district, address.line, address.postcode, " +
			"consent.<consent> (yes/no), attr.<key> for the brand's custom attributes, and tags (separated by | or ;). " +
			"A row updates the customer with its external ID, else with its phone, with its non-empty cells; any other row " +
			"creates a customer. At most 50,000 rows and 20 MiB.\n\n" +
			"First send it with `dry_run=true`: the report lists every bad cell by row and column and counts what a commit " +
			"would create and update; nothing is written. A commit writes every row in one transaction, or nothing: while any " +
			"row is bad it is refused with 422 `import_has_invalid_rows`, unless `skip_invalid=true` asks for the valid rows only. " +
			"A file that is not valid in its encoding, has an unknown column or too many rows is refused whole, naming the line.",
		MaxBodyBytes: customerimport.MaxBytes + 1<<20,
	})
	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), op, func(ctx context.Context, in *importInput) (*struct{ Body ImportReportBody }, error) {
		file, err := importFile(ctx, in)
		if err != nil {
			return nil, err
		}
		rep, err := m.deps.Imports.Import(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, file,
			customerimport.Options{DryRun: in.DryRun, SkipInvalid: in.SkipInvalid, Encoding: in.Encoding})
		if err != nil {
			return nil, m.importError(ctx, rep, err)
		}
		return &struct{ Body ImportReportBody }{Body: importReportBody(rep, !in.DryRun)}, nil
	})
	if body := api.OpenAPI().Paths["/v1/customers/imports"].Post.RequestBody; body != nil {
		body.Content["multipart/form-data"] = &huma.MediaType{Schema: &huma.Schema{Type: "object", Required: []string{"file"},
			Properties: map[string]*huma.Schema{"file": {Type: "string", ContentEncoding: "binary", Description: "The CSV file"}}}}
	}
}
