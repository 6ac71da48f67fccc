package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/adapters/localpg"
)

// setting is one environment variable the binary reads.
type setting struct {
	name, def, doc string
}

var settings = []setting{
	{"ENGAGE_ENV", "development", "development or production; production refuses development conveniences"},
	{"ENGAGE_HTTP_ADDR", ":8080", "address serve listens on"},
	{"ENGAGE_PUBLIC_URL", "http://localhost:8080", "external base URL, used in links and the OpenAPI servers list"},
	{"DATABASE_URL", "(private cluster under ENGAGE_DIR)", "PostgreSQL URL of the application role (not owner, no BYPASSRLS)"},
	{"ENGAGE_MIGRATE_DATABASE_URL", "DATABASE_URL", "PostgreSQL URL of the owner role that runs migrations"},
	{"ENGAGE_PLATFORM_KEY", "(development: generated into ENGAGE_DIR/platform-key)", "the platform operator's credential"},
	{"ENGAGE_DIR", ".engage", "where development keeps its private PostgreSQL cluster and keys"},
	{"ENGAGE_PG_PORT", strconv.Itoa(localpg.DefaultPort), "loopback port of the private PostgreSQL cluster"},
	{"ENGAGE_WORKERS", "10", "jobs worked at once by this process"},
	{"ENGAGE_SHUTDOWN_TIMEOUT", "30s", "how long SIGTERM waits for requests and running jobs to finish"},
	{"ENGAGE_LOG_LEVEL", "info", "debug, info, warn or error; logs are JSON on stderr"},
}

func printConfigHelp(w io.Writer) {
	for _, s := range settings {
		fmt.Fprintf(w, "  %-28s %s (default %s)\n", s.name, s.doc, s.def)
	}
}

// config is the process configuration, read from the environment.
type config struct {
	env             string
	httpAddr        string
	publicURL       string
	databaseURL     string
	migrateURL      string
	platformKey     string
	dir             string
	workers         int
	shutdownTimeout time.Duration
	logLevel        slog.Level
}

func (c config) production() bool { return c.env == "production" }

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// loadConfig reads the environment. In development with no DATABASE_URL it starts (or reuses)
// the private cluster; in production every credential must be given.
func loadConfig(ctx context.Context) (config, error) {
	c := config{
		env:         env("ENGAGE_ENV", "development"),
		httpAddr:    env("ENGAGE_HTTP_ADDR", ":8080"),
		publicURL:   strings.TrimRight(env("ENGAGE_PUBLIC_URL", "http://localhost:8080"), "/"),
		databaseURL: os.Getenv("DATABASE_URL"),
		migrateURL:  os.Getenv("ENGAGE_MIGRATE_DATABASE_URL"),
		platformKey: os.Getenv("ENGAGE_PLATFORM_KEY"),
		dir:         env("ENGAGE_DIR", ".engage"),
	}
	if c.env != "development" && c.env != "production" {
		return c, fmt.Errorf("ENGAGE_ENV=%q: want development or production", c.env)
	}
	var err error
	if c.workers, err = strconv.Atoi(env("ENGAGE_WORKERS", "10")); err != nil || c.workers < 1 {
		return c, fmt.Errorf("ENGAGE_WORKERS=%q: want a positive number", os.Getenv("ENGAGE_WORKERS"))
	}
	if c.shutdownTimeout, err = time.ParseDuration(env("ENGAGE_SHUTDOWN_TIMEOUT", "30s")); err != nil {
		return c, fmt.Errorf("ENGAGE_SHUTDOWN_TIMEOUT: %w", err)
	}
	if err := c.logLevel.UnmarshalText([]byte(env("ENGAGE_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("ENGAGE_LOG_LEVEL: %w", err)
	}
	if c.databaseURL == "" {
		if c.production() {
			return c, errors.New("DATABASE_URL is required in production")
		}
		cluster, err := localpg.Ensure(ctx, c.dir)
		if err != nil {
			return c, err
		}
		c.databaseURL = cluster.AppURL(localpg.Database)
		c.migrateURL = cluster.OwnerURL(localpg.Database)
	}
	if c.migrateURL == "" {
		c.migrateURL = c.databaseURL
	}
	if c.platformKey == "" {
		if c.production() {
			return c, errors.New("ENGAGE_PLATFORM_KEY is required in production")
		}
		if c.platformKey, err = developmentPlatformKey(c.dir); err != nil {
			return c, err
		}
	}
	return c, nil
}

// developmentPlatformKey keeps one generated platform key per checkout.
func developmentPlatformKey(dir string) (string, error) {
	path := filepath.Join(dir, "platform-key")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	key := "egp_" + hex.EncodeToString(b)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return key, os.WriteFile(path, []byte(key+"\n"), 0o600)
}

func (c config) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: c.logLevel}))
}
