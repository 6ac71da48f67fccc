package customersui

import (
	"errors"
	"fmt"
	"net/http"
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
	// Templates are the ready-made segments the builder opens with.
	Templates []choice
}

type segmentView struct {
	*console.View
	// ID is the saved segment's, empty for a new one.
	ID          string
	Name        string
	Description string
	Members     int64
	// Counting says the saved segment's members are being computed (see segment.Counting).
	Counting  bool
	Builder   builder
	Count     *int64
	Preview   []customer.Customer
	NameError string
	// BuilderPath is where the builder posts to add and remove nodes; CountPath, where it asks
	// for the live count after redrawing ("" for none).
	BuilderPath, CountPath string
}

const (
	segmentBuilderPath = "/console/segments/builder"
	segmentCountPath   = "/console/segments/count"
	ruleBuilderPath    = "/console/tag-rules/builder"
)

func (h *handlers) segmentsList(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	segs, err := h.d.Segments.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 500})
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := segmentsView{View: v, Segments: segs}
	for _, t := range segmentTemplates {
		out.Templates = append(out.Templates, choice{Value: t.Key, Label: messages.T(v.Lang, "segments.template."+t.Key)})
	}
	console.Render(w, r, "segments", out)
}

// palette returns what the builder offers the brand: its fields, labelled. The values its
// pickers offer are read by draw, for the fields a form shows.
func (h *handlers) palette(r *http.Request) (palette, error) {
	v := console.ViewOf(r)
	ctx, tenant := r.Context(), v.Tenant.ID
	p := palette{lang: v.Lang}
	defs, err := h.d.Customers.AttributeDefs(ctx, tenant)
	if err != nil {
		return p, err
	}
	p.labels = attributeLabels(v.Lang, defs)
	p.cat, err = h.d.Segments.Catalogue(ctx, tenant)
	return p, err
}

// draw readies b for the template, with the values its pickers offer: only the lists of the
// fields its conditions use, each read once (some scan every purchase), and the brand's event
// types only when a condition picks one.
func (h *handlers) draw(r *http.Request, p palette, b *builder) error {
	v := console.ViewOf(r)
	lists, eventTypes := p.lists(b.Root)
	var err error
	if p.values, err = h.d.Segments.Values(r.Context(), v.Tenant.ID, lists...); err != nil {
		return err
	}
	if eventTypes {
		custom, err := h.d.Events.EventTypes(r.Context(), v.Tenant.ID)
		if err != nil {
			return err
		}
		p.eventTypes = eventTypeOptions(v.Lang, custom)
	}
	p.draw(b)
	return nil
}

// draw readies b for the template with the values p holds.
func (p palette) draw(b *builder) {
	b.Fields = p.fieldOptions()
	p.prepare(b.Root, 1)
}

func (h *handlers) segmentPage(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	p, err := h.palette(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := segmentView{View: v, Builder: newBuilder(cond("city", segment.OpEq)), BuilderPath: segmentBuilderPath, CountPath: segmentCountPath}
	if chi.URLParam(r, "id") == "new" {
		if t, ok := templateNamed(r.URL.Query().Get("template")); ok {
			out.Builder = t.Build()
			out.Name = messages.T(v.Lang, "segments.template."+t.Key)
			out.Description = messages.T(v.Lang, "segments.template."+t.Key+"_desc")
		}
	} else {
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
		out.ID, out.Name, out.Description, out.Members, out.Counting = seg.ID.String(), seg.Name, seg.Description, seg.Members, seg.Counting()
		out.Builder, _ = fromTree(seg.Definition, p.cat)
		switch {
		case r.URL.Query().Get("saved") != "1":
		case seg.Counting():
			v.Flash = messages.T(v.Lang, "segments.saved_counting")
		default:
			v.Flash = fmt.Sprintf(messages.T(v.Lang, "segments.saved"), seg.Members)
		}
	}
	if err := h.draw(r, p, &out.Builder); err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "segment", out)
}

// builderAction redraws the builder after a node was added or removed, or a field or
// operator changed: the builder alone for htmx, else (the form posted without scripts) the
// whole page, as full fills it from the form.
func (h *handlers) builderAction(page, path, countPath string, full func(w http.ResponseWriter, r *http.Request, b builder)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b := readBuilder(r)
		b.act(r.PostFormValue("action"))
		if r.Header.Get("HX-Request") != "true" {
			full(w, r, b)
			return
		}
		p, err := h.palette(r)
		if err == nil {
			err = h.draw(r, p, &b)
		}
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		console.RenderBlock(w, r, page, "segment-builder", segmentView{View: console.ViewOf(r), Builder: b, BuilderPath: path,
			CountPath: countPath})
	}
}

