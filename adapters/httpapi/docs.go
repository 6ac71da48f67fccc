package httpapi

import (
	"compress/gzip"
	"embed"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	swaggerui "github.com/swaggest/swgui/v5/static"
)

// docsPage is the API reference page and its initialiser, Engage's own (see docs/README.md).
// Swagger UI itself comes from the Go module github.com/swaggest/swgui, which embeds its
// distribution gzipped: /docs loads nothing from elsewhere, so it works offline and wherever a
// CDN is out of reach.
//
//go:embed docs/index.html docs/init.js
var docsPage embed.FS

// docsPolicy lets the page load its own scripts, styles and the document, and nothing else.
// Swagger UI sets inline styles, hence 'unsafe-inline' for styles (never for scripts).
const docsPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// swaggerUIFiles are the files of Swagger UI's distribution the page loads.
var swaggerUIFiles = map[string]bool{"swagger-ui-bundle.js": true, "swagger-ui.css": true, "favicon-32x32.png": true}

// serveDocs serves the API reference at /docs and its assets under /docs/assets/.
func (s *Server) serveDocs() {
	page, err := fs.ReadFile(docsPage, "docs/index.html")
	if err != nil {
		panic(err)
	}
	initScript, err := fs.ReadFile(docsPage, "docs/init.js")
	if err != nil {
		panic(err)
	}
	s.router.Get("/docs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", docsPolicy)
		_, _ = w.Write(page)
	})
	s.router.Get("/docs/assets/*", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/docs/assets/")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
		switch {
		case name == "init.js":
			_, _ = w.Write(initScript)
		case swaggerUIFiles[name]:
			serveSwaggerUIFile(w, r, name)
		default:
			http.NotFound(w, r)
		}
	})
}

// serveSwaggerUIFile answers with one of Swagger UI's files, as stored (gzipped, when the
// module keeps it so) to a browser that accepts gzip, unpacked to one that does not.
func serveSwaggerUIFile(w http.ResponseWriter, r *http.Request, name string) {
	if raw, err := swaggerui.FS.ReadFile(name); err == nil {
		_, _ = w.Write(raw)
		return
	}
	packed, err := swaggerui.FS.Open(name + ".gz")
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer packed.Close()
	w.Header().Add("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = io.Copy(w, packed)
		return
	}
	unpacked, err := gzip.NewReader(packed)
	if err != nil {
		http.Error(w, "the file cannot be read", http.StatusInternalServerError)
		return
	}
	_, _ = io.Copy(w, unpacked)
}
