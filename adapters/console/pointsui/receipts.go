package pointsui

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/ports"
)

// receiptsPage is how many receipts the queue shows at a time.
const receiptsPage = 30

// receiptRoutes are the receipts review pages: the queue, a receipt with its photo and what
// was read from it, the photo itself, and the decisions.
func (h *handlers) receiptRoutes() []console.Route {
	review := console.Needs(ledger.PermReceipts)
	return []console.Route{
		console.Get("/points/receipts", review, h.receipts),
		console.Get("/points/receipts/{id}", review, h.receipt),
		console.Get("/points/receipts/{id}/image", review, h.receiptImage),
		console.Post("/points/receipts/{id}/approve", review, h.approveReceipt),
		console.Post("/points/receipts/{id}/reject", review, h.rejectReceipt),
	}
}

// receiptsMenu is the queue's entry in the sidebar.
var receiptsMenu = console.MenuEntry{Label: "nav.points_receipts", Path: "/console/points/receipts", ID: "points-receipts",
	Gate: console.Needs(ledger.PermReceipts), Order: 56}

// receiptRow is a receipt with its customer's name.
type receiptRow struct {
	receipts.Receipt
	CustomerName string
}

// receiptsView is the review queue (or the receipts of another status).
type receiptsView struct {
	*console.View
	Status   string
	Statuses []receipts.Status
	Rows     []receiptRow
	Next     string
	Pending  int
}

func (h *handlers) customerName(r *http.Request, id uuid.UUID) string {
	c, err := h.d.Customers.Get(r.Context(), console.ViewOf(r).Tenant.ID, id)
	if err != nil {
		return ""
	}
	return c.Name
}

func (h *handlers) receipts(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	status := r.URL.Query().Get("status")
	if status == "" {
		status = string(receipts.Pending)
	}
	if status != "all" && !validStatus(status) {
		console.NotFound(w, r)
		return
	}
	q := receiptsapp.Query{}
	if status != "all" {
		q.Status = receipts.Status(status)
	}
	after := r.URL.Query().Get("after")
	if _, err := uuid.Parse(after); after != "" && err != nil {
		console.NotFound(w, r)
		return
	}
	items, err := h.d.Receipts.List(r.Context(), v.Tenant.ID, q, ports.Page{After: after, Limit: receiptsPage + 1})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := receiptsView{View: v, Status: status, Statuses: receipts.Statuses}
	if len(items) > receiptsPage {
		items = items[:receiptsPage]
		out.Next = items[len(items)-1].ID.String()
	}
	for _, it := range items {
		out.Rows = append(out.Rows, receiptRow{Receipt: it, CustomerName: h.customerName(r, it.Customer)})
	}
	if out.Pending, err = h.d.Receipts.Pending(r.Context(), v.Tenant.ID); err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "points_receipts", out)
}

func validStatus(s string) bool {
	for _, st := range receipts.Statuses {
		if string(st) == s {
			return true
		}
	}
	return false
}

// receiptView is one receipt with its review forms.
type receiptView struct {
	*console.View
	Receipt      receipts.Receipt
	CustomerName string
	Stores       []receipts.Store
	Reasons      []receipts.Reason
	Approve      approveForm
	Reject       rejectForm
}

// StoreName is the name of the brand's store code, as the receipt rules list it.
func (v receiptView) StoreName(code string) string {
	for _, st := range v.Stores {
		if st.Code == code {
			return st.Name
		}
	}
	return code
}

// approveForm is an approval as typed: the fields as read, in yuan and in the brand's zone.
type approveForm struct {
	Amount, Date, StoreCode, Number, Note string
	Errors                                map[string]string
}

// rejectForm is a rejection as chosen.
type rejectForm struct {
	Reason, Note string
	Errors       map[string]string
}

// dateInput is the layout of the approval's date and time input: the console's own, whatever
// the browser's locale.
const dateInput = console.TimeLayout

