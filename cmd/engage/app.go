package main

import (
	"context"
	"log/slog"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// app is the wired service: adapters plugged into the application.
type app struct {
	cfg         config
	log         *slog.Logger
	db          *postgres.DB
	tenants     *tenants.Directory
	apiKeys     *apikeys.Service
	idempotency *idempotency.Service
	river       *riverjobs.Client
}

func newApp(ctx context.Context, cfg config) (*app, error) {
	log := cfg.logger()
	db, err := postgres.Open(ctx, cfg.databaseURL)
	if err != nil {
		return nil, err
	}
	clock := ports.SystemClock{}
	a := &app{cfg: cfg, log: log, db: db, tenants: tenants.NewDirectory(postgres.NewTenantStore(db))}
	a.apiKeys = apikeys.NewService(db, postgres.APIKeys{}, a.tenants, clock)

	// Services enqueue through the River client; its workers call the services once started.
	workers := &riverjobs.Services{}
	a.river, err = riverjobs.NewClient(db, workers, riverjobs.Config{MaxWorkers: cfg.workers, Logger: log})
	if err != nil {
		db.Close()
		return nil, err
	}
	scheduler := riverjobs.NewScheduler(a.river)
	a.idempotency = idempotency.NewService(db, postgres.IdempotencyKeys{}, scheduler, a.tenants, clock)
	*workers = riverjobs.Services{Idempotency: a.idempotency}
	return a, nil
}

func (a *app) close() { a.db.Close() }

func (a *app) httpServer(metrics *httpapi.Metrics, jobsUI *riverUI) *httpapi.Server {
	deps := httpapi.Deps{
		Tenants:     a.tenants,
		APIKeys:     a.apiKeys,
		Idempotency: a.idempotency,
		PlatformKey: a.cfg.platformKey,
		Ready: func(ctx context.Context) error {
			if err := a.db.Pool().Ping(ctx); err != nil {
				return err
			}
			return a.db.CheckSchema(ctx)
		},
		Metrics: metrics,
		Logger:  a.log,
	}
	if jobsUI != nil {
		deps.Jobs = jobsUI.handler
	}
	return httpapi.New(deps)
}
