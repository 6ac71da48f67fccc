package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/wire/web"
)

func runServe(ctx context.Context, args []string) error {
	fs := newFlags("serve", "serve [--api=true] [--workers=true]")
	api := fs.Bool("api", true, "serve the HTTP API and console")
	workers := fs.Bool("workers", true, "run background workers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(ctx)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, *api, *workers, nil)
}

func runWorker(ctx context.Context, args []string) error {
	if err := newFlags("worker", "worker").Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(ctx)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, false, true, nil)
}

// serve runs the HTTP API and/or the workers until ctx ends, then shuts down gracefully:
// HTTP stops accepting and drains, River stops fetching and lets running jobs finish, both
// within the shutdown timeout. ready, when set, receives the listening address.
func serve(ctx context.Context, cfg config, withAPI, withWorkers bool, ready func(addr string)) error {
	if !withAPI && !withWorkers {
		return errors.New("nothing to run: --api and --workers are both off")
	}
	if os.Getenv("GOGC") == "" {
		// The live heap of a server is small (tens of MB): collecting less often buys about
		// 15% more requests per second for a little memory (see README.md here, the load benchmark).
		debug.SetGCPercent(400)
	}
	a, err := newApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.DB.CheckSchema(ctx); err != nil {
		return err
	}

	listening := make(chan struct{})
	go a.Listener.Run(ctx, func() { close(listening) })
	select {
	case <-listening:
	case <-ctx.Done():
		return nil
	case <-time.After(30 * time.Second):
		return errors.New("the change listener could not LISTEN on the database within 30 s (see the logs)")
	}

	if withWorkers {
		if err := a.River.Start(ctx); err != nil {
			return fmt.Errorf("start workers: %w", err)
		}
		a.Config.Logger.Info("workers started", "max_workers", cfg.workers)
	}

	var (
		servers []*http.Server
		serveCh = make(chan error, 2)
	)
	if withAPI {
		ui, err := web.JobsUI(ctx, a.App)
		if err != nil {
			return err
		}
		metrics := httpapi.NewMetrics(a.DB.Pool())
		if cfg.metricsAddr != "" {
			mux := http.NewServeMux()
			mux.Handle("GET /metrics", metrics.Handler())
			ln, err := net.Listen("tcp", cfg.metricsAddr)
			if err != nil {
				return fmt.Errorf("ENGAGE_METRICS_ADDR: %w", err)
			}
			a.Config.Logger.Info("serving metrics", "addr", ln.Addr().String())
			servers = append(servers, listen(ln, mux, serveCh))
		}
		ln, err := net.Listen("tcp", cfg.httpAddr)
		if err != nil {
			return err
		}
		a.Config.Logger.Info("serving", "addr", ln.Addr().String(), "docs", cfg.publicURL+"/docs")
		if ready != nil {
			ready(ln.Addr().String())
		}
		servers = append(servers, listen(ln, a.httpServer(metrics, ui), serveCh))
	}

	select {
	case <-ctx.Done():
	case err := <-serveCh:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	a.Config.Logger.Info("shutting down", "timeout", cfg.shutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.shutdownTimeout)
	defer cancel()
	var errs []error
	for _, srv := range servers {
		errs = append(errs, srv.Shutdown(shutdownCtx))
	}
	if withWorkers {
		if err := a.River.Stop(shutdownCtx); err != nil {
			a.Config.Logger.Warn("jobs still running at the shutdown timeout; cancelling them", "error", err)
			cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			errs = append(errs, a.River.StopAndCancel(cancelCtx))
			cancel()
		}
	}
	a.Config.Logger.Info("stopped")
	return errors.Join(errs...)
}

// listen serves h on ln until shut down, sending why it stopped to stopped.
func listen(ln net.Listener, h http.Handler, stopped chan<- error) *http.Server {
	srv := &http.Server{
		Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 120 * time.Second,
	}
	go func() { stopped <- srv.Serve(ln) }()
	return srv
}
