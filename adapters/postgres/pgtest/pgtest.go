// Package pgtest gives each test its own PostgreSQL database, cloned from a migrated template
// on the project's private cluster, and drops it when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/engagehq/engage/adapters/localpg"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/migrations"
)

// Database is one test's database.
type Database struct {
	Name string
	// AppURL connects as the application role, as the service does.
	AppURL string
	// OwnerURL connects as the schema owner.
	OwnerURL string
	// SuperuserURL connects as the cluster superuser, for inspecting the catalog.
	SuperuserURL string
}

var (
	clusterOnce sync.Once
	clusterVal  *localpg.Cluster
	clusterErr  error
)

// Cluster returns the private cluster the tests use, starting it when needed. ENGAGE_DIR
// overrides where it lives (default: .engage at the module root).
func Cluster(t testing.TB) *localpg.Cluster {
	t.Helper()
	clusterOnce.Do(func() {
		dir := os.Getenv("ENGAGE_DIR")
		if dir == "" {
			root, err := moduleRoot()
			if err != nil {
				clusterErr = err
				return
			}
			dir = filepath.Join(root, ".engage")
		}
		clusterVal, clusterErr = localpg.Ensure(context.Background(), dir)
	})
	if clusterErr != nil {
		t.Fatalf("pgtest: %v", clusterErr)
	}
	return clusterVal
}

// New returns a fresh, fully migrated database for t, dropped when t ends.
func New(t testing.TB) *Database {
	t.Helper()
	c := Cluster(t)
	template := ensureTemplate(t, c)
	return create(t, c, template)
}

// NewEmpty returns a fresh database with no migrations applied, dropped when t ends.
func NewEmpty(t testing.TB) *Database {
	t.Helper()
	return create(t, Cluster(t), "")
}

// appPoolSize bounds each test's application pool below the service's default: many tests
// run at once against one cluster, whose connections they share.
const appPoolSize = 8

// OpenApp opens the application pool on d, of appPoolSize connections, closed when t ends.
func (d *Database) OpenApp(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), d.AppURL+"&pool_max_conns="+strconv.Itoa(appPoolSize))
	if err != nil {
		t.Fatalf("pgtest: open app pool: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

// SuperConn connects to d as the cluster superuser, for inspecting the catalog and what
// row-level security hides; the connection is closed when t ends.
func (d *Database) SuperConn(t testing.TB) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), d.SuperuserURL)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func create(t testing.TB, c *localpg.Cluster, template string) *Database {
	t.Helper()
	ctx := context.Background()
	name := "test_" + randomHex(8)
	conn := superConn(t, c)
	defer conn.Close(ctx)
	if err := localpg.CreateDatabase(ctx, conn, name, template); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		conn := superConn(t, c)
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return &Database{Name: name, AppURL: c.AppURL(name), OwnerURL: c.OwnerURL(name), SuperuserURL: c.SuperuserURL(name)}
}

// templateMu serialises template building inside one test binary; an advisory lock does so
// across the test binaries go test runs in parallel.
var templateMu sync.Mutex

// ensureTemplate builds, once per migration set, a database with every migration applied.
func ensureTemplate(t testing.TB, c *localpg.Cluster) string {
	t.Helper()
	templateMu.Lock()
	defer templateMu.Unlock()
	ctx := context.Background()
	name := "engage_tmpl_" + migrationsDigest(t)
	conn := superConn(t, c)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7411)"); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(7411)") //nolint:errcheck // the session ends right after

	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if exists {
		return name
	}
	// Build under a temporary name and rename, so a half-built template is never used.
	building := name + "_wip"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if err := localpg.CreateDatabase(ctx, conn, building, ""); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	m, err := postgres.NewMigrator(ctx, c.OwnerURL(building))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	err = m.Up(ctx)
	m.Close()
	if err != nil {
		t.Fatalf("pgtest: migrate template: %v", err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return name
}

func superConn(t testing.TB, c *localpg.Cluster) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), c.SuperuserURL("postgres"))
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	return conn
}

// migrationsDigest names the template after the migrations it holds, so a changed migration
// builds a new template instead of reusing a stale one.
func migrationsDigest(t testing.TB) string {
	t.Helper()
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	rm, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	all := rm.AllVersions()
	fmt.Fprintf(h, "river:%d", all[len(all)-1].Version)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// Cached returns a migrated database that outlives the test, named after name and the
// migrations (a changed schema builds a new one), for benchmarks whose data take minutes to
// build: build fills it once, and later runs reuse it. build must close every connection it
// opens. Callers only read it.
func Cached(tb testing.TB, name string, build func(d *Database) error) *Database {
	tb.Helper()
	c := Cluster(tb)
	template := ensureTemplate(tb, c)
	ctx := context.Background()
	full := "cached_" + name + "_" + migrationsDigest(tb)
	conn := superConn(tb, c)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7412)"); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(7412)") //nolint:errcheck // the session ends right after
	db := func(name string) *Database {
		return &Database{Name: name, AppURL: c.AppURL(name), OwnerURL: c.OwnerURL(name), SuperuserURL: c.SuperuserURL(name)}
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", full).Scan(&exists); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	if exists {
		return db(full)
	}
	building := full + "_wip"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	if err := localpg.CreateDatabase(ctx, conn, building, template); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	if err := build(db(building)); err != nil {
		tb.Fatalf("pgtest: build %s: %v", full, err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+building+" RENAME TO "+full); err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return db(full)
}
