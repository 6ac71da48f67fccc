package httpapi

import (
	"embed"
	"io/fs"
	"net/http"
)

// docsAssets are the API reference page and Swagger UI, vendored (see docs/README.md): /docs
// loads nothing from elsewhere, so it works offline and wherever a CDN is out of reach.
//
//go:embed docs/index.html docs/init.js docs/swagger-ui-bundle.js docs/swagger-ui.css docs/favicon-32x32.png
var docsAssets embed.FS

// docsPolicy lets the page load its own scripts, styles and the document, and nothing else.
// Swagger UI sets inline styles, hence 'unsafe-inline' for styles (never for scripts).
const docsPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// serveDocs serves the API reference at /docs and its assets under /docs/assets/.
func (s *Server) serveDocs() {
	assets, err := fs.Sub(docsAssets, "docs")
	if err != nil {
		panic(err)
	}
	page, err := fs.ReadFile(assets, "index.html")
	if err != nil {
		panic(err)
	}
	s.router.Get("/docs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", docsPolicy)
		_, _ = w.Write(page)
	})
	files := http.StripPrefix("/docs/assets/", http.FileServer(http.FS(assets)))
	s.router.Get("/docs/assets/*", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}
