// Package httpapi is the HTTP kit of Engage's API: the server (huma v2 on chi, operations under
// /v1), authentication, problem+json errors, idempotency keys, pagination, health, metrics and
// the OpenAPI documents. Modules add their operations (platformapi, customersapi) as a Module.
package httpapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/application/idempotency"
	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/application/platform/apikeys"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Version is the API's version as published in the OpenAPI document.
const Version = "1.0.0"

// Deps are what the API serves: the modules' operations, and what the kit needs to
// authenticate and answer them. Any may be nil when only the OpenAPI document is wanted.
type Deps struct {
	// Modules register their operations, in this order.
	Modules []Module
	// Tenants finds brands, for admins' requests and the brands' own documents.
	Tenants *tenants.Directory
	// APIKeys authenticates partners; Access signs admins in and checks their memberships.
	APIKeys *apikeys.Service
	Access  *accessapp.Service
	// Identity checks admin sessions (Kratos, or local sign-in in development); nil refuses them.
	Identity   ports.IdentityProvider
	Authorizer ports.Authorizer
	// Idempotency keeps the answers of requests sent with an Idempotency-Key.
	Idempotency *idempotency.Service
	// Tx and AuditLog record refused change attempts.
	Tx       ports.Transactor
	AuditLog ports.AuditLog
	// Limiter applies APILimits per credential and SignInLimits per client IP.
	Limiter      *ratelimit.Limiter
	APILimits    ratelimit.Limits
	SignInLimits ratelimit.Limits
	// PlatformKey is the platform operator's credential; empty disables platform operations.
	PlatformKey string
	// Ready reports whether the service can take traffic (database reachable, schema current).
	Ready func(ctx context.Context) error
	// Console is the admin console, mounted at /console; nil leaves it out.
	Console http.Handler
	// Jobs is River's web UI, mounted at JobsPrefix for platform operators; nil leaves it out.
	Jobs http.Handler
	// Metrics observes every request; ServeMetrics also serves them at /metrics on this handler
	// (development: production serves them on a listener of their own, not the public one).
	Metrics      *Metrics
	ServeMetrics bool
	Logger       *slog.Logger

	// PublicURL is the API's external base URL, the server of each brand's own document.
	PublicURL string
}

// Server is the HTTP API.
type Server struct {
	deps   Deps
	router chi.Router
	api    huma.API
	kit    *Kit

	brandDocs *brandDocs
	// uniqueLists remembers which operations' bodies have lists of unique values.
	uniqueLists sync.Map
}

func init() {
	// A list is never null: the server sends [] for none and refuses null.
	huma.DefaultArrayNullable = false
	huma.NewErrorWithContext = humaProblem
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return humaProblem(nil, status, msg, errs...)
	}
}

// New builds the API and registers every module's operations. It panics when an operation
// does not say who may call it.
func New(deps Deps) *Server {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Metrics == nil {
		deps.Metrics = NewMetrics(nil)
	}
	s := &Server{deps: deps, router: chi.NewRouter(), kit: &Kit{log: deps.Logger, publicURL: deps.PublicURL}}
	s.router.Use(observe(deps.Logger, deps.Metrics))
	s.router.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, NewProblem(r.Context(), http.StatusNotFound, "not_found", "no such route"))
	})
	s.router.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, NewProblem(r.Context(), http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here"))
	})

	s.router.Get("/healthz", s.healthz)
	s.router.Get("/readyz", s.readyz)
	if deps.ServeMetrics {
		s.router.Handle("/metrics", deps.Metrics.Handler())
	}
	if deps.Console != nil {
		s.router.Mount("/console", deps.Console)
		s.router.Get("/", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/console/", http.StatusFound) })
		// Browsers ask for /favicon.ico on their own: the console's icon, not a 404.
		s.router.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/console/assets/favicon.ico"
			w.Header().Set("Cache-Control", "public, max-age=86400")
			deps.Console.ServeHTTP(w, r2)
		})
	}
	if deps.Jobs != nil {
		s.router.Mount(JobsPrefix, s.platformOnly(s.jobsGuard(deps.Jobs)))
	}

	config := huma.DefaultConfig("Engage API", Version)
	config.Info.Description = "Loyalty and customer engagement for consumer brands. Partners authenticate with a tenant API key " +
		"(`Authorization: Bearer egk_...`); platform operators with the platform key. Errors are RFC 9457 problem documents " +
		"with a stable `code`. Value-moving POSTs accept an `Idempotency-Key` header."
	config.CreateHooks = nil // no $schema links in responses
	config.DocsPath = ""     // huma's page loads its assets from a CDN: /docs is served below
	config.Transformers = append(config.Transformers, setLocation)
	config.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		schemeAPIKey: {Type: "http", Scheme: "bearer", Description: "A tenant API key, egk_..."},
		schemeSession: {Type: "apiKey", In: "header", Name: "X-Session-Token", Description: "An admin session token (Kratos's, or a local " +
			"sign-in session's), in this header or as a bearer token; the API does not read session cookies. X-Engage-Tenant picks " +
			"which of the admin's brands the request acts in"},
		schemePlatform: {Type: "http", Scheme: "bearer", Description: "The platform operator key (ENGAGE_PLATFORM_KEY)"},
	}
	config.Servers = []*huma.Server{{URL: "/", Description: "The Engage instance that serves this document (a brand's own document, " +
		"/t/{slug}/openapi.json, names the instance's public URL)"}}
	s.api = humachi.New(s.router, config)
	defineComponents(s.api.OpenAPI())
	s.api.UseMiddleware(s.nameOperation, s.authenticate, s.screenInput, s.idempotent)
	for _, m := range deps.Modules {
		if t, ok := m.(CustomerTokens); ok && s.kit.tokens == nil {
			s.kit.tokens = t
		}
	}
	for _, m := range deps.Modules {
		m.RegisterAPI(s.api, s.kit)
	}
	listTags(s.api.OpenAPI())
	if err := checkDeclarations(s.api.OpenAPI()); err != nil {
		panic(err)
	}
	s.brandDocs = newBrandDocs(deps.Modules, func() ([]byte, error) { return json.Marshal(s.api.OpenAPI()) })
	s.router.Get("/t/{slug}/openapi.json", s.brandOpenAPI)
	s.serveDocs()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// API exposes the huma API, for the OpenAPI document and tests.
func (s *Server) API() huma.API { return s.api }

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.deps.Ready != nil {
		if err := s.deps.Ready(r.Context()); err != nil {
			// The cause names the database and the schema: the log has it, the answer does not.
			s.deps.Logger.WarnContext(r.Context(), "not ready", "error", err)
			writeProblem(w, NewProblem(r.Context(), http.StatusServiceUnavailable, "not_ready", "the service is not ready"))
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ready"}` + "\n"))
}

// platformOnly guards plain handlers (River's UI) with the platform key, as a bearer token or
// as the password of HTTP basic authentication so a browser can sign in.
func (s *Server) platformOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := bearer(r.Header.Get("Authorization"))
		if _, pw, ok := r.BasicAuth(); ok {
			key = pw
		}
		if !s.isPlatformKey(key) {
			w.Header().Set("WWW-Authenticate", `Basic realm="engage platform"`)
			writeProblem(w, NewProblem(r.Context(), http.StatusUnauthorized, "unauthenticated", "platform credential required"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) isPlatformKey(key string) bool {
	return s.deps.PlatformKey != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.deps.PlatformKey)) == 1
}

func bearer(header string) string {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
