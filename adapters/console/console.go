// Package console is the kit of the hosted admin console: server-rendered pages with htmx,
// served by the same binary at /console. It signs admins in through Kratos or (in
// development) one-time links, picks their brand, protects every form against CSRF, renders
// pages in the layout in the admin's language, and checks, before any handler runs, the gate
// that each route declares. The pages themselves come from modules (see Module).
package console

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/application/platform/signin"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

//go:embed assets
var assets embed.FS

// Deps are what the console needs to sign admins in, and the modules that bring its pages.
type Deps struct {
	// Tenants resolves the admin's brands; Access signs admins in and lists their memberships;
	// Authorizer says what their roles grant.
	Tenants    *tenants.Directory
	Access     *accessapp.Service
	Authorizer ports.Authorizer
	// Identity checks admin sessions; SignIn redeems local links (nil in production).
	Identity ports.IdentityProvider
	SignIn   *signin.Service
	// KratosBrowserURL is where browsers reach Kratos's self-service login; empty without Kratos.
	KratosBrowserURL string
	// SelfService reads Kratos's self-service flows for the AuthPages and signs out of Kratos;
	// nil without Kratos.
	SelfService ports.SelfService
	// PublicURL is the console's external base URL, for the absolute return URLs Kratos takes.
	PublicURL string
	// CSRFKey derives each session's CSRF token.
	CSRFKey []byte
	// PlatformKey admits platform operators to the Operator routes (basic auth password).
	PlatformKey string
	// SignInLimit throttles sign-in attempts per client IP; nil applies none.
	SignInLimit func(http.Handler) http.Handler
	// SecureCookies marks cookies Secure (everywhere but plain-HTTP development).
	SecureCookies bool
	// Logger records what went wrong behind an answer of 500.
	Logger *slog.Logger
	// Modules bring the pages, in order: their menu entries (after Order) and parts follow it.
	Modules []Module
	// Terms are every module's names for its codes (see Terms), pages or not.
	Terms []Terms
}

// Server is the console.
type Server struct {
	d      Deps
	router chi.Router
	// menu is every module's entries, in order; parts are the modules' parts by slot.
	menu  []menuEntry
	parts map[Slot][]part
	// terms are every module's terms, by language.
	terms Terms

	mu     sync.Mutex
	nonces map[string]time.Time
}

// Cookies the console sets besides the session.
const (
	tenantCookie = "engage_tenant"
	langCookie   = "engage_lang"
	returnCookie = "engage_return"
)

// operatorPrefix is where the Operator routes live.
const operatorPrefix = "/platform"

// New builds the console from its modules, to be mounted at /console. A malformed module (a
// route, menu entry or part without a gate, a message or term defined twice, a template that does not
// parse) is a programming error that any test starting the console finds: New panics.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{d: d, router: chi.NewRouter(), parts: map[Slot][]part{}, nonces: map[string]time.Time{}}
	mods, err := s.load(d.Modules)
	if err != nil {
		panic(err)
	}
	if s.terms, err = mergeTerms(d.Terms); err != nil {
		panic(err)
	}
	static, _ := fs.Sub(assets, "assets")
	s.router.Use(securityHeaders(policy(d.KratosBrowserURL)), s.recoverer)
	s.router.Handle("/assets/*", http.StripPrefix("/assets/", http.FileServerFS(filesOnly{static})))
	login := http.Handler(http.HandlerFunc(s.login))
	if d.SignInLimit != nil {
		login = d.SignInLimit(login)
	}
	s.router.Get("/login", login.ServeHTTP)
	// An invitation's link, which the invitee opens before they have a session.
	invitation, accept := http.Handler(http.HandlerFunc(s.invitationPage)), http.Handler(http.HandlerFunc(s.acceptInvitation))
	if d.SignInLimit != nil {
		invitation, accept = d.SignInLimit(invitation), d.SignInLimit(accept)
	}
	s.router.Get(strings.TrimPrefix(accessapp.LinkPath, "/console")+"{token}", invitation.ServeHTTP)
	s.router.Post(strings.TrimPrefix(accessapp.LinkPath, "/console")+"{token}", accept.ServeHTTP)
	for _, kind := range ports.FlowKinds {
		s.router.Get(authPrefix+string(kind), s.authFlow(kind))
	}
	s.router.Get(authPrefix+"error", s.authError)
	s.router.NotFound(s.notFound)
	if operator := routesOf(mods, func(g Gate) bool { return g == Operator }); len(operator) > 0 {
		s.router.Route(operatorPrefix, func(r chi.Router) {
			r.Use(s.requirePlatform)
			r.NotFound(NotFound)
			for _, rt := range operator {
				pattern := strings.TrimPrefix(rt.Pattern, operatorPrefix)
				if pattern == "" {
					pattern = "/"
				}
				r.Method(rt.Method, pattern, s.serve(rt))
			}
		})
	}
	s.router.Group(func(r chi.Router) {
		r.Use(s.requireAdmin)
		r.Post("/logout", s.logout)
		r.Post("/switch", s.switchTenant)
		// The language switch is a form like any other: its post carries the session's token.
		r.Post("/language", s.setLanguage)
		for _, rt := range routesOf(mods, func(g Gate) bool { return g != Operator }) {
			r.Method(rt.Method, rt.Pattern, s.serve(rt))
		}
	})
	return s
}

// notFound answers a path the console does not serve: inside the layout for a signed-in
// admin, on its own page for anyone else, in their language either way.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if s.d.Identity != nil {
		if _, err := s.d.Identity.Session(r.Context(), r.Header.Get("Cookie"), ""); err == nil {
			s.requireAdmin(http.HandlerFunc(NotFound)).ServeHTTP(w, r)
			return
		}
	}
	NotFound(w, r)
}

// Routes are every route the console serves, as "METHOD /console/pattern": its own pages and
// forms and every module's routes, for tests that must reach them all.
func (s *Server) Routes() []string {
	var out []string
	_ = chi.Walk(s.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" /console"+route)
		return nil
	})
	return out
}

// ServeHTTP implements http.Handler; the console expects to be mounted at /console.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = strings.TrimPrefix(r.URL.Path, "/console")
	if r2.URL.Path == "" {
		r2.URL.Path = "/"
	}
	s.router.ServeHTTP(w, r2)
}

// contentSecurityPolicy allows only the console's own scripts, styles and fetches, and forms
// that go to the console (see policy for Kratos).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

// policy is the console's Content-Security-Policy with Kratos: its sign-in forms post to
// Kratos, and signing out sends the browser there, so forms may also go to Kratos's origin.
func policy(kratosBrowserURL string) string {
	if origin := originOf(kratosBrowserURL); origin != "" {
		return strings.Replace(contentSecurityPolicy, "form-action 'self'", "form-action 'self' "+origin, 1)
	}
	return contentSecurityPolicy
}

func securityHeaders(csp string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Frame-Options", "DENY")
			next.ServeHTTP(w, r)
		})
	}
}

// filesOnly is a file system whose directories do not exist, so that the file server answers
// 404 for them rather than listing what they hold.
type filesOnly struct{ fs.FS }

// Open opens name unless it is a directory.
func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil {
		return nil, err
	}
	info, err := file.Stat()
	if err != nil || info.IsDir() {
		_ = file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return file, nil
}