func (h *handlers) receiptPage(w http.ResponseWriter, r *http.Request, id uuid.UUID) (receiptView, bool) {
	v := console.ViewOf(r)
	rc, err := h.d.Receipts.Get(r.Context(), v.Tenant.ID, id)
	if errors.Is(err, receiptsapp.ErrNotFound) {
		console.NotFound(w, r)
		return receiptView{}, false
	}
	if err != nil {
		console.Internal(w, r, err)
		return receiptView{}, false
	}
	settings, err := h.d.Receipts.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return receiptView{}, false
	}
	out := receiptView{View: v, Receipt: rc, CustomerName: h.customerName(r, rc.Customer), Stores: settings.Stores,
		Reasons: receipts.Reasons, Approve: approveForm{StoreCode: rc.StoreCode, Number: rc.Fields.Number, Errors: map[string]string{}},
		Reject: rejectForm{Reason: string(receipts.ReasonUnreadable), Errors: map[string]string{}}}
	if rc.Fields.AmountFen > 0 {
		out.Approve.Amount = yuanInput(rc.Fields.AmountFen)
	}
	if !rc.Fields.Date.IsZero() {
		out.Approve.Date = rc.Fields.Date.In(v.Location()).Format(dateInput)
	}
	return out, true
}

func (h *handlers) receipt(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	if out, ok := h.receiptPage(w, r, id); ok {
		console.Render(w, r, "points_receipt", out)
	}
}

// receiptImage serves a receipt's photo, as its sniffed type, never to be guessed otherwise.
func (h *handlers) receiptImage(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	data, ct, err := h.d.Receipts.Image(r.Context(), console.ViewOf(r).Tenant.ID, id)
	if errors.Is(err, receiptsapp.ErrNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(data)
}

// approveReceipt approves with what the form corrected: an amount or date that does not parse,
// or that the use case refuses, is shown under its input and nothing changes.
func (h *handlers) approveReceipt(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	out, ok := h.receiptPage(w, r, id)
	if !ok {
		return
	}
	f := approveForm{Amount: strings.TrimSpace(r.PostFormValue("amount")), Date: strings.TrimSpace(r.PostFormValue("date")),
		StoreCode: r.PostFormValue("store_code"), Number: strings.TrimSpace(r.PostFormValue("number")),
		Note: strings.TrimSpace(r.PostFormValue("note")), Errors: map[string]string{}}
	c := receiptsapp.Correction{StoreCode: f.StoreCode, Number: f.Number}
	if f.Amount != "" {
		fen, err := console.ParseYuan(f.Amount)
		if err != nil || fen <= 0 {
			f.Errors["amount_fen"] = messages.T(v.Lang, "receipts.bad_amount")
		}
		c.AmountFen = fen
	}
	if f.Date != "" {
		at, err := time.ParseInLocation(dateInput, f.Date, v.Location())
		if err != nil {
			f.Errors["date"] = messages.T(v.Lang, "receipts.bad_date")
		}
		c.Date = at
	}
	if len(f.Errors) == 0 {
		_, err := h.d.Receipts.Approve(r.Context(), v.Tenant.ID, id, c, f.Note)
		if err == nil {
			console.Redirect(w, r, "/console/points/receipts/"+id.String())
			return
		}
		if !h.decisionError(v, err, f.Errors) {
			console.Internal(w, r, err)
			return
		}
	}
	out.Approve = f
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.Render(w, r, "points_receipt", out)
}

func (h *handlers) rejectReceipt(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	out, ok := h.receiptPage(w, r, id)
	if !ok {
		return
	}
	f := rejectForm{Reason: r.PostFormValue("reason"), Note: strings.TrimSpace(r.PostFormValue("note")), Errors: map[string]string{}}
	_, err := h.d.Receipts.Reject(r.Context(), v.Tenant.ID, id, receipts.Reason(f.Reason), f.Note)
	if err == nil {
		console.Redirect(w, r, "/console/points/receipts/"+id.String())
		return
	}
	if !h.decisionError(v, err, f.Errors) {
		console.Internal(w, r, err)
		return
	}
	out.Reject = f
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.Render(w, r, "points_receipt", out)
}

// decisionError puts what is wrong with a decision into errs, in the admin's language.
func (h *handlers) decisionError(v *console.View, err error, errs map[string]string) bool {
	switch {
	case errors.Is(err, receiptsapp.ErrDecided):
		errs["form"] = messages.T(v.Lang, "receipts.decided")
	case errors.Is(err, receiptsapp.ErrNumberApproved):
		errs["number"] = messages.T(v.Lang, "receipts.number_approved")
	default:
		fes := fielderr.All(err)
		for _, fe := range fes {
			errs[fe.Field] = messages.TOr(v.Lang, "receipts.bad_"+fe.Field, "form.invalid")
		}
		return len(fes) > 0
	}
	return true
}
