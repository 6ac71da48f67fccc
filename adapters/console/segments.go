package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customer"
	"github.com/engagehq/engage/domain/lifecycle"
	"github.com/engagehq/engage/domain/segment"
	"github.com/engagehq/engage/ports"
)

type segmentsView struct {
	*view
	Segments []segment.Segment
}

type segmentView struct {
	*view
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

func (s *Server) segmentsList(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersRead) {
		return
	}
	v := viewFrom(r.Context())
	segs, err := s.d.Segments.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 500})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.pages.render(w, "segments", segmentsView{view: v, Segments: segs})
}

// builderFields fills the builder's field list from the brand's catalogue.
func (s *Server) builderFields(r *http.Request, b *builder) (segment.Catalogue, error) {
	v := viewFrom(r.Context())
	defs, err := s.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		return segment.Catalogue{}, err
	}
	cat, err := s.d.Segments.Catalogue(r.Context(), v.Tenant.ID)
	if err != nil {
		return segment.Catalogue{}, err
	}
	b.Fields = fieldOptions(v.Lang, defs, cat)
	return cat, nil
}

func (s *Server) segmentPage(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersRead) {
		return
	}
	v := viewFrom(r.Context())
	out := segmentView{view: v, Builder: builder{Match: "and", Rows: []conditionRow{{Field: "city", Op: segment.OpEq}}},
		BuilderPath: segmentBuilderPath}
	if chi.URLParam(r, "id") != "new" {
		id, ok := s.pathID(w, r)
		if !ok {
			return
		}
		seg, err := s.d.Segments.Get(r.Context(), v.Tenant.ID, id)
		if errors.Is(err, ports.ErrSegmentNotFound) {
			s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
			return
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		out.ID, out.Name, out.Description, out.Members = seg.ID.String(), seg.Name, seg.Description, seg.Members
		var ok2 bool
		out.Builder, ok2 = fromTree(seg.Definition)
		out.Deep = !ok2
	}
	if _, err := s.builderFields(r, &out.Builder); err != nil {
		s.internal(w, r, err)
		return
	}
	s.pages.render(w, "segment", out)
}

// builderAction re-renders the builder after adding or removing a row.
func (s *Server) builderAction(page, path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.allowed(w, r, access.PermCustomersRead) {
			return
		}
		b := readBuilder(r)
		switch action := r.PostFormValue("action"); {
		case action == "add" && len(b.Rows) < segment.MaxConditions:
			b.Rows = append(b.Rows, conditionRow{Op: segment.OpEq})
		case strings.HasPrefix(action, "remove:"):
			if i, err := strconv.Atoi(strings.TrimPrefix(action, "remove:")); err == nil && i >= 0 && i < len(b.Rows) {
				b.Rows = append(b.Rows[:i], b.Rows[i+1:]...)
			}
		}
		if _, err := s.builderFields(r, &b); err != nil {
			s.internal(w, r, err)
			return
		}
		s.pages.renderBlock(w, page, "segment-builder", segmentView{view: viewFrom(r.Context()), Builder: b, BuilderPath: path})
	}
}

// segmentCount is the live count while the admin edits: the population, or what is wrong.
func (s *Server) segmentCount(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersRead) {
		return
	}
	v := viewFrom(r.Context())
	out := segmentView{view: v, Builder: readBuilder(r)}
	cat, err := s.builderFields(r, &out.Builder)
	if err == nil {
		var n int64
		n, err = s.d.Segments.Count(r.Context(), v.Tenant.ID, out.Builder.tree(cat))
		if err == nil {
			out.Count = &n
		}
	}
	if err != nil && !out.Builder.showErrors(v.Lang, err) {
		s.internal(w, r, err)
		return
	}
	s.pages.renderBlock(w, "segment", "segment-count", out)
}

func (s *Server) segmentPreview(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersRead) {
		return
	}
	v := viewFrom(r.Context())
	out := segmentView{view: v, Builder: readBuilder(r)}
	cat, err := s.builderFields(r, &out.Builder)
	if err == nil {
		out.Preview, err = s.d.Segments.Preview(r.Context(), v.Tenant.ID, out.Builder.tree(cat), 10)
	}
	if err != nil && !out.Builder.showErrors(v.Lang, err) {
		s.internal(w, r, err)
		return
	}
	s.pages.renderBlock(w, "segment", "segment-preview", out)
}

// saveSegment creates (path id "new") or changes a segment, then shows it.
func (s *Server) saveSegment(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersWrite) {
		return
	}
	v := viewFrom(r.Context())
	out := segmentView{view: v, ID: chi.URLParam(r, "id"), Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		Builder: readBuilder(r), BuilderPath: segmentBuilderPath}
	cat, err := s.builderFields(r, &out.Builder)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d := segments.Draft{Name: out.Name, Description: out.Description, Tree: out.Builder.tree(cat)}
	var seg segment.Segment
	if out.ID == "new" {
		out.ID = ""
		seg, err = s.d.Segments.Create(r.Context(), v.Tenant.ID, d)
	} else {
		id, ok := s.pathID(w, r)
		if !ok {
			return
		}
		seg, err = s.d.Segments.Update(r.Context(), v.Tenant.ID, id, d)
	}
	if err == nil {
		redirect(w, r, "/console/segments/"+seg.ID.String())
		return
	}
	var fe *segment.FieldError
	tree := out.Builder.showErrors(v.Lang, err)
	switch {
	case errors.As(err, &fe):
		out.NameError = tr(v.Lang, "segments.bad_name")
	case errors.Is(err, ports.ErrSegmentNameTaken):
		out.NameError = tr(v.Lang, "segments.name_taken")
	case errors.Is(err, ports.ErrSegmentNotFound):
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
		return
	case !tree:
		s.internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	s.pages.renderBlock(w, "segment", "segment-form", out)
}

func (s *Server) deleteSegment(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	if err := s.d.Segments.Delete(r.Context(), v.Tenant.ID, id); err != nil && !errors.Is(err, ports.ErrSegmentNotFound) {
		s.internal(w, r, err)
		return
	}
	redirect(w, r, "/console/segments")
}

// customerExport streams the customer list (q, city, segment) as CSV.
func (s *Server) customerExport(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersExport) {
		return
	}
	v := viewFrom(r.Context())
	q := r.URL.Query()
	f := segments.ExportFilter{Query: ports.CustomerQuery{Search: strings.TrimSpace(q.Get("q")), City: strings.TrimSpace(q.Get("city")),
		Tag: strings.TrimSpace(q.Get("tag"))}}
	if st, err := lifecycle.ParseStage(q.Get("lifecycle")); err == nil {
		f.Query.Lifecycle = st
	}
	if raw := q.Get("segment"); raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
			return
		}
		if _, err := s.d.Segments.Get(r.Context(), v.Tenant.ID, id); err != nil {
			s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
			return
		}
		f.Segment = id
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="customers-`+v.Tenant.Slug+`.csv"`)
	if _, err := s.d.Segments.ExportCSV(r.Context(), v.Tenant.ID, f, w); err != nil {
		s.d.Logger.ErrorContext(r.Context(), "console customer export", "error", err)
	}
}
