package main

import (
	"context"
	"net/http"
	"slices"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/adapters/wire/web"
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
	modules := slices.DeleteFunc(wire.Modules(), func(m module.Module) bool { return slices.Contains(cfg.without, m.Name) })
	w, err := wire.NewWith(wire.Config{
		DatabaseURL: cfg.databaseURL, SecretsKey: cfg.secretsKey, SignInKey: cfg.signInKey, KratosURL: cfg.kratosURL,
		KratosSessionCookie: cfg.kratosCookie, Production: cfg.production(), Workers: cfg.workers, JobTimeout: cfg.jobTimeout, Logger: cfg.logger(),
		WeChatAPI: cfg.wechatAPI, PlatformMail: cfg.platformMail, Blobs: cfg.blobs,
	}, db, modules)
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

func (a *app) httpServer(metrics *httpapi.Metrics, jobsUI http.Handler) http.Handler {
	return web.Handler(a.App, web.Options{
		PlatformKey: a.cfg.platformKey, KratosBrowserURL: a.cfg.kratosBrowserURL,
		APILimits: a.cfg.apiLimits, SignInLimits: a.cfg.signInLimits, Jobs: jobsUI, Metrics: metrics,
		ServeMetrics: a.cfg.metricsAddr == "", PublicURL: a.cfg.publicURL, Extra: a.cfg.extraAPI,
	})
}
