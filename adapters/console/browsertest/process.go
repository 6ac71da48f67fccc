package browsertest

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// tailBuffer keeps the last max bytes written to it: the browser's output, shown when it fails
// to start.
type tailBuffer struct {
	max int

	mu  sync.Mutex
	buf []byte
}

// Write appends p, dropping the oldest bytes beyond max.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// String returns what the buffer holds.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// killProfileUsers kills any process of the stopped browser still running with profile as its
// user data directory. Chromium passes --user-data-dir to its helper processes, and one (the
// crash handler, say) can outlive the main process and keep writing to the profile, which would
// make removing t.TempDir() fail. The directory is unique to one test's browser, so only
// processes that test started match. Where there is no /proc it does nothing.
func killProfileUsers(profile string) {
	const (
		quietPasses = 3
		pause       = 20 * time.Millisecond
		limit       = 3 * time.Second
	)
	flag := []byte("--user-data-dir=" + filepath.Clean(profile))
	deadline := time.Now().Add(limit)
	for quiet := 0; quiet < quietPasses && time.Now().Before(deadline); time.Sleep(pause) {
		if killMatching(flag) == 0 {
			quiet++
		} else {
			quiet = 0
		}
	}
}

// killMatching sends SIGKILL to each process that has flag as one of its arguments and returns
// how many it found.
func killMatching(flag []byte) int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	found := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
			if bytes.Equal(arg, flag) {
				found++
				_ = syscall.Kill(pid, syscall.SIGKILL)
				break
			}
		}
	}
	return found
}
