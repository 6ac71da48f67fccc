package localpg

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// binaries is the directory holding initdb, pg_ctl and postgres.
type binaries string

func (b binaries) path(name string) string { return filepath.Join(string(b), name) }

// installHint says what to install when no PostgreSQL server is on the machine.
const installHint = "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found: install them " +
	"(Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) " +
	"or set DATABASE_URL and ENGAGE_MIGRATE_DATABASE_URL to an existing server"

// findBinaries locates the server binaries; as root on Debian it installs them when missing.
func findBinaries(ctx context.Context) (binaries, error) {
	if b, ok := lookBinaries(); ok {
		return b, nil
	}
	if canApt() {
		fmt.Fprintln(os.Stderr, "engage: PostgreSQL not found; installing Debian's postgresql package")
		if err := aptInstall(ctx, "postgresql"); err != nil {
			return "", fmt.Errorf("%w\n%s", err, installHint)
		}
		if b, ok := lookBinaries(); ok {
			return b, nil
		}
	}
	return "", errors.New(installHint)
}

func lookBinaries() (binaries, bool) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return binaries(dir), true
		}
	}
	// Debian keeps the server binaries off PATH, one directory per major version.
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return binaries(d), true
		}
	}
	return "", false
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// account is the operating-system user the cluster runs as; nil means the current user.
type account struct {
	uid, gid uint32
}

// unprivilegedUser returns the user to run PostgreSQL as: initdb refuses root, so as root the
// cluster runs as "postgres" (created when missing).
func unprivilegedUser(ctx context.Context) (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		if out, err := exec.CommandContext(ctx, "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("running as root, initdb needs an unprivileged user and useradd postgres failed: %w: %s", err, out)
		}
		if u, err = user.Lookup("postgres"); err != nil {
			return nil, err
		}
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &account{uid: uint32(uid), gid: uint32(gid)}, nil
}

// own hands path to the account (a no-op when running unprivileged already).
func (a *account) own(path string) error {
	if a == nil {
		return nil
	}
	return os.Chown(path, int(a.uid), int(a.gid))
}

// run executes a PostgreSQL tool as the account and reports its output on failure.
func run(ctx context.Context, a *account, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = os.TempDir()
	if a != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: a.uid, Gid: a.gid}}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, out.String())
	}
	return nil
}

func randomSecret() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// EnsureTool makes sure command is on PATH, installing Debian package pkg as root when it can.
func EnsureTool(ctx context.Context, command, pkg string) error {
	if _, err := exec.LookPath(command); err == nil {
		return nil
	}
	if !canApt() {
		return fmt.Errorf("%s not found: install it (Debian: apt-get install %s)", command, pkg)
	}
	fmt.Fprintf(os.Stderr, "engage: %s not found; installing Debian's %s package\n", command, pkg)
	if err := aptInstall(ctx, pkg); err != nil {
		return err
	}
	_, err := exec.LookPath(command)
	return err
}

// canApt reports whether this process may install Debian packages.
func canApt() bool {
	_, err := exec.LookPath("apt-get")
	return err == nil && os.Geteuid() == 0
}

func aptInstall(ctx context.Context, pkg string) error {
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", pkg}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s %s: %w\n%s", args[0], pkg, err, out)
		}
	}
	return nil
}
