// Package console is the hosted admin console: server-rendered pages with htmx, served by the
// same binary at /console. It calls the same application services as the API, signs admins in
// through Kratos or (in development) one-time links, and protects every form against CSRF.
package console

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	accessapp "github.com/engagehq/engage/application/access"
	"github.com/engagehq/engage/application/apikeys"
	auditapp "github.com/engagehq/engage/application/audit"
	"github.com/engagehq/engage/application/channels"
	"github.com/engagehq/engage/application/customerimport"
	"github.com/engagehq/engage/application/customermerge"
	"github.com/engagehq/engage/application/customers"
	"github.com/engagehq/engage/application/events"
	lifecycleapp "github.com/engagehq/engage/application/lifecycle"
	"github.com/engagehq/engage/application/privacy"
	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/application/signin"
	"github.com/engagehq/engage/application/tags"
	"github.com/engagehq/engage/application/tenancy"
	"github.com/engagehq/engage/application/webhooks"
	"github.com/engagehq/engage/application/wechataccounts"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

//go:embed assets
var assets embed.FS

// Deps are the services the console uses.
type Deps struct {
	Tenants    *tenants.Directory
	Tenancy    *tenancy.Service
	APIKeys    *apikeys.Service
	Access     *accessapp.Service
	Audit      *auditapp.Service
	Channels   *channels.Service
	Customers  *customers.Service
	Authorizer ports.Authorizer
	// Events is the activity stream: timelines, aggregates and the brand's custom event types.
	Events *events.Service
	// Webhooks keeps the brand's webhook endpoints and their delivery logs.
	Webhooks *webhooks.Service
	// Identity checks admin sessions; SignIn redeems local links (nil in production).
	Identity ports.IdentityProvider
	SignIn   *signin.Service
	// KratosBrowserURL is where browsers reach Kratos's self-service login; empty without Kratos.
	KratosBrowserURL string
	// CSRFKey derives each session's CSRF token.
	CSRFKey []byte
	// PlatformKey admits platform operators to the tenant list (basic auth password).
	PlatformKey string
	// SignInLimit throttles sign-in attempts per client IP; nil applies none.
	SignInLimit func(http.Handler) http.Handler
	// SecureCookies marks cookies Secure (everywhere but plain-HTTP development).
	SecureCookies bool
	Logger        *slog.Logger
	// WeChatAccounts manages customers' WeChat links and fan tag imports.
	WeChatAccounts *wechataccounts.Service
	// Tags tags customers; Lifecycle serves the stages and their rules.
	Tags      *tags.Service
	Lifecycle *lifecycleapp.Service
	// Merges merges duplicate customers; Imports imports customers from CSV files; Privacy
	// erases customers' personal data.
	Merges  *customermerge.Service
	Imports *customerimport.Service
	Privacy *privacy.Service

	// Segments serves the segment builder, auto-tag rules and customer exports.
	Segments *segments.Service
}

// Server is the console.
type Server struct {
	d      Deps
	router chi.Router
	pages  *pages

	mu     sync.Mutex
	nonces map[string]time.Time
}

// Cookies the console sets besides the session.
const (
	tenantCookie = "engage_tenant"
	langCookie   = "engage_lang"
	returnCookie = "engage_return"
)

