package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// EnvChromium names the environment variable that, when set, is the path of the browser binary
// the tests drive (Chromium or Google Chrome).
const EnvChromium = "ENGAGE_CHROMIUM"

// installTimeout bounds apt-get update plus apt-get install chromium.
const installTimeout = 20 * time.Minute

// install makes a test binary try the apt install at most once, however many tests ask.
var install struct {
	once sync.Once
	err  error
}

// Chromium returns the path of the browser binary: $ENGAGE_CHROMIUM when set (a path, or a
// command on PATH), else /usr/bin/chromium, else chromium or chromium-browser on PATH.
//
// When none is found and the process is root with apt-get available, it installs Debian's
// chromium package, once per test binary and never concurrently with another test binary
// (a file lock in the temporary directory serialises them). Otherwise it fails the test,
// saying what to install.
func Chromium(t testing.TB) string {
	t.Helper()
	if v := os.Getenv(EnvChromium); v != "" {
		path, err := overridePath(v)
		if err != nil {
			t.Fatalf("browsertest: $%s: %v", EnvChromium, err)
		}
		return path
	}
	if path, ok := findChromium(); ok {
		return path
	}
	if !canApt() {
		t.Fatalf("browsertest: no Chromium found (looked for /usr/bin/chromium, chromium and "+
			"chromium-browser on PATH). Install Debian's chromium package as root "+
			"(apt-get install -y --no-install-recommends chromium), or set $%s to the path "+
			"of a Chromium or Google Chrome binary", EnvChromium)
	}
	install.once.Do(func() {
		t.Logf("browsertest: Chromium not found; installing Debian's chromium package with apt-get")
		install.err = installChromium()
	})
	if install.err != nil {
		t.Fatalf("browsertest: installing Chromium: %v", install.err)
	}
	path, ok := findChromium()
	if !ok {
		t.Fatalf("browsertest: apt-get installed chromium, but /usr/bin/chromium is still missing")
	}
	return path
}

// overridePath resolves the value of $ENGAGE_CHROMIUM: a path, or a command name looked up on
// PATH (such as google-chrome).
func overridePath(v string) (string, error) {
	if !strings.ContainsRune(v, filepath.Separator) {
		return exec.LookPath(v)
	}
	if err := checkExecutable(v); err != nil {
		return "", err
	}
	return v, nil
}

// findChromium looks for the browser where Debian and Ubuntu put it.
func findChromium() (string, bool) {
	if checkExecutable("/usr/bin/chromium") == nil {
		return "/usr/bin/chromium", true
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, true
		}
	}
	return "", false
}

// checkExecutable reports why path is not an executable regular file, if it is not.
func checkExecutable(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

// canApt reports whether this process may install Debian packages.
func canApt() bool {
	_, err := exec.LookPath("apt-get")
	return err == nil && os.Geteuid() == 0
}

// installChromium runs apt-get under a machine-wide file lock, so that test binaries running in
// parallel install the package once, one after another.
func installChromium() error {
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	unlock, err := lockFile(filepath.Join(os.TempDir(), "engage-chromium-install.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := findChromium(); ok {
		return nil // another test binary installed it while this one waited for the lock
	}
	steps := [][]string{
		{"-o", "DPkg::Lock::Timeout=600", "update"},
		{"-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", "chromium"},
	}
	for _, args := range steps {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %v: %w\n%s", args, err, tail(out, 4000))
		}
	}
	return nil
}

// lockFile takes an exclusive flock on path, creating it, and returns the function that
// releases it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return nil, errors.Join(fmt.Errorf("lock %s: %w", path, err), f.Close())
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

// tail returns at most the last n bytes of b, which is where apt-get says what went wrong.
func tail(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return b[len(b)-n:]
}
