package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/localpg"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// runLoad measures an authenticated, tenant-scoped read (GET /v1/api-keys) over HTTP and then
// pgbench's select-only run with the same number of clients against the same PostgreSQL, and
// prints both rates and their ratio. With --ingest it measures batch ingestion of purchases
// (POST /v1/events) instead; with --earning the till's earning call together with pgbench's
// tpcb-like script.
func runLoad(ctx context.Context, args []string) error {
	fs := newFlags("load", "load [--clients 16] [--duration 20s] [--pgbench-mode simple] | load --ingest [--clients 4] [--batch 1000] [--customers 10000] [--workers=true] [--without points] | load --earning [--clients 8] [--customers 10000] [--workers=true]")
	clients := fs.Int("clients", 16, "concurrent clients, for both the API and pgbench (with --ingest: 4; with --earning: 8)")
	duration := fs.Duration("duration", 20*time.Second, "how long each of the two runs lasts")
	mode := fs.String("pgbench-mode", "simple", "pgbench query mode: simple (pgbench's default), extended or prepared")
	ingest := fs.Bool("ingest", false, "measure batch ingestion of purchase events (POST /v1/events) instead")
	earning := fs.Bool("earning", false, "measure the till's earning (POST /v1/points/purchases) together with pgbench's tpcb-like script instead")
	batch := fs.Int("batch", 1000, "with --ingest: events per request, 1 to 1000")
	customers := fs.Int("customers", 10_000, "with --ingest or --earning: customers the purchases are spread over")
	workers := fs.Bool("workers", true, "with --ingest or --earning: work the reaction jobs during the run, as engage serve does")
	without := fs.String("without", "", "with --ingest: modules to leave out, comma-separated (points), to measure what the others cost")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *earning {
		l := earningLoad{clients: 8, customers: *customers, duration: *duration, mode: *mode, workers: *workers}
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "clients" {
				l.clients = *clients
			}
		})
		if l.customers < 1 || l.clients < 1 {
			return errors.New("want at least one customer and one client")
		}
		cfg, err := loadConfig(ctx)
		if err != nil {
			return err
		}
		cfg.httpAddr = "127.0.0.1:0"
		cfg.apiLimits = ratelimit.Limits{} // as below: capacity is measured
		cfg.logLevel = 12
		return runEarningLoad(ctx, cfg, l)
	}
	if *ingest {
		l := ingestLoad{clients: 4, batch: *batch, customers: *customers, duration: *duration, workers: *workers}
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "clients" {
				l.clients = *clients
			}
		})
		if l.batch < 1 || l.batch > 1000 || l.customers < 1 || l.clients < 1 {
			return errors.New("want 1 to 1000 events per batch, at least one customer and one client")
		}
		cfg, err := loadConfig(ctx)
		if err != nil {
			return err
		}
		cfg.httpAddr = "127.0.0.1:0"
		cfg.apiLimits = ratelimit.Limits{} // as below: capacity is measured
		cfg.logLevel = 12
		if *without != "" {
			cfg.without = strings.Split(*without, ",")
			for _, name := range cfg.without {
				if !slices.ContainsFunc(wire.Modules(), func(m module.Module) bool { return m.Name == name }) {
					return fmt.Errorf("--without: no module is named %q", name)
				}
			}
		}
		return runIngestLoad(ctx, cfg, l)
	}
	for tool, pkg := range map[string]string{"pgbench": "postgresql-client", "wrk": "wrk"} {
		if err := localpg.EnsureTool(ctx, tool, pkg); err != nil {
			return err
		}
	}
	cfg, err := loadConfig(ctx)
	if err != nil {
		return err
	}
	cfg.httpAddr = "127.0.0.1:0"
	// The benchmark measures serving capacity, so the in-process server does not rate-limit it.
	cfg.apiLimits = ratelimit.Limits{}
	cfg.logLevel = 12 // above error: a request log line per request would measure the logger
	if err := migrateUp(ctx, cfg); err != nil {
		return err
	}
	token, err := loadTenantKey(ctx, cfg)
	if err != nil {
		return err
	}

	serveCtx, stopServer := context.WithCancel(ctx)
	addrCh := make(chan string, 1)
	serveErr := make(chan error, 1)
	go func() { serveErr <- serve(serveCtx, cfg, true, false, func(addr string) { addrCh <- addr }) }()
	var addr string
	select {
	case addr = <-addrCh:
	case err := <-serveErr:
		stopServer()
		return err
	}
	keyID := strings.Split(token, ":")[0]
	token = strings.Split(token, ":")[1]
	var results []loadResult
	for _, path := range []string{"/v1/api-keys/" + keyID, "/v1/api-keys?limit=10"} {
		fmt.Printf("API: GET %s with an API key, %d clients, %s\n", path, *clients, *duration)
		r, err := wrkLoad(ctx, "http://"+addr+path, token, *clients, *duration)
		if err != nil {
			stopServer()
			<-serveErr
			return err
		}
		fmt.Printf("  %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d errors\n", r.rate, ms(r.p50), ms(r.p99), r.errors)
		if r.errors > 0 {
			stopServer()
			<-serveErr
			return fmt.Errorf("%d requests failed: the rate above is not of successful reads", r.errors)
		}
		results = append(results, r)
	}
	stopServer()
	if err := <-serveErr; err != nil {
		return err
	}

	fmt.Printf("pgbench -S -M %s, %d clients, %s\n", *mode, *clients, *duration)
	tps, err := pgbenchSelect(ctx, cfg, *clients, *duration, *mode)
	if err != nil {
		return err
	}
	fmt.Printf("  %.0f transactions/s\n", tps)
	for i, name := range []string{"get one key", "list 10 keys"} {
		fmt.Printf("ratio API/pgbench, %s: %.1f%% (target: at least 40%% with p99 under 20 ms)\n", name, 100*results[i].rate/tps)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// loadTenantKey makes (once) a tenant with a few API keys, and issues a fresh analyst key,
// returned as "keyID:token".
func loadTenantKey(ctx context.Context, cfg config) (string, error) {
	a, err := newApp(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer a.close()
	_, key, err := loadTenant(ctx, a, access.RoleAnalyst)
	return key, err
}

// loadTenant makes (once) the load-test tenant with a few API keys, and issues a fresh key of
// role, returned as "keyID:token".
func loadTenant(ctx context.Context, a *app, role access.Role) (tenants.Tenant, string, error) {
	t, err := a.Tenants.Lookup(ctx, "load-test")
	if errors.Is(err, tenants.ErrNotFound) {
		t, err = a.Tenancy.Create(ctx, tenants.Draft{Slug: "load-test", Name: "Load test"})
		for i := 0; err == nil && i < 10; i++ {
			_, err = a.APIKeys.Create(ctx, t.ID, nil, "integration "+strconv.Itoa(i), access.RoleStoreStaff)
		}
	}
	if err != nil {
		return t, "", err
	}
	c, err := a.APIKeys.Create(ctx, t.ID, nil, "load "+time.Now().Format(time.RFC3339), role)
	return t, c.Key.ID.String() + ":" + c.Token, err
}

type loadResult struct {
	rate     float64
	p50, p99 time.Duration
	errors   int
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)$`)
	wrkErrors  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// wrkLoad drives url with wrk, a C load generator like pgbench, so the client's own cost is
// comparable on both sides.
func wrkLoad(ctx context.Context, url, token string, clients int, d time.Duration) (loadResult, error) {
	cmd := exec.CommandContext(ctx, "wrk", "-t2", "-c"+strconv.Itoa(clients), "-d"+strconv.Itoa(int(d.Seconds()))+"s",
		"--latency", "-H", "Authorization: Bearer "+token, url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return loadResult{}, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		return loadResult{}, fmt.Errorf("no rate in wrk output:\n%s", out)
	}
	var r loadResult
	r.rate, _ = strconv.ParseFloat(string(m[1]), 64)
	for _, l := range wrkLatency.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(l[2]), 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(l[3])]
		if string(l[1]) == "50" {
			r.p50 = time.Duration(v * float64(unit))
		} else {
			r.p99 = time.Duration(v * float64(unit))
		}
	}
	if e := wrkErrors.FindSubmatch(out); e != nil {
		r.errors, _ = strconv.Atoi(string(e[1]))
	}
	return r, nil
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbenchSelect runs pgbench -S on a pgbench database beside Engage's, created on first use.
func pgbenchSelect(ctx context.Context, cfg config, clients int, d time.Duration, mode string) (float64, error) {
	url, err := pgbenchDatabase(ctx, cfg)
	if err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, "pgbench", "-S", "-n", "-M", mode, "-c", strconv.Itoa(clients), "-j", "2",
		"-T", strconv.Itoa(int(d.Seconds())), url)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %w\n%s", err, out)
	}
	match := tpsLine.FindSubmatch(out)
	if match == nil {
		return 0, fmt.Errorf("no tps in pgbench output:\n%s", out)
	}
	return strconv.ParseFloat(string(match[1]), 64)
}

// pgbenchDatabase returns the URL of the pgbench database (scale 10) beside Engage's in the
// private cluster, creating and initialising it on first use.
func pgbenchDatabase(ctx context.Context, cfg config) (string, error) {
	cluster, err := localpg.Ensure(ctx, cfg.dir)
	if err != nil {
		return "", fmt.Errorf("pgbench runs against the private cluster: %w", err)
	}
	conn, err := pgx.Connect(ctx, cluster.SuperuserURL("postgres"))
	if err != nil {
		return "", err
	}
	var exists bool
	err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'pgbench')`).Scan(&exists)
	if err == nil && !exists {
		err = localpg.CreateDatabase(ctx, conn, "pgbench", "")
	}
	conn.Close(ctx)
	if err != nil {
		return "", err
	}
	url := cluster.OwnerURL("pgbench")
	if !exists {
		if out, err := exec.CommandContext(ctx, "pgbench", "-i", "-q", "-s", "10", url).CombinedOutput(); err != nil {
			return "", fmt.Errorf("pgbench -i: %w\n%s", err, out)
		}
	}
	return url, nil
}