// segmentRedrawn is the segment page of a form posted to the builder without scripts: its
// name, description and builder as posted, the saved segment's member count (form field id)
// and the live count.
func (h *handlers) segmentRedrawn(w http.ResponseWriter, r *http.Request, b builder) {
	v := console.ViewOf(r)
	out := segmentView{View: v, Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Builder: b,
		BuilderPath: segmentBuilderPath, CountPath: segmentCountPath}
	if raw := r.PostFormValue("id"); raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			console.NotFound(w, r)
			return
		}
		seg, err := h.d.Segments.Get(r.Context(), v.Tenant.ID, id)
		if errors.Is(err, ports.ErrSegmentNotFound) {
			console.NotFound(w, r)
			return
		} else if err != nil {
			console.Internal(w, r, err)
			return
		}
		out.ID, out.Members, out.Counting = seg.ID.String(), seg.Members, seg.Counting()
	}
	p, err := h.palette(r)
	if err == nil {
		err = h.draw(r, p, &out.Builder)
	}
	if err == nil {
		// The count of the tree as drawn (a changed field starts afresh), or what is wrong.
		tree, at := out.Builder.tree(p)
		var n int64
		if n, err = h.d.Segments.Count(r.Context(), v.Tenant.ID, tree); err == nil {
			out.Count = &n
		} else if out.Builder.showErrors(v.Lang, err, at) {
			err = nil
		}
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "segment", out)
}

// segmentCount is the live count while the admin edits: the population, or what is wrong.
func (h *handlers) segmentCount(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out := segmentView{View: v, Builder: readBuilder(r)}
	p, err := h.palette(r)
	var at map[string]*bnode
	if err == nil {
		var tree any
		tree, at = out.Builder.tree(p)
		var n int64
		if n, err = h.d.Segments.Count(r.Context(), v.Tenant.ID, tree); err == nil {
			out.Count = &n
		}
	}
	if err != nil && !out.Builder.showErrors(v.Lang, err, at) {
		console.Internal(w, r, err)
		return
	}
	console.RenderBlock(w, r, "segment", "segment-count", out)
}

func (h *handlers) segmentPreview(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out := segmentView{View: v, Builder: readBuilder(r)}
	p, err := h.palette(r)
	var at map[string]*bnode
	if err == nil {
		var tree any
		tree, at = out.Builder.tree(p)
		out.Preview, err = h.d.Segments.Preview(r.Context(), v.Tenant.ID, tree, 10)
		for i := range out.Preview {
			out.Preview[i].Phone = shownPhone(v, out.Preview[i].Phone)
		}
	}
	if err != nil && !out.Builder.showErrors(v.Lang, err, at) {
		console.Internal(w, r, err)
		return
	}
	console.RenderBlock(w, r, "segment", "segment-preview", out)
}

// saveSegment creates (path id "new") or changes a segment, its members computed as it is
// saved, then shows it with a confirmation.
func (h *handlers) saveSegment(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out := segmentView{View: v, ID: chi.URLParam(r, "id"), Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		Builder: readBuilder(r), BuilderPath: segmentBuilderPath, CountPath: segmentCountPath}
	p, err := h.palette(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	tree, at := out.Builder.tree(p)
	d := segments.Draft{Name: out.Name, Description: out.Description, Tree: tree}
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
		console.Redirect(w, r, "/console/segments/"+seg.ID.String()+"?saved=1")
		return
	}
	shown := out.Builder.showErrors(v.Lang, err, at)
	switch {
	case names(err, "name", "description"):
		out.NameError = messages.T(v.Lang, "segments.bad_name")
	case errors.Is(err, ports.ErrSegmentNameTaken):
		out.NameError = messages.T(v.Lang, "segments.name_taken")
	case errors.Is(err, ports.ErrSegmentNotFound):
		console.NotFound(w, r)
		return
	case !shown:
		console.Internal(w, r, err)
		return
	}
	if err := h.draw(r, p, &out.Builder); err != nil {
		console.Internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	if r.Header.Get("HX-Request") != "true" {
		console.Render(w, r, "segment", out)
		return
	}
	console.RenderBlock(w, r, "segment", "segment-form", out)
}

// segmentMembers is a saved segment's member count, which the page asks for again while its
// members are being counted.
func (h *handlers) segmentMembers(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	seg, err := h.d.Segments.Get(r.Context(), v.Tenant.ID, id)
	if errors.Is(err, ports.ErrSegmentNotFound) {
		console.NotFound(w, r)
		return
	} else if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.RenderBlock(w, r, "segment", "segment-members", segmentView{View: v, ID: seg.ID.String(), Members: seg.Members,
		Counting: seg.Counting()})
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

// customerExport streams the customer list (q, city, tag, lifecycle, segment) as CSV, phones
// masked unless the admin may see them, as the list shows them.
func (h *handlers) customerExport(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	q := r.URL.Query()
	f := segments.ExportFilter{Query: ports.CustomerQuery{Search: strings.TrimSpace(q.Get("q")), City: strings.TrimSpace(q.Get("city")),
		Tag: strings.TrimSpace(q.Get("tag"))}, MaskPhones: !v.Can(string(customer.PermPersonalData))}
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
