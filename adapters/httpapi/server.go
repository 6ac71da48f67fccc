// Package httpapi is Engage's HTTP API: huma v2 operations on chi under /v1, problem+json
// errors, authentication, idempotency keys, pagination, health, metrics and the OpenAPI document.
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
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/ratelimit"
	accessapp "github.com/engagehq/engage/application/access"
	"github.com/engagehq/engage/application/apikeys"
	auditapp "github.com/engagehq/engage/application/audit"
	"github.com/engagehq/engage/application/checkins"
	"github.com/engagehq/engage/application/customerauth"
	"github.com/engagehq/engage/application/customerimport"
	"github.com/engagehq/engage/application/customermerge"
	"github.com/engagehq/engage/application/customers"
	"github.com/engagehq/engage/application/events"
	"github.com/engagehq/engage/application/idempotency"
	lifecycleapp "github.com/engagehq/engage/application/lifecycle"
	"github.com/engagehq/engage/application/membership"
	"github.com/engagehq/engage/application/privacy"
	"github.com/engagehq/engage/application/secrets"
	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/application/signin"
	"github.com/engagehq/engage/application/tags"
	"github.com/engagehq/engage/application/tenancy"
	"github.com/engagehq/engage/application/webhooks"
	"github.com/engagehq/engage/application/wechataccounts"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Version is the API's version as published in the OpenAPI document.
const Version = "1.0.0"

// Deps are what the API serves. Any may be nil when only the OpenAPI document is wanted.
type Deps struct {
	Tenants   *tenants.Directory
	Tenancy   *tenancy.Service
	APIKeys   *apikeys.Service
	Access    *accessapp.Service
	Audit     *auditapp.Service
	Secrets   *secrets.Service
	Customers *customers.Service
	// CustomerAuth logs customers in from the Mini Program and checks their tokens; nil refuses
	// customer operations.
	CustomerAuth *customerauth.Service
	Events       *events.Service
	Idempotency  *idempotency.Service
	// WeChatAccounts manages customers' WeChat links and fan tag imports.
	WeChatAccounts *wechataccounts.Service
	// Checkins makes member codes and checks members in.
	Checkins *checkins.Service
	// Membership summarises a member's membership.
	Membership *membership.Service
	// Merges merges duplicate customers; Privacy downloads and erases customers' data;
	// Imports imports customers from CSV files.
	Merges  *customermerge.Service
	Privacy *privacy.Service
	Imports *customerimport.Service
	// Webhooks keeps the brand's webhook endpoints and their delivery logs.
	Webhooks *webhooks.Service
	// Segments serves segments, auto-tag rules and customer exports.
	Segments *segments.Service
	// Identity checks admin sessions (Kratos, or local sign-in in development); nil refuses them.
	Identity ports.IdentityProvider
	// SignIn redeems local sign-in links; nil where they are disabled (production).
	SignIn *signin.Service
	// SecureCookies marks session cookies Secure (everywhere but plain-HTTP development).
	SecureCookies bool
	Authorizer    ports.Authorizer
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
	// Jobs is River's web UI, mounted for platform operators; nil leaves it out.
	Jobs    http.Handler
	Metrics *Metrics
	Logger  *slog.Logger

	// PublicURL is the API's external base URL, the server of each brand's own document.
	PublicURL string
	// Tags tags customers; Lifecycle serves the brand's lifecycle rules and stage counts.
	Tags      *tags.Service
	Lifecycle *lifecycleapp.Service
}

// Server is the HTTP API.
type Server struct {
	deps   Deps
	router chi.Router
	api    huma.API

	brandDocs *brandDocs
}

func init() {
	huma.NewErrorWithContext = newProblem
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return newProblem(nil, status, msg, errs...)
	}
}

// New builds the API and registers every operation.
func New(deps Deps) *Server {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Metrics == nil {
		deps.Metrics = NewMetrics(nil)
	}
	s := &Server{deps: deps, router: chi.NewRouter()}
	s.router.Use(observe(deps.Logger, deps.Metrics))
	s.router.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, problem(r.Context(), http.StatusNotFound, "not_found", "no such route"))
	})
	s.router.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, problem(r.Context(), http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here"))
	})

	s.router.Get("/healthz", s.healthz)
	s.router.Get("/readyz", s.readyz)
	s.router.Handle("/metrics", deps.Metrics.Handler())
	if deps.Console != nil {
		s.router.Mount("/console", deps.Console)
		s.router.Get("/", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/console/", http.StatusFound) })
	}
	if deps.Jobs != nil {
		s.router.Mount("/platform/jobs", s.platformOnly(deps.Jobs))
	}

	config := huma.DefaultConfig("Engage API", Version)
	config.Info.Description = "Loyalty and customer engagement for consumer brands. Partners authenticate with a tenant API key " +
		"(`Authorization: Bearer egk_...`); platform operators with the platform key. Errors are RFC 9457 problem documents " +
		"with a stable `code`. Value-moving POSTs accept an `Idempotency-Key` header."
	config.CreateHooks = nil // no $schema links in responses
	config.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		schemeAPIKey: {Type: "http", Scheme: "bearer", Description: "A tenant API key, egk_..."},
		schemeSession: {Type: "apiKey", In: "header", Name: "X-Session-Token", Description: "An admin session (Kratos session token " +
			"or cookie, or a local sign-in session); X-Engage-Tenant picks which of the admin's brands the request acts in"},
		schemePlatform: {Type: "http", Scheme: "bearer", Description: "The platform operator key (ENGAGE_PLATFORM_KEY)"},
	}
	s.api = humachi.New(s.router, config)
	s.api.UseMiddleware(s.nameOperation, s.authenticate, s.idempotent)
	s.registerPlatformTenants()
	s.registerTenant()
	s.registerAPIKeys()
	s.registerAdmin()
	s.registerTeam()
	s.registerRoles()
	s.registerAudit()
	s.registerCustomers()
	s.registerMini(deps.CustomerAuth)
	s.registerEvents()
	s.registerEventTypes()
	s.registerSelfService(deps.CustomerAuth)
	s.registerCheckins()
	s.registerWeChatAccounts()
	s.registerTags()
	s.registerLifecycle()
	s.registerMerge()
	s.registerImports()
	s.registerPrivacy(deps.CustomerAuth)
	s.registerSegments()
	registerSecrets(s.api, deps.Secrets, deps.Logger)
	s.registerWebhooks()
	s.brandDocs = &brandDocs{cache: map[uuid.UUID]brandDoc{},
		global: sync.OnceValues(func() ([]byte, error) { return json.Marshal(s.api.OpenAPI()) })}
	s.router.Get("/t/{slug}/openapi.json", s.brandOpenAPI)
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
			s.deps.Logger.WarnContext(r.Context(), "not ready", "error", err)
			writeProblem(w, problem(r.Context(), http.StatusServiceUnavailable, "not_ready", err.Error()))
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
			writeProblem(w, problem(r.Context(), http.StatusUnauthorized, "unauthenticated", "platform credential required"))
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