// New builds the console, to be mounted at /console.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{d: d, router: chi.NewRouter(), pages: mustParsePages(), nonces: map[string]time.Time{}}
	static, _ := fs.Sub(assets, "assets")
	s.router.Use(securityHeaders)
	s.router.Handle("/assets/*", http.StripPrefix("/assets/", http.FileServerFS(static)))
	login := http.Handler(http.HandlerFunc(s.login))
	if d.SignInLimit != nil {
		login = d.SignInLimit(login)
	}
	s.router.Get("/login", login.ServeHTTP)
	s.router.Post("/language", s.setLanguage)
	s.router.Route("/platform", func(r chi.Router) {
		r.Use(s.requirePlatform)
		r.Get("/", s.platform)
		r.Post("/tenants", s.createTenant)
		r.Post("/tenants/{slug}/suspend", s.tenantStatus(true))
		r.Post("/tenants/{slug}/reinstate", s.tenantStatus(false))
	})
	s.router.Group(func(r chi.Router) {
		r.Use(s.requireAdmin)
		r.Post("/logout", s.logout)
		r.Post("/switch", s.switchTenant)
		r.Get("/", s.dashboard)
		r.Get("/dashboard/activity.json", s.activity)
		r.Get("/api-keys", s.apiKeys)
		r.Post("/api-keys", s.createAPIKey)
		r.Post("/api-keys/{id}/revoke", s.revokeAPIKey)
		r.Post("/api-keys/{id}/rotate", s.rotateAPIKey)
		r.Get("/team", s.team)
		r.Post("/team/invitations", s.invite)
		r.Post("/team/invitations/{id}/revoke", s.revokeInvitation)
		r.Post("/team/members/{id}/roles", s.changeRoles)
		r.Post("/team/members/{id}/remove", s.removeMember)
		r.Get("/audit", s.auditLog)
		r.Get("/audit/export.csv", s.auditExport)
		r.Get("/audit/{seq}", s.auditRecord)
		r.Get("/customers", s.customers)
		r.Post("/customers", s.createCustomer)
		r.Get("/customers/{id}", s.customer)
		r.Post("/customers/{id}", s.updateCustomer)
		r.Get("/customers/{id}/wechat-accounts", s.wechatAccounts)
		r.Post("/customers/{id}/wechat-accounts/link", s.linkWeChatAccount)
		r.Post("/customers/{id}/wechat-accounts/{openid}/disconnect", s.wechatAccountAction(false))
		r.Post("/customers/{id}/wechat-accounts/{openid}/reauthorize", s.wechatAccountAction(true))
		r.Get("/wechat/fan-tags", s.fanTags)
		r.Post("/wechat/fan-tags/import", s.importFanTags)
		r.Get("/customers/{id}/tags", s.customerTags)
		r.Post("/customers/{id}/tags", s.addCustomerTag)
		r.Post("/customers/{id}/tags/remove", s.removeCustomerTag)
		r.Post("/customers/bulk-tags", s.bulkTag)
		r.Get("/tags", s.tagsPage)
		r.Get("/lifecycle", s.lifecyclePage)
		r.Post("/lifecycle", s.saveLifecycle)
		r.Get("/customers/import", s.importPage)
		r.Post("/customers/import", s.importCustomers)
		r.Get("/customers/{id}/merge", s.mergePage)
		r.Post("/customers/{id}/merge", s.mergeCustomers)
		r.Get("/customers/erasures", s.erasures)
		r.Get("/customers/{id}/privacy", s.privacyPanel)
		r.Post("/customers/{id}/erase", s.eraseCustomer)
		r.Get("/customers/export.csv", s.customerExport)
		r.Get("/segments", s.segmentsList)
		r.Post("/segments/builder", s.builderAction("segment", segmentBuilderPath))
		r.Post("/segments/count", s.segmentCount)
		r.Post("/segments/preview", s.segmentPreview)
		r.Get("/segments/{id}", s.segmentPage)
		r.Post("/segments/{id}", s.saveSegment)
		r.Post("/segments/{id}/delete", s.deleteSegment)
		r.Get("/tag-rules", s.tagRules)
		r.Post("/tag-rules", s.createTagRule)
		r.Post("/tag-rules/builder", s.builderAction("tag_rules", ruleBuilderPath))
		r.Post("/tag-rules/{id}", s.changeTagRule)
		r.Get("/roles", s.roles)
		r.Post("/roles", s.saveRole)
		r.Post("/roles/{name}/delete", s.deleteRole)
		r.Get("/settings/channels", s.channels)
		r.Post("/settings/channels/{channel}", s.saveChannel)
		r.Post("/settings/channels/{channel}/test", s.testChannel)
		r.Get("/settings/brand", s.brand)
		r.Post("/settings/brand", s.saveBrand)
		r.Post("/settings/brand/logo", s.uploadLogo)
		r.Get("/brand/logo", s.logo)
		r.Get("/settings/event-types", s.eventTypes)
		r.Post("/settings/event-types", s.saveEventType)
		r.Post("/settings/event-types/{key}/delete", s.deleteEventType)
		r.Get("/customers/{id}/timeline", s.customerTimeline)
		r.Get("/customers/{id}/spend.json", s.customerSpend)
		r.Get("/webhooks", s.webhooks)
		r.Post("/webhooks", s.createWebhook)
		r.Get("/webhooks/{id}", s.webhook)
		r.Post("/webhooks/{id}", s.updateWebhook)
		r.Post("/webhooks/{id}/pause", s.webhookState((*webhooks.Service).Pause, "webhooks.paused"))
		r.Post("/webhooks/{id}/resume", s.webhookState((*webhooks.Service).Resume, "webhooks.resumed"))
		r.Post("/webhooks/{id}/rotate", s.rotateWebhook)
		r.Post("/webhooks/{id}/test", s.testWebhook)
		r.Post("/webhooks/{id}/delete", s.deleteWebhook)
		r.Post("/webhooks/{id}/deliveries/{delivery}/retry", s.retryDelivery)
	})
	return s
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

// contentSecurityPolicy allows only the console's own scripts, styles and fetches.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// view is what every page knows about the request.
type view struct {
	Lang        string
	User        ports.AdminUser
	Tenant      tenants.Tenant
	Brands      []brand
	Permissions map[access.Permission]bool
	CSRF        string
	Nonce       string
	Path        string
	Roles       []access.Role
	// Flash is a one-line notice for the top of the page.
	Flash string
}

type brand struct {
	Slug, Name string
	Current    bool
}

// Can reports whether the admin holds the permission named p, for templates.
func (v view) Can(p string) bool { return v.Permissions[access.Permission(p)] }

