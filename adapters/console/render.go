package console

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed templates
var templateFS embed.FS

// pages holds one template set per page: the layout with the page's blocks.
type pages struct {
	sets map[string]*template.Template
}

// lang is what every view passes templates so they can translate.
type langer interface{ lang() string }

func (v *view) lang() string        { return v.Lang }
func (v errorView) lang() string    { return v.Lang }
func (v loginView) lang() string    { return v.Lang }
func (v platformView) lang() string { return v.Lang }

func mustParsePages() *pages {
	p := &pages{sets: map[string]*template.Template{}}
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		panic(err)
	}
	// templates/partials holds blocks shared by every page.
	partials, err := fs.Glob(templateFS, "templates/partials/*.html")
	if err != nil {
		panic(err)
	}
	shared := append([]string{"templates/layout.html"}, partials...)
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if e.IsDir() || name == "layout" {
			continue
		}
		t := template.New(name).Funcs(template.FuncMap{
			"t":     func(lang, key string) string { return tr(lang, key) },
			"time":  formatTime,
			"json":  prettyJSON,
			"join":  strings.Join,
			"has":   contains,
			"roles": func() []string { return roleOptions },
			"split": strings.Fields,
			"dict":  dict,
		})
		template.Must(t.ParseFS(templateFS, append(shared, "templates/"+e.Name())...))
		p.sets[name] = t
	}
	return p
}

// render writes page name; pages that stand alone (login, error) define "page", the others
// "content" inside the layout.
func (p *pages) render(w io.Writer, name string, data any) {
	p.renderBlock(w, name, "page", data)
}

// renderBlock writes one named block of a page, for htmx fragments.
func (p *pages) renderBlock(w io.Writer, name, block string, data any) {
	t, ok := p.sets[name]
	if !ok {
		panic("console: no page " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		if rw, ok := w.(http.ResponseWriter); ok {
			http.Error(rw, "template error", http.StatusInternalServerError)
		}
		return
	}
	if rw, ok := w.(http.ResponseWriter); ok && rw.Header().Get("Content-Type") == "" {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	_, _ = buf.WriteTo(w)
}

func formatTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Local().Format("2006-01-02 15:04")
	case *time.Time:
		if v == nil {
			return ""
		}
		return formatTime(*v)
	}
	return ""
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
