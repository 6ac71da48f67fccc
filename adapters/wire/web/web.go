// Package web builds the whole HTTP surface of a wired app: the API and the console on one
// handler, with the headers every response carries. The engage binary serves it; end-to-end
// tests start it on a test server.
package web

import (
	"context"
	"crypto/sha256"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"riverqueue.com/riverui"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/platform/signin"
)

// Options are the operational parts of the HTTP surface.
type Options struct {
	PlatformKey string
	// KratosBrowserURL is Kratos as browsers reach it; empty without Kratos.
	KratosBrowserURL string
	APILimits        ratelimit.Limits
	SignInLimits     ratelimit.Limits
	// Jobs is River's UI for platform operators; nil leaves it out.
	Jobs http.Handler
	// Metrics observes every request. ServeMetrics also serves them at /metrics, on this
	// handler (development); otherwise the process serves Metrics.Handler() on a listener of
	// its own, which is not public.
	Metrics      *httpapi.Metrics
	ServeMetrics bool

	// PublicURL is the external base URL, the server of each brand's own API document.
	PublicURL string

	// Extra are operations served after every module's: engage dev's development WeChat.
	Extra []httpapi.Module
}

// Handler serves a's API at /v1 and its console at /console, every answer with the headers of
// secureHeaders.
func Handler(a *wire.App, o Options) http.Handler {
	limiter := ratelimit.New(ratelimit.Options{})
	local := localSignIn(a)
	// CSRF tokens are keyed by a key derived from the platform key, a secret every instance shares.
	csrfKey := sha256.Sum256([]byte("engage console csrf:" + o.PlatformKey))
	con := console.New(console.Deps{
		Tenants: a.Tenants, Access: a.Access, Authorizer: a.Authorizer,
		Identity: a.Identity, SignIn: local, PlatformKey: o.PlatformKey, KratosBrowserURL: o.KratosBrowserURL,
		SelfService: a.SelfService, PublicURL: o.PublicURL,
		CSRFKey: csrfKey[:], SecureCookies: a.Config.Production, Logger: a.Config.Logger,
		SignInLimit: func(h http.Handler) http.Handler { return limiter.ByIP(o.SignInLimits.Default, h) },
		Modules:     ConsoleModules(a),
		Terms:       ConsoleTerms(a),
	})
	return secureHeaders(a.Config.Production, httpapi.New(httpapi.Deps{
		Modules: append(APIModules(a), o.Extra...),
		Tenants: a.Tenants, APIKeys: a.APIKeys, Access: a.Access, Idempotency: a.Idempotency, Identity: a.Identity,
		Authorizer: a.Authorizer, Tx: a.DB, AuditLog: platformdb.AuditLog{}, Limiter: limiter, APILimits: o.APILimits,
		SignInLimits: o.SignInLimits, Console: con, PlatformKey: o.PlatformKey, Jobs: o.Jobs, Metrics: o.Metrics,
		ServeMetrics: o.ServeMetrics, Logger: a.Config.Logger, PublicURL: o.PublicURL,
		Ready: func(ctx context.Context) error {
			if err := a.DB.Pool().Ping(ctx); err != nil {
				return err
			}
			return a.DB.CheckSchema(ctx)
		},
	}))
}

// hsts keeps browsers on https for two years, subdomains included.
const hsts = "max-age=63072000; includeSubDomains"

// secureHeaders is the outermost layer: every response (API, OpenAPI documents, docs, console,
// River's UI, errors) says nosniff, so that no browser runs an answer as anything but its
// declared type, and in production Strict-Transport-Security, behind a proxy that terminates
// TLS (deploy/proxy).
func secureHeaders(production bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if production {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}

// APIModules are the modules' API operations over a's services, in module order.
func APIModules(a *wire.App) []httpapi.Module {
	var out []httpapi.Module
	for _, m := range a.Modules {
		out = append(out, m.API(a.Kernel))
	}
	return out
}

// ConsoleModules are the modules' console pages over a's services, in module order; a module
// without pages has none.
func ConsoleModules(a *wire.App) []console.Module {
	var out []console.Module
	for _, m := range a.Modules {
		if m.Console != nil {
			out = append(out, m.Console(a.Kernel))
		}
	}
	return out
}

// ConsoleTerms are every module's names for its codes, in module order.
func ConsoleTerms(a *wire.App) []console.Terms {
	out := make([]console.Terms, 0, len(a.Modules))
	for _, m := range a.Modules {
		out = append(out, m.Terms)
	}
	return out
}

// Document is the API's OpenAPI document, as the binary serves it: every module's operations,
// built on an empty kernel (the document describes operations, not data).
func Document() *huma.OpenAPI {
	return httpapi.New(httpapi.Deps{Modules: APIModules(&wire.App{Modules: wire.Modules(), Kernel: module.NewKernel()})}).API().OpenAPI()
}

// JobsUI is River's web UI over a's jobs, for Options.Jobs, running until ctx ends.
func JobsUI(ctx context.Context, a *wire.App) (http.Handler, error) {
	ui, err := riverui.NewHandler(&riverui.HandlerOpts{Endpoints: riverui.NewEndpoints(a.River, nil), Logger: a.Config.Logger, Prefix: httpapi.JobsPrefix})
	if err != nil {
		return nil, err
	}
	if err := ui.Start(ctx); err != nil {
		return nil, err
	}
	return ui, nil
}

// localSignIn is a's local sign-in links, which production refuses.
func localSignIn(a *wire.App) *signin.Service {
	if a.Config.Production {
		return nil
	}
	return a.SignIn
}
