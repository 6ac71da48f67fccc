package console

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/engagehq/engage/application/customerimport"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

type importView struct {
	*view
	// Columns are the columns a file may have, for the page's help.
	Columns []string
	// Report is the outcome of a dry run or a commit; nil before a file is sent.
	Report    *customerimport.Report
	Committed bool
	// Error explains a file refused whole, or a commit refused for bad rows.
	Error string
	// Fragment says the report replaces the last one on the page, which then takes a new
	// nonce for its next commit.
	Fragment bool
}

// importPage is the import wizard: choose a file, check it, then import it.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersWrite) {
		return
	}
	s.pages.render(w, "customer_import", importView{view: viewFrom(r.Context()), Columns: customerimport.Columns()})
}

// importCustomers checks (action dry_run) or imports (action commit) the uploaded file and
// shows the report. The form stays on the page, file chosen, so that a commit after the dry
// run sends the same file again: nothing is kept on the server between the two.
func (s *Server) importCustomers(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersWrite) {
		return
	}
	v := viewFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, customerimport.MaxBytes+1<<20)
	out := importView{view: v, Columns: customerimport.Columns()}
	render := func(status int) {
		w.WriteHeader(status)
		block := "page"
		if r.Header.Get("HX-Request") == "true" {
			block, out.Fragment = "import-report", true
		}
		s.pages.renderBlock(w, "customer_import", block, out)
	}
	file, _, err := r.FormFile("file")
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		out.Error = tr(v.Lang, "import.too_large")
		render(http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		out.Error = tr(v.Lang, "import.no_file")
		render(http.StatusUnprocessableEntity)
		return
	}
	defer file.Close()
	o := customerimport.Options{DryRun: r.PostFormValue("action") != "commit", SkipInvalid: r.PostFormValue("skip_invalid") == "on",
		Encoding: r.PostFormValue("encoding")}
	if !o.DryRun && !s.fresh(r.PostFormValue("_nonce")) {
		redirect(w, r, "/console/customers")
		return
	}
	rep, err := s.d.Imports.Import(r.Context(), v.Tenant.ID, file, o)
	var fe *customerimport.FileError
	switch {
	case err == nil:
		out.Report, out.Committed = &rep, !o.DryRun
		render(http.StatusOK)
	case errors.As(err, &fe):
		out.Error = tr(v.Lang, "import.code_"+fe.Code)
		if fe.Line > 0 {
			out.Error = tr(v.Lang, "import.line") + " " + strconv.Itoa(fe.Line) + ": " + out.Error
		}
		render(http.StatusUnprocessableEntity)
	case errors.Is(err, customerimport.ErrTooLarge):
		out.Error = tr(v.Lang, "import.too_large")
		render(http.StatusRequestEntityTooLarge)
	case errors.Is(err, customerimport.ErrUnknownEncoding):
		out.Error = tr(v.Lang, "import.code_bad_encoding")
		render(http.StatusUnprocessableEntity)
	case errors.Is(err, ports.ErrPhoneTaken), errors.Is(err, ports.ErrExternalIDTaken):
		out.Error = tr(v.Lang, "import.conflict")
		render(http.StatusConflict)
	case errors.Is(err, customerimport.ErrInvalidRows):
		out.Report, out.Error = &rep, tr(v.Lang, "import.has_invalid_rows")
		render(http.StatusUnprocessableEntity)
	default:
		s.internal(w, r, err)
	}
}
