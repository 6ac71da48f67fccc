package browsertest_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"testing"
)

// csp is the policy every test page is served with: scripts only from the site itself, as the
// console's pages are.
const csp = "default-src 'self'"

const formPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Form</title>
<script src="/app.js" defer></script></head>
<body>
<form id="greet" action="/" method="get">
  <label>Name <input id="name" name="name"></label>
  <button id="go" type="submit">Greet</button>
</form>
<p id="out">nobody greeted yet</p>
</body></html>`

// appJS is the form page's only script, loaded from a second URL because the CSP forbids
// inline script.
const appJS = `document.getElementById("greet").addEventListener("submit", function (ev) {
  ev.preventDefault();
  document.getElementById("out").textContent = "Hello, " + document.getElementById("name").value + "!";
});`

const throwPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Throws</title>
<script src="/throw.js"></script></head><body><p>broken</p></body></html>`

const throwJS = `console.log("fine, not an error");
console.error("logged on purpose", 42);
Promise.reject(new Error("nobody caught this"));
throw new Error("boom from throw.js");`

const inlinePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inline</title></head>
<body><p id="p">before</p><script>document.getElementById("p").textContent = "after";</script></body></html>`

// newSite serves the test pages, closed when t ends.
func newSite(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", htmlPage(formPage))
	mux.HandleFunc("GET /app.js", script(appJS))
	mux.HandleFunc("GET /throw", htmlPage(throwPage))
	mux.HandleFunc("GET /throw.js", script(throwJS))
	mux.HandleFunc("GET /inline", htmlPage(inlinePage))
	mux.HandleFunc("GET /set-cookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "who", Value: r.URL.Query().Get("who"), Path: "/"})
		htmlPage(`<!doctype html><title>Set</title><p id="done">set</p>`)(w, r)
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		who := "nobody"
		if c, err := r.Cookie("who"); err == nil {
			who = c.Value
		}
		htmlPage(`<!doctype html><title>Who</title><p id="who">`+html.EscapeString(who)+`</p>`+
			`<p id="lang">`+html.EscapeString(r.Header.Get("Accept-Language"))+`</p>`)(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// htmlPage serves body as an HTML page under the test CSP.
func htmlPage(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", csp)
		_, _ = w.Write([]byte(body))
	}
}

// script serves body as JavaScript.
func script(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		_, _ = w.Write([]byte(body))
	}
}
