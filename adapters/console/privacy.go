package console

import (
	"errors"
	"net/http"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

type privacyView struct {
	*view
	CustomerID uuid.UUID
	State      ports.CustomerState
	// Pending is the open erasure request, when there is one.
	Pending *ports.Erasure
}

type erasuresView struct {
	*view
	Erasures []ports.Erasure
}

// privacyPanel is the 360° view's privacy part: the customer's erasure state and the action
// that erases their personal data.
func (s *Server) privacyPanel(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersErase) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.renderPrivacy(w, r, id)
}

func (s *Server) renderPrivacy(w http.ResponseWriter, r *http.Request, id uuid.UUID) {
	v := viewFrom(r.Context())
	out := privacyView{view: v, CustomerID: id}
	var err error
	if out.State, err = s.d.Privacy.State(r.Context(), v.Tenant.ID, id); err != nil {
		s.customerMissing(w, r, err)
		return
	}
	if out.State.ErasurePending {
		e, err := s.d.Privacy.PendingErasure(r.Context(), v.Tenant.ID, id)
		if err != nil && !errors.Is(err, ports.ErrErasureNotFound) {
			s.internal(w, r, err)
			return
		}
		if err == nil {
			out.Pending = &e
		}
	}
	s.pages.renderBlock(w, "customer_privacy", "privacy", out)
}

// eraseCustomer asks for the customer's personal data to be erased, at once.
func (s *Server) eraseCustomer(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersErase) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	_, err := s.d.Privacy.RequestErasure(r.Context(), v.Tenant.ID, id, ports.ErasureByAdmin)
	switch {
	case err == nil, errors.Is(err, ports.ErrErasurePending), errors.Is(err, ports.ErrCustomerErased):
		// Already under way or done: the panel says which.
	case errors.Is(err, ports.ErrCustomerNotFound):
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
		return
	default:
		s.internal(w, r, err)
		return
	}
	s.renderPrivacy(w, r, id)
}

// erasures lists the brand's erasure requests.
func (s *Server) erasures(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersErase) {
		return
	}
	v := viewFrom(r.Context())
	es, err := s.d.Privacy.Erasures(r.Context(), v.Tenant.ID, ports.Page{Limit: 200})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.pages.render(w, "customer_privacy", erasuresView{view: v, Erasures: es})
}
