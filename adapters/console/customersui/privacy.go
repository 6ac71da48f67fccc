package customersui

import (
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/ports"
)

type privacyView struct {
	*console.View
	CustomerID uuid.UUID
	State      ports.CustomerState
	// Pending is the open erasure request, when there is one.
	Pending *ports.Erasure
}

type erasuresView struct {
	*console.View
	Erasures []ports.Erasure
}

// privacyPanel is the 360° view's privacy part: the customer's erasure state and the action
// that erases their personal data.
func (h *handlers) privacyPanel(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	h.renderPrivacy(w, r, id)
}

func (h *handlers) renderPrivacy(w http.ResponseWriter, r *http.Request, id uuid.UUID) {
	v := console.ViewOf(r)
	out := privacyView{View: v, CustomerID: id}
	var err error
	if out.State, err = h.d.Privacy.State(r.Context(), v.Tenant.ID, id); err != nil {
		customerMissing(w, r, err)
		return
	}
	if out.State.ErasurePending {
		e, err := h.d.Privacy.PendingErasure(r.Context(), v.Tenant.ID, id)
		if err != nil && !errors.Is(err, ports.ErrErasureNotFound) {
			console.Internal(w, r, err)
			return
		}
		if err == nil {
			out.Pending = &e
		}
	}
	console.RenderBlock(w, r, "customer_privacy", "privacy", out)
}

// eraseCustomer asks for the customer's personal data to be erased, at once.
func (h *handlers) eraseCustomer(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	_, err := h.d.Privacy.RequestErasure(r.Context(), v.Tenant.ID, id, ports.ErasureByAdmin)
	switch {
	case err == nil, errors.Is(err, ports.ErrErasurePending), errors.Is(err, ports.ErrCustomerErased):
		// Already under way or done: the panel says which.
	case errors.Is(err, ports.ErrCustomerNotFound):
		console.NotFound(w, r)
		return
	default:
		console.Internal(w, r, err)
		return
	}
	h.renderPrivacy(w, r, id)
}

// erasures lists the brand's erasure requests.
func (h *handlers) erasures(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	es, err := h.d.Privacy.Erasures(r.Context(), v.Tenant.ID, ports.Page{Limit: 200})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "customer_privacy", erasuresView{View: v, Erasures: es})
}
