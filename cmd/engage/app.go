package main

import (
	"context"
	"crypto/sha256"
	"net/http"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/signin"
)

// app is the wired service with the process's configuration.
type app struct {
	*wire.App
	cfg config
}

func newApp(ctx context.Context, cfg config) (*app, error) {
	db, err := postgres.Open(ctx, cfg.databaseURL)
	if err != nil {
		return nil, err
	}
	w, err := wire.New(wire.Config{
		DatabaseURL: cfg.databaseURL, SecretsKey: cfg.secretsKey, SignInKey: cfg.signInKey, KratosURL: cfg.kratosURL,
		Production: cfg.production(), Workers: cfg.workers, Logger: cfg.logger(),
	}, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &app{App: w, cfg: cfg}, nil
}

func (a *app) close() { a.DB.Close() }

// withApp reads the configuration, wires the app, runs fn and closes the app: the body of
// every administrative command.
func withApp(ctx context.Context, fn func(a *app) error) error {
	cfg, err := loadConfig(ctx)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	return fn(a)
}

// migrateUp applies every pending migration as the owner role.
func migrateUp(ctx context.Context, cfg config) error {
	m, err := postgres.NewMigrator(ctx, cfg.migrateURL)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up(ctx)
}

func (a *app) httpServer(metrics *httpapi.Metrics, jobsUI http.Handler) *httpapi.Server {
	limiter := ratelimit.New(ratelimit.Options{})
	csrfKey := sha256.Sum256([]byte("engage console csrf:" + a.cfg.platformKey))
	var local *signin.Service
	if !a.cfg.production() {
		local = a.SignIn
	}
	con := console.New(console.Deps{
		SignIn:  local,
		Tenants: a.Tenants, Tenancy: a.Tenancy, APIKeys: a.APIKeys, Access: a.Access, Audit: a.Audit, Authorizer: a.Authorizer,
		Identity: a.Identity, PlatformKey: a.cfg.platformKey, KratosBrowserURL: a.cfg.kratosBrowserURL, CSRFKey: csrfKey[:], SecureCookies: a.cfg.production(),
		SignInLimit: func(h http.Handler) http.Handler { return limiter.ByIP(a.cfg.signInLimits.Default, h) },
		Logger:      a.Config.Logger,
	})
	deps := httpapi.Deps{
		Tenants: a.Tenants, Tenancy: a.Tenancy, APIKeys: a.APIKeys, Access: a.Access, Audit: a.Audit, Secrets: a.Secrets,
		Idempotency: a.Idempotency, Identity: a.Identity, Authorizer: a.Authorizer, Tx: a.DB, AuditLog: postgres.AuditLog{},
		Limiter: limiter, APILimits: a.cfg.apiLimits, SignInLimits: a.cfg.signInLimits, Console: con,
		PlatformKey: a.cfg.platformKey, SecureCookies: a.cfg.production(), Jobs: jobsUI, Metrics: metrics, Logger: a.Config.Logger,
		Ready: func(ctx context.Context) error {
			if err := a.DB.Pool().Ping(ctx); err != nil {
				return err
			}
			return a.DB.CheckSchema(ctx)
		},
	}
	deps.SignIn = local
	return httpapi.New(deps)
}