type viewKey struct{}

func viewFrom(ctx context.Context) *view {
	v, _ := ctx.Value(viewKey{}).(*view)
	return v
}

// sessionToken is the raw session credential of the request, for CSRF derivation.
func sessionToken(r *http.Request) string {
	for _, name := range []string{signin.SessionCookie, "ory_kratos_session"} {
		if c, err := r.Cookie(name); err == nil {
			return c.Value
		}
	}
	return ""
}

func (s *Server) csrfToken(session string) string {
	m := hmac.New(sha256.New, s.d.CSRFKey)
	m.Write([]byte("csrf:" + session))
	return hex.EncodeToString(m.Sum(nil))
}

// requireAdmin signs the admin in from their session (or sends them to sign in and back),
// picks the brand, checks CSRF on every change, and prepares the view.
func (s *Server) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := language(r)
		id, err := s.d.Identity.Session(r.Context(), r.Header.Get("Cookie"), "")
		if err != nil {
			if r.Method == http.MethodGet {
				// Remember the page, so signing in (even with a link made elsewhere) comes back to it.
				back := "/console" + r.URL.RequestURI()
				http.SetCookie(w, &http.Cookie{Name: returnCookie, Value: back, Path: "/console", HttpOnly: true,
					Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 3600})
				http.Redirect(w, r, "/console/login?return_to="+url.QueryEscape(back), http.StatusSeeOther)
				return
			}
			s.fail(w, r, http.StatusUnauthorized, tr(lang, "error.signed_out"))
			return
		}
		ctx := ports.WithActor(r.Context(), actorBase(r))
		user, err := s.d.Access.SignIn(ctx, id)
		if err != nil {
			s.fail(w, r, http.StatusForbidden, tr(lang, "error.email_unverified"))
			return
		}
		session := sessionToken(r)
		v := &view{Lang: lang, User: user, CSRF: s.csrfToken(session), Nonce: newNonce(), Path: "/console" + r.URL.Path}
		if r.Method != http.MethodGet {
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = r.PostFormValue("_csrf")
			}
			if !hmac.Equal([]byte(sent), []byte(v.CSRF)) {
				s.fail(w, r, http.StatusForbidden, tr(lang, "error.csrf"))
				return
			}
		}
		if !s.chooseBrand(w, r, v) {
			return
		}
		actor := actorBase(r)
		actor.Kind, actor.ID, actor.Label = ports.ActorUser, user.ID.String(), user.Email
		ctx = context.WithValue(ports.WithActor(r.Context(), actor), viewKey{}, v)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// chooseBrand sets the current brand from the cookie, or the first of the admin's brands.
func (s *Server) chooseBrand(w http.ResponseWriter, r *http.Request, v *view) bool {
	ms, err := s.d.Access.Tenants(r.Context(), v.User)
	if err != nil {
		s.internal(w, r, err)
		return false
	}
	want := ""
	if c, err := r.Cookie(tenantCookie); err == nil {
		want = c.Value
	}
	var current *ports.Membership
	for i, m := range ms {
		t, err := s.d.Tenants.Resolve(r.Context(), m.TenantID)
		if err != nil {
			s.internal(w, r, err)
			return false
		}
		v.Brands = append(v.Brands, brand{Slug: t.Slug, Name: t.Name})
		if current == nil || t.Slug == want {
			current, v.Tenant = &ms[i], t
		}
	}
	if current == nil {
		s.fail(w, r, http.StatusForbidden, tr(v.Lang, "error.no_brand"))
		return false
	}
	for i := range v.Brands {
		v.Brands[i].Current = v.Brands[i].Slug == v.Tenant.Slug
	}
	if !v.Tenant.Active() {
		s.fail(w, r, http.StatusForbidden, tr(v.Lang, "error.suspended"))
		return false
	}
	v.Roles = current.Roles
	perms, err := s.d.Authorizer.Permissions(r.Context(), v.Tenant.ID, current.Roles)
	if err != nil {
		s.internal(w, r, err)
		return false
	}
	v.Permissions = map[access.Permission]bool{}
	for _, p := range perms {
		v.Permissions[p] = true
	}
	return true
}

// allowed answers 403 unless the admin holds p: the menu hides what they lack, and this
// refuses it anyway.
func (s *Server) allowed(w http.ResponseWriter, r *http.Request, p access.Permission) bool {
	v := viewFrom(r.Context())
	if v.Permissions[p] {
		return true
	}
	s.fail(w, r, http.StatusForbidden, tr(v.Lang, "error.forbidden"))
	return false
}

func actorBase(r *http.Request) ports.Actor {
	ip := r.RemoteAddr
	if i := strings.LastIndexByte(ip, ':'); i > 0 {
		ip = strings.Trim(ip[:i], "[]")
	}
	return ports.Actor{RequestID: r.Header.Get("X-Request-ID"), IP: ip, UserAgent: r.UserAgent()}
}
