package customersui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
)

type segmentsView struct {
	*console.View
	Segments []segment.Segment
}

type segmentView struct {
	*console.View
	// ID is the saved segment's, empty for a new one.
	ID          string
	Name        string
	Description string
	Members     int64
	Builder     builder
	// Deep is set for a saved tree the builder cannot show (made through the API).
	Deep      bool
	Count     *int64
	Preview   []customer.Customer
	NameError string
	// BuilderPath is where the builder posts to add and remove rows.
	BuilderPath string
}

const (
	segmentBuilderPath = "/console/segments/builder"
	ruleBuilderPath    = "/console/tag-rules/builder"
)

func (h *handlers) segmentsList(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	segs, err := h.d.Segments.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 500})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "segments", segmentsView{View: v, Segments: segs})
}

// builderFields fills the builder's field list from the brand's catalogue.
func (h *handlers) builderFields(r *http.Request, b *builder) (segment.Catalogue, error) {
	v := console.ViewOf(r)
	defs, err := h.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		return segment.Catalogue{}, err
	}
	cat, err := h.d.Segments.Catalogue(r.Context(), v.Tenant.ID)
	if err != nil {
		return segment.Catalogue{}, err
	}
	b.Fields = fieldOptions(v.Lang, defs, cat)
	return cat, nil
}

func (h *handlers) segmentPage(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out := segmentView{View: v, Builder: builder{Match: "and", Rows: []conditionRow{{Field: "city", Op: segment.OpEq}}},
		BuilderPath: segmentBuilderPath}
	if chi.URLParam(r, "id") != "new" {
		id, ok := console.PathID(w, r)
		if !ok {
			return
		}
		seg, err := h.d.Segments.Get(r.Context(), v.Tenant.ID, id)
		if errors.Is(err, ports.ErrSegmentNotFound) {
			console.NotFound(w, r)
			return
		}
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		out.ID, out.Name, out.Description, out.Members = seg.ID.String(), seg.Name, seg.Description, seg.Members
		var ok2 bool
		out.Builder, ok2 = fromTree(seg.Definition)
		out.Deep = !ok2
	}
	if _, err := h.builderFields(r, &out.Builder); err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "segment", out)
}

// builderAction re-renders the builder after adding or removing a row.
func (h *handlers) builderAction(page, path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b := readBuilder(r)
		switch action := r.PostFormValue("action"); {
		case action == "add" && len(b.Rows) < segment.MaxConditions:
			b.Rows = append(b.Rows, conditionRow{Op: segment.OpEq})
		case strings.HasPrefix(action, "remove:"):
			if i, err := strconv.Atoi(strings.TrimPrefix(action, "remove:")); err == nil && i >= 0 && i < len(b.Rows) {
				b.Rows = append(b.Rows[:i], b.Rows[i+1:]...)
			}
		}
		if _, err := h.builderFields(r, &b); err != nil {
			console.Internal(w, r, err)
			return
		}
		console.RenderBlock(w, r, page, "segment-builder", segmentView{View: console.ViewOf(r), Builder: b, BuilderPath: path})
	}
}

// segmentCount is the live count while the admin edits: the population, or what is wrong.
func (h *handlers) segmentCount(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out := segmentView{View: v, Builder: readBuilder(r)}
	cat, err := h.builderFields(r, &out.Builder)
	if err == nil {
		var n int64
		n, err = h.d.Segments.Count(r.Context(), v.Tenant.ID, out.Builder.tree(cat))
		if err == nil {
			out.Count = &n
		}
	}
	if err != nil && !out.Builder.showErrors(v.Lang, err) {
		console.Internal(w, r, err)
		return
	}
	console.RenderBlock(w, r, "segment", "segment-count", out)
}

func (h *handlers) segmentPreview(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out := segmentView{View: v, Builder: readBuilder(r)}
	cat, err := h.builderFields(r, &out.Builder)
	if err == nil {
		out.Preview, err = h.d.Segments.Preview(r.Context(), v.Tenant.ID, out.Builder.tree(cat), 10)
		for i := range out.Preview {
			out.Preview[i].Phone = shownPhone(v, out.Preview[i].Phone)
		}
	}
	if err != nil && !out.Builder.showErrors(v.Lang, err) {
		console.Internal(w, r, err)
		return
	}
	console.RenderBlock(w, r, "segment", "segment-preview", out)
}

// saveSegment creates (path id "new") or changes a segment, then shows it.
func (h *handlers) saveSegment(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out := segmentView{View: v, ID: chi.URLParam(r, "id"), Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		Builder: readBuilder(r), BuilderPath: segmentBuilderPath}
	cat, err := h.builderFields(r, &out.Builder)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	d := segments.Draft{Name: out.Name, Description: out.Description, Tree: out.Builder.tree(cat)}
	var seg segment.Segment
	if out.ID == "new" {
		out.ID = ""
		seg, err = h.d.Segments.Create(r.Context(), v.Tenant.ID, d)
	} else {
		id, ok := console.PathID(w, r)
		if !ok {
			return
		}
		seg, err = h.d.Segments.Update(r.Context(), v.Tenant.ID, id, d)
	}
	if err == nil {
		console.Redirect(w, r, "/console/segments/"+seg.ID.String())
		return
	}
	tree := out.Builder.showErrors(v.Lang, err)
	switch {
	case names(err, "name", "description"):
		out.NameError = messages.T(v.Lang, "segments.bad_name")
	case errors.Is(err, ports.ErrSegmentNameTaken):
		out.NameError = messages.T(v.Lang, "segments.name_taken")
	case errors.Is(err, ports.ErrSegmentNotFound):
		console.NotFound(w, r)
		return
	case !tree:
		console.Internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.RenderBlock(w, r, "segment", "segment-form", out)
}

func (h *handlers) deleteSegment(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	// Another brand's segment is not found, as one that never was: no redirect that looks done.
	if err := h.d.Segments.Delete(r.Context(), v.Tenant.ID, id); errors.Is(err, ports.ErrSegmentNotFound) {
		console.NotFound(w, r)
		return
	} else if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Redirect(w, r, "/console/segments")
}

// customerExport streams the customer list (q, city, segment) as CSV.
func (h *handlers) customerExport(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	q := r.URL.Query()
	f := segments.ExportFilter{Query: ports.CustomerQuery{Search: strings.TrimSpace(q.Get("q")), City: strings.TrimSpace(q.Get("city")),
		Tag: strings.TrimSpace(q.Get("tag"))}}
	if st, err := lifecycle.ParseStage(q.Get("lifecycle")); err == nil {
		f.Query.Lifecycle = st
	}
	if raw := q.Get("segment"); raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			console.NotFound(w, r)
			return
		}
		if _, err := h.d.Segments.Get(r.Context(), v.Tenant.ID, id); err != nil {
			console.NotFound(w, r)
			return
		}
		f.Segment = id
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="customers-`+v.Tenant.Slug+`.csv"`)
	if _, err := h.d.Segments.ExportCSV(r.Context(), v.Tenant.ID, f, w); err != nil {
		console.Logger(r).ErrorContext(r.Context(), "console customer export", "error", err)
	}
}
