// Package localpg starts and reuses a private PostgreSQL cluster for development and tests.
//
// The cluster lives in a directory of the checkout (normally .engage/), is built from the
// machine's own PostgreSQL binaries, listens on loopback only, and holds the two roles the
// architecture asks for: an owner that runs migrations and an application role that is not the
// owner, not a superuser and cannot bypass row-level security.
package localpg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Role names the cluster creates. The application role name is also referenced by migrations,
// which grant it DML on the tables they create.
const (
	OwnerRole = "engage_owner"
	AppRole   = "engage_app"
	Database  = "engage"
	superuser = "postgres"
)

// DefaultPort is the loopback port of the private cluster unless ENGAGE_PG_PORT says otherwise.
const DefaultPort = 54329

// Cluster is a running private cluster and how to reach it.
type Cluster struct {
	Dir  string `json:"-"`
	Port int    `json:"port"`
	// Passwords of the three roles, generated once at initdb time and kept in Dir (mode 0600).
	SuperuserPassword string `json:"superuser_password"`
	OwnerPassword     string `json:"owner_password"`
	AppPassword       string `json:"app_password"`
}

// URL returns a connection string for role to database on the cluster.
func (c *Cluster) URL(role, database string) string {
	password := map[string]string{
		superuser: c.SuperuserPassword,
		OwnerRole: c.OwnerPassword,
		AppRole:   c.AppPassword,
	}[role]
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(role, password),
		Host:     "127.0.0.1:" + strconv.Itoa(c.Port),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// SuperuserURL connects as the cluster's superuser; only tooling (test database creation,
// bootstrap) uses it, never the service.
func (c *Cluster) SuperuserURL(database string) string { return c.URL(superuser, database) }

// OwnerURL connects as the schema owner, for migrations.
func (c *Cluster) OwnerURL(database string) string { return c.URL(OwnerRole, database) }

// AppURL connects as the application role the service uses.
func (c *Cluster) AppURL(database string) string { return c.URL(AppRole, database) }

// Ensure makes sure the cluster under dir exists, runs and has the engage roles and database.
// It is safe to call from several processes at once: a file lock serialises them.
func Ensure(ctx context.Context, dir string) (*Cluster, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	unlock, err := lockFile(filepath.Join(dir, "cluster.lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()

	bin, err := findBinaries(ctx)
	if err != nil {
		return nil, err
	}
	runAs, err := unprivilegedUser(ctx)
	if err != nil {
		return nil, err
	}
	c, err := loadOrInit(ctx, dir, bin, runAs)
	if err != nil {
		return nil, err
	}
	if err := start(ctx, c, bin, runAs); err != nil {
		return nil, err
	}
	if err := provision(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Stop shuts the cluster under dir down if it runs.
func Stop(ctx context.Context, dir string) error {
	bin, err := findBinaries(ctx)
	if err != nil {
		return err
	}
	runAs, err := unprivilegedUser(ctx)
	if err != nil {
		return err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return err
	}
	data := filepath.Join(serverDir(dir, runAs), "pgdata")
	if _, err := os.Stat(filepath.Join(data, "postmaster.pid")); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return run(ctx, runAs, bin.path("pg_ctl"), "-D", data, "-m", "fast", "-w", "stop")
}

func stateFile(dir string) string { return filepath.Join(dir, "postgres.json") }

// serverDir is where the server's own files (data, socket, log) live: under dir, unless the
// unprivileged account cannot reach dir (a checkout under a private home directory), in which
// case under /var/tmp, in a directory named after dir.
func serverDir(dir string, runAs *account) string {
	if runAs == nil || reachable(dir) {
		return dir
	}
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join(os.TempDir(), "engage-pg-"+hex.EncodeToString(sum[:6]))
}

// reachable reports whether any user may traverse every directory from / down to dir.
func reachable(dir string) bool {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func loadOrInit(ctx context.Context, dir string, bin binaries, runAs *account) (*Cluster, error) {
	home := serverDir(dir, runAs)
	data := filepath.Join(home, "pgdata")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err == nil {
		raw, err := os.ReadFile(stateFile(dir))
		if err != nil {
			return nil, fmt.Errorf("cluster at %s has no %s; remove the directory (make clean) to start afresh: %w", data, stateFile(dir), err)
		}
		c := &Cluster{Dir: dir}
		if err := json.Unmarshal(raw, c); err != nil {
			return nil, fmt.Errorf("read %s: %w", stateFile(dir), err)
		}
		return c, nil
	}

	port := DefaultPort
	if p := os.Getenv("ENGAGE_PG_PORT"); p != "" {
		if port, _ = strconv.Atoi(p); port <= 0 {
			return nil, fmt.Errorf("ENGAGE_PG_PORT=%q is not a port number", p)
		}
	}
	c := &Cluster{Dir: dir, Port: port, SuperuserPassword: randomSecret(), OwnerPassword: randomSecret(), AppPassword: randomSecret()}

	_ = os.RemoveAll(data)
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	for _, d := range []string{data, filepath.Join(home, "run")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
		if err := runAs.own(d); err != nil {
			return nil, err
		}
	}
	pwfile := filepath.Join(dir, "initdb.pw")
	if err := os.WriteFile(pwfile, []byte(c.SuperuserPassword+"\n"), 0o600); err != nil {
		return nil, err
	}
	defer os.Remove(pwfile)
	if err := runAs.own(pwfile); err != nil {
		return nil, err
	}
	if err := run(ctx, runAs, bin.path("initdb"), "-D", data, "-U", superuser, "--pwfile", pwfile,
		"--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C", "--no-instructions"); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf("\n# engage private cluster\nport = %d\nlisten_addresses = '127.0.0.1'\n"+
		"unix_socket_directories = '%s'\nmax_connections = 300\nshared_buffers = 256MB\n"+
		"logging_collector = off\n", c.Port, filepath.Join(home, "run"))
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(conf); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	raw, _ := json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(stateFile(dir), raw, 0o600); err != nil {
		return nil, err
	}
	return c, nil
}

func start(ctx context.Context, c *Cluster, bin binaries, runAs *account) error {
	if ping(ctx, c) == nil {
		return nil
	}
	home := serverDir(c.Dir, runAs)
	logFile := filepath.Join(home, "postgres.log")
	if f, err := os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
		f.Close()
	}
	if err := runAs.own(logFile); err != nil {
		return err
	}
	data := filepath.Join(home, "pgdata")
	// A stale pid file from a killed machine would stop pg_ctl; postgres itself checks the pid.
	if err := run(ctx, runAs, bin.path("pg_ctl"), "-D", data, "-l", logFile, "-w", "-t", "60", "start"); err != nil {
		return fmt.Errorf("%w (see %s)", err, logFile)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := ping(ctx, c)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres started but does not answer: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func ping(ctx context.Context, c *Cluster) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.SuperuserURL("postgres"))
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// provision creates the roles and the main database when they are missing.
func provision(ctx context.Context, c *Cluster) error {
	conn, err := pgx.Connect(ctx, c.SuperuserURL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	roles := []struct{ name, password, attrs string }{
		{OwnerRole, c.OwnerPassword, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE"},
		{AppRole, c.AppPassword, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"},
	}
	for _, r := range roles {
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", r.name).Scan(&exists); err != nil {
			return err
		}
		verb := "CREATE"
		if exists {
			verb = "ALTER"
		}
		stmt := fmt.Sprintf("%s ROLE %s %s PASSWORD %s", verb, pgx.Identifier{r.name}.Sanitize(), r.attrs, quoteLiteral(r.password))
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("%s role %s: %w", verb, r.name, err)
		}
	}
	return CreateDatabase(ctx, conn, Database, "")
}

// CreateDatabase creates database name owned by the owner role, optionally from a template,
// unless it exists. conn must be a superuser connection.
func CreateDatabase(ctx context.Context, conn *pgx.Conn, name, template string) error {
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	stmt := fmt.Sprintf("CREATE DATABASE %s OWNER %s", pgx.Identifier{name}.Sanitize(), OwnerRole)
	if template != "" {
		stmt += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Destroy stops the cluster under dir and deletes it with everything else in dir.
func Destroy(ctx context.Context, dir string) error {
	if err := Stop(ctx, dir); err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	runAs, err := unprivilegedUser(ctx)
	if err != nil {
		return err
	}
	if home := serverDir(abs, runAs); home != abs {
		if err := os.RemoveAll(home); err != nil {
			return err
		}
	}
	return os.RemoveAll(abs)
}
