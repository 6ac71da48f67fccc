package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/tags"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/lifecycle"
	"github.com/engagehq/engage/domain/tag"
	"github.com/engagehq/engage/ports"
)

// customerTagsView is the tags card of the 360° view.
type customerTagsView struct {
	*view
	ID    uuid.UUID
	Tags  []ports.CustomerTag
	Value string
	Error string
}

// tagMessage is the console's wording of why a tag was refused.
func tagMessage(lang string, err error) string {
	switch {
	case errors.Is(err, tag.ErrTooLong):
		return tr(lang, "tags.bad_long")
	case errors.Is(err, tag.ErrControl), errors.Is(err, tag.ErrInvalid):
		return tr(lang, "tags.bad_control")
	}
	return tr(lang, "tags.bad_empty")
}

// customerTags renders a customer's tags card; the 360° view loads it.
func (s *Server) customerTags(w http.ResponseWriter, r *http.Request) {
	s.changeCustomerTags(w, r, access.PermCustomersRead, nil)
}

func (s *Server) addCustomerTag(w http.ResponseWriter, r *http.Request) {
	s.changeCustomerTags(w, r, access.PermCustomersWrite, func(v *customerTagsView) ([]ports.CustomerTag, error) {
		v.Value = r.PostFormValue("tag")
		return s.d.Tags.Add(r.Context(), v.Tenant.ID, v.ID, []string{v.Value})
	})
}

func (s *Server) removeCustomerTag(w http.ResponseWriter, r *http.Request) {
	s.changeCustomerTags(w, r, access.PermCustomersWrite, func(v *customerTagsView) ([]ports.CustomerTag, error) {
		return s.d.Tags.Remove(r.Context(), v.Tenant.ID, v.ID, r.PostFormValue("tag"))
	})
}

// changeCustomerTags applies change (nil only reads) and renders the card, with the refusal
// next to the input and the input kept.
func (s *Server) changeCustomerTags(w http.ResponseWriter, r *http.Request, p access.Permission,
	change func(v *customerTagsView) ([]ports.CustomerTag, error)) {
	if !s.allowed(w, r, p) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := &customerTagsView{view: viewFrom(r.Context()), ID: id}
	var err error
	if change != nil {
		v.Tags, err = change(v)
		var fe *tag.FieldError
		if errors.As(err, &fe) {
			v.Error = tagMessage(v.Lang, err)
			w.WriteHeader(http.StatusUnprocessableEntity)
			err = nil
		} else if err == nil {
			v.Value = ""
		}
	}
	if change == nil || v.Error != "" {
		tagsNow, readErr := s.d.Tags.Of(r.Context(), v.Tenant.ID, id)
		v.Tags, err = tagsNow, errors.Join(err, readErr)
	}
	switch {
	case errors.Is(err, ports.ErrCustomerNotFound):
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
	case err != nil:
		s.internal(w, r, err)
	default:
		s.pages.renderBlock(w, "customer", "customer-tags", v)
	}
}

type tagsView struct {
	*view
	Counts []ports.TagCount
}

// tagsPage lists the brand's tags with their counts.
func (s *Server) tagsPage(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersRead) {
		return
	}
	v := viewFrom(r.Context())
	counts, err := s.d.Tags.Counts(r.Context(), v.Tenant.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.pages.render(w, "tags", tagsView{view: v, Counts: counts})
}

// customerFilter reads the customer list's filters from a query or a form.
func customerFilter(get func(string) string) ports.CustomerQuery {
	q := ports.CustomerQuery{Search: strings.TrimSpace(get("q")), City: strings.TrimSpace(get("city")), Tag: strings.TrimSpace(get("tag"))}
	if st, err := lifecycle.ParseStage(get("lifecycle")); err == nil {
		q.Lifecycle = st
	}
	return q
}

// bulkTag gives a tag to, or takes it off, every customer the list's filters match.
func (s *Server) bulkTag(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersWrite) {
		return
	}
	v := viewFrom(r.Context())
	q := customerFilter(r.PostFormValue)
	name, remove := r.PostFormValue("bulk_tag"), r.PostFormValue("action") == "remove"
	data := map[string]any{"V": v, "Filter": q, "Value": name}
	res, err := s.d.Tags.ApplyMatching(r.Context(), v.Tenant.ID, q, name, remove)
	var fe *tag.FieldError
	switch {
	case errors.As(err, &fe):
		data["Error"] = tagMessage(v.Lang, err)
	case errors.Is(err, tags.ErrTooManyMatches):
		data["Error"] = tr(v.Lang, "tags.bulk_too_many")
	case err != nil:
		s.internal(w, r, err)
		return
	default:
		key := "tags.bulk_assigned"
		if remove {
			key = "tags.bulk_removed"
		}
		data["Done"] = strings.NewReplacer("{changed}", strconv.FormatInt(res.Changed, 10), "{customers}", strconv.Itoa(res.Customers)).
			Replace(tr(v.Lang, key))
		data["Value"] = ""
	}
	if data["Error"] != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	s.pages.renderBlock(w, "customers", "bulk-tag", data)
}
