package browsertest_test

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
)

// pngMagic starts every PNG file.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

func TestBrowser(t *testing.T) {
	t.Parallel()
	site := newSite(t)
	b := browsertest.New(t)

	t.Run("navigates, types, submits and reads the page back", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		tab.Run(t, chromedp.Navigate(site+"/"))
		require.Equal(t, "Form", browsertest.Get(t, tab, chromedp.Title()))
		require.Equal(t, "nobody greeted yet", browsertest.Get(t, tab, chromedp.Text(chromedp.ID("out"))))

		tab.Run(t,
			chromedp.SendKeys(chromedp.ID("name"), "Ada"),
			chromedp.Click(chromedp.ID("go")),
		)
		// Poll's predicate is injected by DevTools, so the page's CSP does not block it.
		browsertest.Get(t, tab, chromedp.Poll[bool](`document.getElementById("out").textContent === "Hello, Ada!"`))
		require.Equal(t, "Hello, Ada!", browsertest.Get(t, tab, chromedp.Text(chromedp.ID("out"))))
		require.Empty(t, tab.JSErrors())
	})

	t.Run("records console errors, uncaught exceptions and rejections, not console.log", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		tab.Run(t, chromedp.Navigate(site+"/throw"))
		// The unhandled rejection is reported once the script's microtasks have run.
		require.Eventually(t, func() bool { return len(tab.JSErrors()) >= 3 }, 5*time.Second, 10*time.Millisecond)
		errs := tab.JSErrors()
		require.Len(t, errs, 3, "%q", errs)
		require.Equal(t, "console.error: logged on purpose 42", errs[0])
		require.Contains(t, errs[1], "Uncaught Error: boom from throw.js")
		require.Contains(t, errs[1], site+"/throw.js:4:")
		require.Contains(t, errs[2], "Uncaught (in promise) Error: nobody caught this")
	})

	t.Run("records Content Security Policy violations", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		tab.Run(t, chromedp.Navigate(site+"/inline"))
		require.Equal(t, "before", browsertest.Get(t, tab, chromedp.Text(chromedp.ID("p"))))
		errs := tab.JSErrors()
		require.Len(t, errs, 1, "%q", errs)
		require.Contains(t, errs[0], "Content Security Policy")
	})

	t.Run("Screenshot writes a full-page PNG", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		tab.Run(t, chromedp.Navigate(site+"/"))
		path := tab.Screenshot(t, "form")
		t.Cleanup(func() { _ = os.Remove(path) })
		require.Contains(t, path, "TestBrowser_Screenshot_writes_a_full-page_PNG--form--")
		requirePNG(t, path)
	})

	t.Run("a failing Run saves a screenshot and fails the test", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		tab.Run(t, chromedp.Navigate(site+"/"))
		tab.Timeout = 300 * time.Millisecond

		rec := &recordingTB{TB: t}
		rec.run(func() { tab.Run(rec, chromedp.WaitVisible(chromedp.ID("missing"))) })

		require.True(t, rec.failed, "Run did not fail the test")
		require.Contains(t, rec.fatal, "deadline exceeded")
		path := rec.logged("browsertest: screenshot of the failure: ")
		require.NotEmpty(t, path, "no screenshot logged in %q", rec.logs)
		t.Cleanup(func() { _ = os.Remove(path) })
		requirePNG(t, path)
		require.Equal(t, site+"/", rec.logged("browsertest: page at the failure: "))
	})

	t.Run("tabs share cookies, incognito tabs do not", func(t *testing.T) {
		t.Parallel()
		who := func(tab *browsertest.Tab) string {
			tab.Run(t, chromedp.Navigate(site+"/whoami"))
			return browsertest.Get(t, tab, chromedp.Text(chromedp.ID("who")))
		}
		alice := b.Tab(t)
		alice.Run(t, chromedp.Navigate(site+"/set-cookie?who=alice"))
		require.Equal(t, "alice", who(b.Tab(t)))

		bob := b.Incognito(t)
		require.Equal(t, "nobody", who(bob))
		bob.Run(t, chromedp.Navigate(site+"/set-cookie?who=bob"))
		require.Equal(t, "bob", who(bob))
		require.Equal(t, "nobody", who(b.Incognito(t)))
		require.Equal(t, "alice", who(alice))
	})

	t.Run("speaks en-US", func(t *testing.T) {
		t.Parallel()
		tab := b.Tab(t)
		tab.Run(t, chromedp.Navigate(site+"/whoami"))
		require.Equal(t, "en-US", browsertest.Get(t, tab, chromedp.Evaluate[string]("navigator.language")))
		require.True(t, strings.HasPrefix(browsertest.Get(t, tab, chromedp.Text(chromedp.ID("lang"))), "en-US"))
	})
}

func TestChromium(t *testing.T) {
	t.Parallel()
	path := browsertest.Chromium(t)
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.NotZero(t, info.Mode().Perm()&0o111, "%s is not executable", path)
}

func TestScreenshotDir(t *testing.T) {
	t.Parallel()
	dir, err := browsertest.ScreenshotDir()
	require.NoError(t, err)
	if env := os.Getenv(browsertest.EnvScreenshots); env != "" {
		require.Equal(t, env, dir)
	} else {
		require.True(t, strings.HasSuffix(dir, "/.engage/screenshots"), dir)
		_, err := os.Stat(dir + "/../../go.mod")
		require.NoError(t, err, "not at the repository root: %s", dir)
	}
}

// requirePNG checks that path holds a non-empty PNG image.
func requirePNG(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Greater(t, len(data), len(pngMagic)+100)
	require.True(t, bytes.HasPrefix(data, pngMagic), "%s is not a PNG", path)
}

// recordingTB stands in for the test given to a helper that is expected to fail it: it records
// logs and the failure instead of failing the real test. Everything else goes to the real test.
type recordingTB struct {
	testing.TB

	mu     sync.Mutex
	logs   []string
	fatal  string
	failed bool
}

// run calls f as a test body on its own goroutine, so that Fatal can stop it as a real test's
// Fatal does, and waits for it.
func (r *recordingTB) run(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Log(args ...any) { r.Logf("%s", fmt.Sprint(args...)) }

func (r *recordingTB) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.failed = true
	r.fatal = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recordingTB) Error(args ...any) { r.Fatal(args...) }

func (r *recordingTB) Errorf(format string, args ...any) { r.Fatalf(format, args...) }

func (r *recordingTB) Fail() { r.Fatal("Fail called") }

func (r *recordingTB) FailNow() { r.Fatal("FailNow called") }

// logged returns the rest of the first log line starting with prefix, or "".
func (r *recordingTB) logged(prefix string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.logs {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return rest
		}
	}
	return ""
}
