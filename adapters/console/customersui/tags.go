package customersui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/tags"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/domain/customers/tag"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
)

// customerTagsView is the tags card of the 360° view.
type customerTagsView struct {
	*console.View
	ID    uuid.UUID
	Tags  []ports.CustomerTag
	Value string
	Error string
}

// tagMessage is the console's wording of why a tag was refused.
func tagMessage(lang string, err error) string {
	switch {
	case errors.Is(err, tag.ErrTooLong):
		return messages.T(lang, "tags.bad_long")
	case errors.Is(err, tag.ErrControl), errors.Is(err, tag.ErrInvalid):
		return messages.T(lang, "tags.bad_control")
	}
	return messages.T(lang, "tags.bad_empty")
}

// customerTags renders a customer's tags card; the 360° view loads it.
func (h *handlers) customerTags(w http.ResponseWriter, r *http.Request) {
	h.changeCustomerTags(w, r, nil)
}

func (h *handlers) addCustomerTag(w http.ResponseWriter, r *http.Request) {
	h.changeCustomerTags(w, r, func(v *customerTagsView) ([]ports.CustomerTag, error) {
		v.Value = r.PostFormValue("tag")
		return h.d.Tags.Add(r.Context(), v.Tenant.ID, v.ID, []string{v.Value})
	})
}

func (h *handlers) removeCustomerTag(w http.ResponseWriter, r *http.Request) {
	h.changeCustomerTags(w, r, func(v *customerTagsView) ([]ports.CustomerTag, error) {
		return h.d.Tags.Remove(r.Context(), v.Tenant.ID, v.ID, r.PostFormValue("tag"))
	})
}

// changeCustomerTags applies change (nil only reads) and renders the card, with the refusal
// next to the input and the input kept.
func (h *handlers) changeCustomerTags(w http.ResponseWriter, r *http.Request, change func(v *customerTagsView) ([]ports.CustomerTag, error)) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := &customerTagsView{View: console.ViewOf(r), ID: id}
	var err error
	if change != nil {
		v.Tags, err = change(v)
		if fielderr.All(err) != nil {
			v.Error = tagMessage(v.Lang, err)
			w.WriteHeader(http.StatusUnprocessableEntity)
			err = nil
		} else if err == nil {
			v.Value = ""
		}
	}
	if change == nil || v.Error != "" {
		tagsNow, readErr := h.d.Tags.Of(r.Context(), v.Tenant.ID, id)
		v.Tags, err = tagsNow, errors.Join(err, readErr)
	}
	switch {
	case errors.Is(err, ports.ErrCustomerNotFound):
		console.NotFound(w, r)
	case err != nil:
		console.Internal(w, r, err)
	default:
		console.RenderBlock(w, r, "customer", "customer-tags", v)
	}
}

type tagsView struct {
	*console.View
	Counts []ports.TagCount
}

// tagsPage lists the brand's tags with their counts.
func (h *handlers) tagsPage(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	counts, err := h.d.Tags.Counts(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "tags", tagsView{View: v, Counts: counts})
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
func (h *handlers) bulkTag(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	q := customerFilter(r.PostFormValue)
	name, remove := r.PostFormValue("bulk_tag"), r.PostFormValue("action") == "remove"
	data := map[string]any{"V": v, "Filter": q, "Value": name}
	res, err := h.d.Tags.ApplyMatching(r.Context(), v.Tenant.ID, q, name, remove)
	switch {
	case fielderr.All(err) != nil:
		data["Error"] = tagMessage(v.Lang, err)
	case errors.Is(err, tags.ErrTooManyMatches):
		data["Error"] = messages.T(v.Lang, "tags.bulk_too_many")
	case err != nil:
		console.Internal(w, r, err)
		return
	default:
		key := "tags.bulk_assigned"
		if remove {
			key = "tags.bulk_removed"
		}
		data["Done"] = strings.NewReplacer("{changed}", strconv.FormatInt(res.Changed, 10), "{customers}", strconv.Itoa(res.Customers)).
			Replace(messages.T(v.Lang, key))
		data["Value"] = ""
	}
	if data["Error"] != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	console.RenderBlock(w, r, "customers", "bulk-tag", data)
}
