package browsertest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// RunTimeout is how long Tab.Run and Get give their actions, unless Tab.Timeout says otherwise.
const RunTimeout = 30 * time.Second

// Tab is one browser tab. Drive it with Run and Get, or pass Ctx to chromedp directly. A Tab is
// not safe for concurrent use: actions on one tab would race each other.
type Tab struct {
	// Ctx is the tab's chromedp context.
	Ctx context.Context
	// Timeout bounds each Run and Get; zero means RunTimeout.
	Timeout time.Duration

	mu       sync.Mutex
	jsErrors []string
}

// openTab opens a tab from parent (the browser's context, or another tab's), recording its
// console from the first event.
func openTab(t testing.TB, parent context.Context, opts ...chromedp.ContextOption) *Tab {
	t.Helper()
	tab := &Tab{}
	ctx, cancel := chromedp.NewContext(parent, append(opts, chromedp.WithListener(tab.record))...)
	tab.Ctx = ctx
	// The first Run creates the tab and ties it to the context it is given, so it must be ctx
	// itself and not one with a timeout.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("browsertest: opening a tab: %v", err)
	}
	t.Cleanup(cancel)
	return tab
}

// Sibling opens another tab in tab's browser context, sharing its cookies, storage and cached
// HTTP credentials, as a second tab of one window does; it is closed when t ends.
func (tab *Tab) Sibling(t testing.TB) *Tab {
	t.Helper()
	return openTab(t, tab.Ctx)
}

// Run runs the actions in order within the tab's timeout. When one fails, Run saves a full-page
// screenshot (see Screenshot), logs its path, the page's URL and the JavaScript errors so far,
// and fails the test with the error.
func (tab *Tab) Run(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	Get(t, tab, chromedp.Steps(actions...))
}

// Get runs one action that reads something, such as chromedp.Text or chromedp.Evaluate, and
// returns its value. It fails the test as Tab.Run does. (Go methods cannot have type
// parameters, hence a function.)
func Get[T any](t testing.TB, tab *Tab, action chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.Ctx, tab.timeout())
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		tab.fail(t, err)
	}
	return v
}

// Screenshot saves a full-page PNG of the tab now and returns its path (see ScreenshotDir). The
// file is named after the test, name and the time.
func (tab *Tab) Screenshot(t testing.TB, name string) string {
	t.Helper()
	path, err := tab.saveScreenshot(t.Name(), name)
	if err != nil {
		t.Fatalf("browsertest: screenshot: %v", err)
	}
	t.Logf("browsertest: screenshot %s", path)
	return path
}

// fail reports a failed action with what helps to see why, then fails the test.
func (tab *Tab) fail(t testing.TB, err error) {
	t.Helper()
	if path, serr := tab.saveScreenshot(t.Name(), "failure"); serr != nil {
		t.Logf("browsertest: no screenshot of the failure: %v", serr)
	} else {
		t.Logf("browsertest: screenshot of the failure: %s", path)
	}
	ctx, cancel := context.WithTimeout(tab.Ctx, screenshotTimeout)
	defer cancel()
	if url, uerr := chromedp.Run(ctx, chromedp.Location()); uerr == nil {
		t.Logf("browsertest: page at the failure: %s", url)
	}
	if errs := tab.JSErrors(); len(errs) > 0 {
		t.Logf("browsertest: JavaScript errors so far:\n%s", strings.Join(errs, "\n"))
	}
	t.Fatalf("browsertest: %v", err)
}

// timeout is the bound on one Run or Get.
func (tab *Tab) timeout() time.Duration {
	if tab.Timeout > 0 {
		return tab.Timeout
	}
	return RunTimeout
}
