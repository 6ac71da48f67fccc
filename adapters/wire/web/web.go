// Package web builds the whole HTTP surface of a wired app: the API and the console on one
// handler. The engage binary serves it; end-to-end tests start it on a test server.
package web

import (
	"context"
	"crypto/sha256"
	"net/http"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/console/customersui"
	"github.com/engagehq/engage/adapters/console/platformui"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/signin"
)

// Options are the operational parts of the HTTP surface.
type Options struct {
	PlatformKey string
	// KratosBrowserURL is Kratos as browsers reach it; empty without Kratos.
	KratosBrowserURL string
	APILimits        ratelimit.Limits
	SignInLimits     ratelimit.Limits
	// Jobs is River's UI for platform operators; nil leaves it out.
	Jobs    http.Handler
	Metrics *httpapi.Metrics

	// PublicURL is the external base URL, the server of each brand's own API document.
	PublicURL string
}

// Handler serves a's API at /v1 and its console at /console.
func Handler(a *wire.App, o Options) *httpapi.Server {
	limiter := ratelimit.New(ratelimit.Options{})
	var local *signin.Service
	if !a.Config.Production {
		local = a.SignIn
	}
	// CSRF tokens are keyed by a key derived from the platform key, a secret every instance shares.
	csrfKey := sha256.Sum256([]byte("engage console csrf:" + o.PlatformKey))
	con := console.New(console.Deps{
		Tenants: a.Tenants, Access: a.Access, Authorizer: a.Authorizer,
		Identity: a.Identity, SignIn: local, PlatformKey: o.PlatformKey, KratosBrowserURL: o.KratosBrowserURL,
		CSRFKey: csrfKey[:], SecureCookies: a.Config.Production, Logger: a.Config.Logger,
		SignInLimit: func(h http.Handler) http.Handler { return limiter.ByIP(o.SignInLimits.Default, h) },
		Modules:     ConsoleModules(a),
	})
	return httpapi.New(httpapi.Deps{
		Tenants: a.Tenants, Tenancy: a.Tenancy, APIKeys: a.APIKeys, Access: a.Access, Audit: a.Audit, Secrets: a.Secrets,
		Customers: a.Customers, CustomerAuth: a.CustomerAuth, Events: a.Events, Idempotency: a.Idempotency, Identity: a.Identity, SignIn: local,
		Merges: a.Merges, Privacy: a.Privacy, Imports: a.Imports, Authorizer: a.Authorizer, Tx: a.DB,
		Webhooks: a.Webhooks,
		AuditLog: platformdb.AuditLog{}, Limiter: limiter, APILimits: o.APILimits, SignInLimits: o.SignInLimits,
		WeChatAccounts: a.WeChatAccounts, Checkins: a.Checkins, Membership: a.Membership,
		Console: con, PlatformKey: o.PlatformKey, SecureCookies: a.Config.Production, Jobs: o.Jobs, Metrics: o.Metrics,
		Logger: a.Config.Logger, PublicURL: o.PublicURL,
		Tags: a.Tags, Lifecycle: a.Lifecycle, Segments: a.Segments,
		Ready: func(ctx context.Context) error {
			if err := a.DB.Pool().Ping(ctx); err != nil {
				return err
			}
			return a.DB.CheckSchema(ctx)
		},
	})
}

// ConsoleModules are the console's pages, module by module, wired to a's services; tests of
// the console read the same list.
func ConsoleModules(a *wire.App) []console.Module {
	return []console.Module{
		platformui.Module(platformui.Deps{Tenants: a.Tenants, Tenancy: a.Tenancy, APIKeys: a.APIKeys, Access: a.Access, Audit: a.Audit,
			Channels: a.Channels, Webhooks: a.Webhooks, Logger: a.Config.Logger}),
		customersui.Module(customersui.Deps{Customers: a.Customers, WeChatAccounts: a.WeChatAccounts, Tags: a.Tags, Lifecycle: a.Lifecycle,
			Segments: a.Segments, Merges: a.Merges, Imports: a.Imports, Privacy: a.Privacy, Events: a.Events, Logger: a.Config.Logger}),
	}
}
