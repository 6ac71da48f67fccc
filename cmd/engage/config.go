package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/adapters/blob"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/kratos"
	"github.com/engagehq/engage/adapters/localpg"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/ports"
)

// setting is one environment variable the binary reads.
type setting struct {
	name, def, doc string
}

var settings = []setting{
	{"ENGAGE_ENV", "development", "development or production; production refuses development conveniences"},
	{"ENGAGE_HTTP_ADDR", ":8080", "address serve listens on"},
	{"ENGAGE_METRICS_ADDR", "(production: 127.0.0.1:9090; development: none, /metrics on ENGAGE_HTTP_ADDR)", "address serve answers /metrics on, apart from the public listener"},
	{"ENGAGE_PUBLIC_URL", "http://localhost:8080", "external base URL, used in links and the OpenAPI servers list"},
	{"DATABASE_URL", "(private cluster under ENGAGE_DIR)", "PostgreSQL URL of the application role (not owner, no BYPASSRLS)"},
	{"ENGAGE_MIGRATE_DATABASE_URL", "DATABASE_URL", "PostgreSQL URL of the owner role that runs migrations"},
	{"ENGAGE_PLATFORM_KEY", "(development: generated into ENGAGE_DIR/platform-key)", "the platform operator's credential"},
	{"ENGAGE_SECRETS_KEY", "(development: generated into ENGAGE_DIR/secrets-key)", "master keys for tenant secrets: id:base64(32 bytes), comma-separated, current first"},
	{"ENGAGE_KRATOS_PUBLIC_URL", "(none: local sign-in links in development)", "Ory Kratos public API that checks admin sessions"},
	{"ENGAGE_KRATOS_BROWSER_URL", "ENGAGE_KRATOS_PUBLIC_URL", "Kratos as browsers reach it, for the console's sign-in redirect"},
	{"ENGAGE_KRATOS_SESSION_COOKIE", kratos.DefaultSessionCookie, "name of Kratos's session cookie, as its session.cookie.name says (deploy/kratos/kratos.yml)"},
	{"ENGAGE_RATE_LIMITS", "trial=10/s:20,standard=100/s:200,enterprise=1000/s:2000,default=100/s:200", "requests per API key or admin, by tenant plan"},
	{"ENGAGE_SIGNIN_RATE_LIMIT", "default=5/m:10", "sign-in attempts per client IP"},
	{"ENGAGE_CDNOW", "(the copy shipped in application/customers/demodata/cdnow, embedded)", "CDNOW purchase history seed --demo loads into the demo brands"},
	{"ENGAGE_DIR", ".engage", "where development keeps its private PostgreSQL cluster and keys"},
	{"ENGAGE_PG_PORT", strconv.Itoa(localpg.DefaultPort), "loopback port of the private PostgreSQL cluster"},
	{"ENGAGE_WORKERS", "10", "jobs worked at once by this process"},
	{"ENGAGE_JOB_TIMEOUT", "30s", "how long a job may run unless its kind allows longer; a crashed worker's jobs are redone 15 s after it"},
	{"ENGAGE_SHUTDOWN_TIMEOUT", "30s", "how long SIGTERM waits for requests and running jobs to finish"},
	{"ENGAGE_SMTP_URL", "(none: brands without a mail server get invitation links to pass on)", "the platform's mail server for invitations of brands without one: smtp://user:password@host:587?from=address&tls=starttls|tls|none"},
	{"ENGAGE_BLOB_URL", "(local disk: ENGAGE_DIR/blobs)", "where uploaded files (receipt photos) are kept: file:///path, or an S3-compatible bucket s3://ACCESS:SECRET@host/bucket?region=R (s3+http:// without TLS; credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when the URL has none)"},
	{"ENGAGE_LOG_LEVEL", "info", "debug, info, warn or error; logs are JSON on stderr"},
}

func printConfigHelp(w io.Writer) {
	for _, s := range settings {
		fmt.Fprintf(w, "  %-28s %s (default %s)\n", s.name, s.doc, s.def)
	}
}

