package mailpittest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Version is the mailpit release the tests run.
const Version = "v1.27.11"

// modulePath is what go install builds.
const modulePath = "github.com/axllent/mailpit"

// EnvBinary names the environment variable that, when set, is the path of a mailpit binary to
// run instead of building one.
const EnvBinary = "ENGAGE_MAILPIT"

// buildTimeout bounds go install, which on a cold module cache downloads and compiles some
// sixty modules.
const buildTimeout = 20 * time.Minute

// build makes a test binary look for or build mailpit once, however many tests ask.
var build struct {
	once sync.Once
	path string
	err  error
}

// Binary returns the path of the mailpit binary: $ENGAGE_MAILPIT when set, else
// <ENGAGE_DIR>/bin/mailpit-<Version> (ENGAGE_DIR defaults to .engage at the module root),
// which it builds with `go install` when missing. A file lock keeps test binaries that go test
// runs in parallel from building it twice; a built binary is reused by every later run.
func Binary(t testing.TB) string {
	t.Helper()
	if v := os.Getenv(EnvBinary); v != "" {
		return v
	}
	build.once.Do(func() { build.path, build.err = ensureBinary(t.Logf) })
	if build.err != nil {
		t.Fatalf("mailpittest: %v", build.err)
	}
	return build.path
}

// ensureBinary returns the cached binary, building it under the lock when it is missing.
func ensureBinary(logf func(format string, args ...any)) (string, error) {
	dir, err := binDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "mailpit-"+Version)
	if isExecutable(path) {
		return path, nil
	}
	unlock, err := lockFile(path+".lock", logf)
	if err != nil {
		return "", err
	}
	defer unlock()
	if isExecutable(path) { // another test binary built it while this one waited
		return path, nil
	}
	logf("mailpittest: building mailpit %s into %s (once; a cold module cache makes this take a minute or more)", Version, dir)
	started := time.Now()
	if err := goInstall(dir, path); err != nil {
		return "", err
	}
	logf("mailpittest: built mailpit in %s", time.Since(started).Round(time.Second))
	return path, nil
}

// goInstall builds mailpit into a scratch GOBIN under dir and moves it to path, so that path
// is either missing or complete.
func goInstall(dir, path string) error {
	scratch, err := os.MkdirTemp(dir, ".mailpit-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("building mailpit needs the go command on PATH: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "install", modulePath+"@"+Version)
	cmd.Dir = scratch
	cmd.Env = append(os.Environ(), "GOBIN="+scratch, "GOWORK=off", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go install %s@%s: %w\n%s", modulePath, Version, err, tail(out, 4000))
	}
	return os.Rename(filepath.Join(scratch, "mailpit"), path)
}

// binDir is $ENGAGE_DIR/bin, or .engage/bin at the root of the module the tests run in.
func binDir() (string, error) {
	if dir := os.Getenv("ENGAGE_DIR"); dir != "" {
		return filepath.Join(dir, "bin"), nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".engage", "bin"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; set ENGAGE_DIR or " + EnvBinary)
		}
		dir = parent
	}
}

// lockFile takes an exclusive lock on path, saying so when it has to wait for another process.
func lockFile(path string, logf func(format string, args ...any)) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	fd := int(f.Fd())
	if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		logf("mailpittest: waiting for another test binary that is building mailpit")
		if err := syscall.Flock(fd, syscall.LOCK_EX); err != nil {
			return nil, errors.Join(fmt.Errorf("lock %s: %w", path, err), f.Close())
		}
	}
	return func() {
		_ = syscall.Flock(fd, syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0 && info.Size() > 0
}

// tail returns at most the last n bytes of b, where a failed command says what went wrong.
func tail(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return b[len(b)-n:]
}
