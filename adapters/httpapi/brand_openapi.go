package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/tenants"
)

// BrandSchemas is a module whose brands define things of their own (the customers module:
// custom attributes and event types) that each brand's OpenAPI document types, so that a
// partner's generated client knows them.
type BrandSchemas interface {
	// BrandSchemas returns the module's part of t's document.
	BrandSchemas(ctx context.Context, t tenants.Tenant) (BrandPatch, error)
}

// BrandPatch is one module's part of a brand's OpenAPI document.
type BrandPatch struct {
	// Source is what Patch is built from, as plain values that encode as JSON: the brand's
	// document is built again when it changes.
	Source any
	// Patch changes the schemas (components.schemas) of a decoded copy of the global document.
	Patch func(schemas map[string]any)
}

// brandDocs serves each brand's own OpenAPI document: the global one with the brand's server
// URL, patched by every module that has BrandSchemas. Documents are built from a copy of the
// global document and kept per brand under a version, a hash of everything they are built
// from: a brand whose definitions changed (in this process or another) gets a new document on
// its next request.
type brandDocs struct {
	modules []BrandSchemas
	// global is the global document, encoded once the API is complete.
	global func() ([]byte, error)

	mu    sync.Mutex
	cache map[uuid.UUID]brandDoc
}

func newBrandDocs(modules []Module, global func() ([]byte, error)) *brandDocs {
	d := &brandDocs{global: sync.OnceValues(global), cache: map[uuid.UUID]brandDoc{}}
	for _, m := range modules {
		if bs, ok := m.(BrandSchemas); ok {
			d.modules = append(d.modules, bs)
		}
	}
	return d
}

type brandDoc struct {
	version string
	body    []byte
}

// brandSource is what a brand's document is built from.
type brandSource struct {
	Name    string `json:"name"`
	Server  string `json:"server"`
	Modules []any  `json:"modules"`
}

func (src brandSource) version() (string, error) {
	raw, err := json.Marshal(src)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:12]), nil
}

// brandOpenAPI serves GET /t/{slug}/openapi.json. It is public, like /openapi.json: it shows the
// shape of the brand's data, never the data.
func (s *Server) brandOpenAPI(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	slug := chi.URLParam(r, "slug")
	notFound := func() {
		writeProblem(w, NewProblem(ctx, http.StatusNotFound, "tenant_not_found", "no such brand"))
	}
	// Brands are named by slug only: an ID would let anyone probe which IDs exist.
	if uuid.Validate(slug) == nil || len(slug) > 40 {
		notFound()
		return
	}
	t, err := s.deps.Tenants.Lookup(ctx, slug)
	if errors.Is(err, tenants.ErrNotFound) || (err == nil && !t.Active()) {
		notFound()
		return
	}
	var doc brandDoc
	if err == nil {
		doc, err = s.brandDocs.get(ctx, t, s.deps.PublicURL)
	}
	if err != nil {
		writeProblem(w, s.kit.MapError(ctx, err).(*Problem))
		return
	}
	w.Header().Set("ETag", `"`+doc.version+`"`)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == `"`+doc.version+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/openapi+json")
	_, _ = w.Write(doc.body)
}

// get returns t's document, built again only when its source changed.
func (d *brandDocs) get(ctx context.Context, t tenants.Tenant, server string) (brandDoc, error) {
	src := brandSource{Name: t.Name, Server: server, Modules: []any{}}
	patches := make([]BrandPatch, len(d.modules))
	for i, m := range d.modules {
		p, err := m.BrandSchemas(ctx, t)
		if err != nil {
			return brandDoc{}, err
		}
		patches[i] = p
		src.Modules = append(src.Modules, p.Source)
	}
	version, err := src.version()
	if err != nil {
		return brandDoc{}, err
	}
	d.mu.Lock()
	doc, ok := d.cache[t.ID.UUID()]
	d.mu.Unlock()
	if ok && doc.version == version {
		return doc, nil
	}
	global, err := d.global()
	if err != nil {
		return brandDoc{}, err
	}
	body, err := buildBrandDoc(global, src, patches)
	if err != nil {
		return brandDoc{}, err
	}
	doc = brandDoc{version: version, body: body}
	d.mu.Lock()
	d.cache[t.ID.UUID()] = doc
	d.mu.Unlock()
	return doc, nil
}

// buildBrandDoc patches a decoded copy of the global document for one brand.
func buildBrandDoc(global []byte, src brandSource, patches []BrandPatch) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(global, &doc); err != nil {
		return nil, err
	}
	if src.Server != "" {
		doc["servers"] = []any{map[string]any{"url": src.Server, "description": src.Name}}
	}
	if info, _ := doc["info"].(map[string]any); info != nil {
		description, _ := info["description"].(string)
		info["title"] = "Engage API · " + src.Name
		info["description"] = strings.TrimSpace(description + "\n\nThis is " + src.Name +
			"'s own document: what the brand defines for itself is typed in it.")
	}
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	if schemas == nil {
		return json.Marshal(doc)
	}
	for _, p := range patches {
		p.Patch(schemas)
	}
	return json.Marshal(doc)
}