// config is the process configuration, read from the environment.
type config struct {
	env              string
	httpAddr         string
	metricsAddr      string
	publicURL        string
	databaseURL      string
	migrateURL       string
	platformKey      string
	secretsKey       string
	signInKey        []byte
	kratosURL        string
	kratosBrowserURL string
	kratosCookie     string
	apiLimits        ratelimit.Limits
	signInLimits     ratelimit.Limits
	dir              string
	workers          int
	shutdownTimeout  time.Duration
	jobTimeout       time.Duration
	logLevel         slog.Level
	// platformMail is the platform's own mail server (ENGAGE_SMTP_URL), nil without one.
	platformMail *ports.MailServer
	// blobs keeps uploaded files (ENGAGE_BLOB_URL, else ENGAGE_DIR/blobs).
	blobs ports.Blobs

	// Set by engage dev only: the development WeChat's API base (empty is WeChat's own) and
	// its operations.
	wechatAPI string
	extraAPI  []httpapi.Module
	// Set by engage load only: modules left out, to measure what the others cost.
	without []string
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
		env:              env("ENGAGE_ENV", "development"),
		httpAddr:         env("ENGAGE_HTTP_ADDR", ":8080"),
		publicURL:        strings.TrimRight(env("ENGAGE_PUBLIC_URL", "http://localhost:8080"), "/"),
		databaseURL:      os.Getenv("DATABASE_URL"),
		migrateURL:       os.Getenv("ENGAGE_MIGRATE_DATABASE_URL"),
		platformKey:      os.Getenv("ENGAGE_PLATFORM_KEY"),
		secretsKey:       os.Getenv("ENGAGE_SECRETS_KEY"),
		kratosURL:        os.Getenv("ENGAGE_KRATOS_PUBLIC_URL"),
		kratosBrowserURL: env("ENGAGE_KRATOS_BROWSER_URL", os.Getenv("ENGAGE_KRATOS_PUBLIC_URL")),
		kratosCookie:     env("ENGAGE_KRATOS_SESSION_COOKIE", kratos.DefaultSessionCookie),
		dir:              env("ENGAGE_DIR", ".engage"),
	}
	if c.env != "development" && c.env != "production" {
		return c, fmt.Errorf("ENGAGE_ENV=%q: want development or production", c.env)
	}
	// In production /metrics, which describes every brand's traffic, is never on the public
	// listener; in development it is, unless an address is given.
	if c.metricsAddr = os.Getenv("ENGAGE_METRICS_ADDR"); c.metricsAddr == "" && c.production() {
		c.metricsAddr = "127.0.0.1:9090"
	}
	var err error
	if c.workers, err = strconv.Atoi(env("ENGAGE_WORKERS", "10")); err != nil || c.workers < 1 {
		return c, fmt.Errorf("ENGAGE_WORKERS=%q: want a positive number", os.Getenv("ENGAGE_WORKERS"))
	}
	if c.shutdownTimeout, err = time.ParseDuration(env("ENGAGE_SHUTDOWN_TIMEOUT", "30s")); err != nil {
		return c, fmt.Errorf("ENGAGE_SHUTDOWN_TIMEOUT: %w", err)
	}
	if c.jobTimeout, err = time.ParseDuration(env("ENGAGE_JOB_TIMEOUT", "30s")); err != nil || c.jobTimeout <= 0 {
		return c, fmt.Errorf("ENGAGE_JOB_TIMEOUT=%q: want a positive duration", os.Getenv("ENGAGE_JOB_TIMEOUT"))
	}
	if err := c.logLevel.UnmarshalText([]byte(env("ENGAGE_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("ENGAGE_LOG_LEVEL: %w", err)
	}
	if c.platformMail, err = mailServerFrom(os.Getenv("ENGAGE_SMTP_URL")); err != nil {
		return c, fmt.Errorf("ENGAGE_SMTP_URL: %w", err)
	}
	if c.blobs, err = blob.Open(os.Getenv("ENGAGE_BLOB_URL"), c.dir); err != nil {
		return c, fmt.Errorf("ENGAGE_BLOB_URL: %w", err)
	}
	if c.apiLimits, err = limitsFrom("ENGAGE_RATE_LIMITS", ratelimit.DefaultAPILimits); err != nil {
		return c, err
	}
	if c.signInLimits, err = limitsFrom("ENGAGE_SIGNIN_RATE_LIMIT", ratelimit.DefaultSignInLimits); err != nil {
		return c, err
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
		if c.platformKey, err = developmentSecret(c.dir, "platform-key", func() (string, error) { return "egp_" + randomHex(24), nil }); err != nil {
			return c, err
		}
	}
	if c.secretsKey == "" {
		if c.production() {
			return c, errors.New("ENGAGE_SECRETS_KEY is required in production")
		}
		if c.secretsKey, err = developmentSecret(c.dir, "secrets-key", func() (string, error) { return secretbox.GenerateSpec("dev1") }); err != nil {
			return c, err
		}
	}
	if !c.production() {
		key, err := developmentSecret(c.dir, "signin-key", func() (string, error) { return randomHex(32), nil })
		if err != nil {
			return c, err
		}
		c.signInKey = []byte(key)
	}
	return c, nil
}

func limitsFrom(name string, def ratelimit.Limits) (ratelimit.Limits, error) {
	spec := os.Getenv(name)
	if spec == "" {
		return def, nil
	}
	l, err := ratelimit.ParseLimits(spec)
	if err != nil {
		return l, fmt.Errorf("%s: %w", name, err)
	}
	return l, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// developmentSecret keeps one generated secret per checkout in dir/name.
func developmentSecret(dir, name string, generate func() (string, error)) (string, error) {
	path := filepath.Join(dir, name)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	v, err := generate()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return v, os.WriteFile(path, []byte(v+"\n"), 0o600)
}

func (c config) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: c.logLevel}))
}

// mailServerFrom reads the platform's mail server from a URL such as
// smtp://user:password@smtp.example.com:587?from=noreply@example.com&tls=starttls: the port
// defaults to 587 (465 with tls=tls), TLS to starttls, and from is required. An empty URL is
// no server.
func mailServerFrom(raw string) (*ports.MailServer, error) {
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, errors.New("want smtp://user:password@host:port?from=address&tls=starttls|tls|none")
	}
	q := u.Query()
	tls := cmp.Or(q.Get("tls"), "starttls")
	if tls != "starttls" && tls != "tls" && tls != "none" {
		return nil, fmt.Errorf("tls=%q: want starttls, tls or none", tls)
	}
	port := 587
	if tls == "tls" {
		port = 465
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("port %q: want 1-65535", p)
		}
	}
	from, err := mail.ParseAddress(q.Get("from"))
	if err != nil {
		return nil, fmt.Errorf("from=%q: want the address mail is sent from", q.Get("from"))
	}
	password, _ := u.User.Password()
	return &ports.MailServer{Account: ports.SMTPAccount{Host: u.Hostname(), Port: port, Username: u.User.Username(), From: from.Address, TLS: tls},
		Password: password}, nil
}
