package customersui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/customerimport"
	"github.com/engagehq/engage/ports"
)

type importView struct {
	*console.View
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
func (h *handlers) importPage(w http.ResponseWriter, r *http.Request) {
	console.Render(w, r, "customer_import", importView{View: console.ViewOf(r), Columns: customerimport.Columns()})
}

// importCustomers checks (action dry_run) or imports (action commit) the uploaded file and
// shows the report. The form stays on the page, file chosen, so that a commit after the dry
// run sends the same file again: nothing is kept on the server between the two.
func (h *handlers) importCustomers(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, customerimport.MaxBytes+1<<20)
	out := importView{View: v, Columns: customerimport.Columns()}
	render := func(status int) {
		w.WriteHeader(status)
		block := "page"
		if r.Header.Get("HX-Request") == "true" {
			block, out.Fragment = "import-report", true
		}
		console.RenderBlock(w, r, "customer_import", block, out)
	}
	file, _, err := r.FormFile("file")
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		out.Error = messages.T(v.Lang, "import.too_large")
		render(http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		out.Error = messages.T(v.Lang, "import.no_file")
		render(http.StatusUnprocessableEntity)
		return
	}
	defer file.Close()
	o := customerimport.Options{DryRun: r.PostFormValue("action") != "commit", SkipInvalid: r.PostFormValue("skip_invalid") == "on",
		Encoding: r.PostFormValue("encoding")}
	if !o.DryRun && !console.Fresh(r) {
		console.Redirect(w, r, "/console/customers")
		return
	}
	rep, err := h.d.Imports.Import(r.Context(), v.Tenant.ID, file, o)
	var fe *customerimport.FileError
	switch {
	case err == nil:
		out.Report, out.Committed = &rep, !o.DryRun
		render(http.StatusOK)
	case errors.As(err, &fe):
		out.Error = messages.T(v.Lang, "import.code_"+fe.Code)
		if fe.Line > 0 {
			out.Error = messages.T(v.Lang, "import.line") + " " + strconv.Itoa(fe.Line) + ": " + out.Error
		}
		render(http.StatusUnprocessableEntity)
	case errors.Is(err, customerimport.ErrTooLarge):
		out.Error = messages.T(v.Lang, "import.too_large")
		render(http.StatusRequestEntityTooLarge)
	case errors.Is(err, customerimport.ErrUnknownEncoding):
		out.Error = messages.T(v.Lang, "import.code_bad_encoding")
		render(http.StatusUnprocessableEntity)
	case errors.Is(err, ports.ErrPhoneTaken), errors.Is(err, ports.ErrExternalIDTaken):
		out.Error = messages.T(v.Lang, "import.conflict")
		render(http.StatusConflict)
	case errors.Is(err, customerimport.ErrInvalidRows):
		out.Report, out.Error = &rep, messages.T(v.Lang, "import.has_invalid_rows")
		render(http.StatusUnprocessableEntity)
	default:
		console.Internal(w, r, err)
	}
}
