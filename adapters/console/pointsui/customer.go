package pointsui

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
)

// sectionHistory is how many entries a customer's 360° view shows; historyPage how many the
// points page shows at a time.
const (
	sectionHistory = 5
	historyPage    = 50
)

// customerPointsView is a customer's points: on the 360° view (Full false, the latest
// entries) and on their points page (the whole history, filtered and paged).
type customerPointsView struct {
	*console.View
	Customer     uuid.UUID
	CustomerName string
	Full         bool
	Wallets      []points.WalletView
	History      []points.HistoryEntry
	// Filter is the history's kind filter ("" for every entry); Filters are those offered.
	Filter  string
	Filters []string
	Next    string
	Adjust  adjustForm
	Reasons []string
	Names   walletNames
}

// adjustForm is the manual adjustment as typed.
type adjustForm struct {
	Wallet, Direction, Points, Reason, Note string
	Errors                                  map[string]string
}

func (h *handlers) load(r *http.Request, customer uuid.UUID, full bool, filter, after string) (customerPointsView, error) {
	v := console.ViewOf(r)
	out := customerPointsView{View: v, Customer: customer, Full: full, Filter: filter, Reasons: points.AdjustmentReasons,
		Adjust: adjustForm{Direction: "add", Reason: points.AdjustmentReasons[0], Errors: map[string]string{}}}
	for k := range points.HistoryKinds {
		out.Filters = append(out.Filters, k)
	}
	slices.SortFunc(out.Filters, func(a, b string) int { return slices.Index(historyOrder, a) - slices.Index(historyOrder, b) })
	var err error
	if out.Names, err = h.walletNames(r); err != nil {
		return out, err
	}
	if out.Wallets, err = h.d.Points.Wallets(r.Context(), v.Tenant.ID, customer); err != nil {
		return out, err
	}
	q := points.HistoryQuery{Kinds: points.HistoryKinds[filter]}
	limit := sectionHistory
	if full {
		limit = historyPage + 1
	}
	if out.History, err = h.d.Points.History(r.Context(), v.Tenant.ID, customer, q, ports.Page{Limit: limit, After: after}); err != nil {
		return out, err
	}
	if full && len(out.History) > historyPage {
		out.History = out.History[:historyPage]
		out.Next = out.History[historyPage-1].ID.String()
	}
	return out, nil
}

// historyOrder is the order of the history's filters.
var historyOrder = []string{"earned", "released", "redeemed", "expired", "adjusted", "refunded"}

// customerSection is the points section of a customer's 360° view.
func (h *handlers) customerSection(r *http.Request) (template.HTML, error) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		return "", nil
	}
	view, err := h.load(r, id, false, "", "")
	if errors.Is(err, ports.ErrCustomerNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return console.Fragment(r, "customer-points", view)
}

// customerPoints is a customer's points page: the section with the whole history.
func (h *handlers) customerPoints(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	filter := r.URL.Query().Get("kind")
	if _, known := points.HistoryKinds[filter]; !known {
		filter = ""
	}
	after := r.URL.Query().Get("after")
	if _, err := uuid.Parse(after); err != nil {
		after = ""
	}
	view, ok := h.page(w, r, id, true, filter, after)
	if ok {
		console.Render(w, r, "customer_points", view)
	}
}

// page loads a customer's points with their name, or answers.
func (h *handlers) page(w http.ResponseWriter, r *http.Request, id uuid.UUID, full bool, filter, after string) (customerPointsView, bool) {
	c, err := h.d.Customers.Get(r.Context(), console.ViewOf(r).Tenant.ID, id)
	if errors.Is(err, ports.ErrCustomerNotFound) {
		console.NotFound(w, r)
		return customerPointsView{}, false
	}
	if err != nil {
		console.Internal(w, r, err)
		return customerPointsView{}, false
	}
	view, err := h.load(r, id, full, filter, after)
	if err != nil {
		console.Internal(w, r, err)
		return view, false
	}
	view.CustomerName = c.Name
	return view, true
}

// adjust adds or deducts points by hand. The form's nonce is the adjustment's reference, so a
// resubmitted form (a double click, a retried request) adjusts once.
func (h *handlers) adjust(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	form := adjustForm{Wallet: r.PostFormValue("wallet"), Direction: r.PostFormValue("direction"), Points: strings.TrimSpace(r.PostFormValue("points")),
		Reason: r.PostFormValue("reason_code"), Note: strings.TrimSpace(r.PostFormValue("note")), Errors: map[string]string{}}
	n, err := strconv.ParseInt(strings.ReplaceAll(form.Points, ",", ""), 10, 64)
	if err != nil || n <= 0 {
		form.Errors["points"] = messages.T(v.Lang, "points.bad_adjust_points")
	}
	if form.Direction == "deduct" {
		n = -n
	}
	pending := false
	if len(form.Errors) == 0 {
		adj := points.Adjustment{Customer: id, Wallet: ledger.Wallet(form.Wallet), Points: n, ReasonCode: form.Reason, Note: form.Note}
		if nonce := r.PostFormValue("_nonce"); nonce != "" {
			adj.Reference = "console:" + nonce
		}
		var o points.Outcome
		o, err = h.d.Points.Adjust(r.Context(), v.Tenant.ID, adj)
		pending = err == nil && o.Approval != nil && o.Approval.Status == points.RequestPending
		switch {
		case errors.Is(err, ports.ErrCustomerNotFound):
			console.NotFound(w, r)
			return
		case errors.Is(err, ledger.ErrInsufficient):
			form.Errors["points"] = messages.T(v.Lang, "points.insufficient")
		case err != nil:
			for _, fe := range fielderr.All(err) {
				form.Errors[fe.Field] = messages.TOr(v.Lang, "points.bad_adjust_"+fe.Field, "form.invalid")
			}
			if len(form.Errors) == 0 {
				console.Internal(w, r, err)
				return
			}
		}
	}
	full := r.PostFormValue("full") == "true"
	view, ok := h.page(w, r, id, full, "", "")
	if !ok {
		return
	}
	if len(form.Errors) > 0 {
		view.Adjust = form
		w.WriteHeader(http.StatusUnprocessableEntity)
	} else if pending {
		v.Flash = messages.T(v.Lang, "points.adjust_pending")
	} else {
		v.Flash = messages.T(v.Lang, "points.adjusted")
	}
	if r.Header.Get("HX-Request") == "true" {
		console.RenderBlock(w, r, "customer_points", "customer-points", view)
		return
	}
	console.Render(w, r, "customer_points", view)
}
