package console

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"strings"
)

// templateFS holds the layout and the console's own pages (sign-in, error).
//
//go:embed templates
var templateFS embed.FS

// pages are one module's templates: each page parsed with the layout and the module's
// partials, and the partials alone, for the parts the module renders on others' pages.
type pages struct {
	sets     map[string]*template.Template
	partials *template.Template
}

// kitPages are the console's own pages.
var kitPages = func() *pages {
	own, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	p, err := parsePages(own, messages, authFuncs)
	if err != nil {
		panic(err)
	}
	return p
}()

// parsePages parses the pages of fsys: every .html file at its root but the layout, with the
// console's layout and the files under partials/. Templates translate with m and call the
// console's functions and funcs.
func parsePages(fsys fs.FS, m Messages, funcs template.FuncMap) (*pages, error) {
	fm := template.FuncMap{
		"t":     m.T,
		"date":  formatDate,
		"yuan":  FormatYuan,
		"json":  prettyJSON,
		"join":  strings.Join,
		"has":   contains,
		"split": strings.Fields,
		"dict":  dict,
	}
	maps.Copy(fm, funcs)
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, "*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, file := range files {
		name := strings.TrimSuffix(file, ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(fm).ParseFS(templateFS, "templates/layout.html")
		if err == nil {
			t, err = t.ParseFS(fsys, append(partials, file)...)
		}
		if err != nil {
			return nil, err
		}
		p.sets[name] = t
	}
	if len(partials) > 0 {
		if p.partials, err = template.New("partials").Funcs(fm).ParseFS(fsys, partials...); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// render writes page name; pages that stand alone (sign-in, error) define "page", the others
// "content" inside the layout.
func (p *pages) render(w io.Writer, name string, data any) {
	if err := p.renderBlock(w, name, "page", data); err != nil {
		// The console's own pages parse and run with their data, which tests hold them to.
		if rw, ok := w.(http.ResponseWriter); ok {
			http.Error(rw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		}
	}
}

// renderBlock writes one named block of a page, for htmx fragments. Nothing is written when it
// fails: the caller answers instead.
func (p *pages) renderBlock(w io.Writer, name, block string, data any) error {
	t, ok := p.sets[name]
	if !ok {
		panic("console: no page " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("console: page %s, block %s: %w", name, block, err)
	}
	if rw, ok := w.(http.ResponseWriter); ok && rw.Header().Get("Content-Type") == "" {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	_, _ = buf.WriteTo(w)
	return nil
}

// Render writes page (a template of the module serving r) in the layout. A page that fails to
// render answers as Internal does: the admin's language and the request ID, the error logged.
func Render(w http.ResponseWriter, r *http.Request, page string, data any) {
	RenderBlock(w, r, page, "page", data)
}

// RenderBlock writes one block of page (a template of the module serving r), for htmx fragments.
func RenderBlock(w http.ResponseWriter, r *http.Request, page, block string, data any) {
	if err := ViewOf(r).module.pages.renderBlock(w, page, block, data); err != nil {
		Internal(w, r, err)
	}
}

// errNoBlock is a Fragment of a block the module's partials do not define.
var errNoBlock = errors.New("console: no such block among the module's partials")

// Fragment is a block of the partials of the module rendering r's part, as HTML to embed in
// another page.
func Fragment(r *http.Request, block string, data any) (template.HTML, error) {
	ps := ViewOf(r).module.pages.partials
	if ps == nil || ps.Lookup(block) == nil {
		return "", fmt.Errorf("%w: %s", errNoBlock, block)
	}
	var buf bytes.Buffer
	if err := ps.ExecuteTemplate(&buf, block, data); err != nil {
		return "", err
	}
	// html/template escaped it as it rendered.
	return template.HTML(buf.String()), nil
}

func prettyJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// dict builds a map from alternating keys and values, to pass several things to a template.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}
