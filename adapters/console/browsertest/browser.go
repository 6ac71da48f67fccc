package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ViewportWidth is the width of the browser window in CSS pixels.
const ViewportWidth = 1280

// ViewportHeight is the height of the browser window in CSS pixels.
const ViewportHeight = 900

// closeTimeout bounds the graceful shutdown of a browser when its test ends.
const closeTimeout = 10 * time.Second

// Browser is one headless Chromium process, stopped when the test that started it ends.
// Open pages in it with Tab (shared cookies) or Incognito (cookies of its own).
type Browser struct {
	// ctx is the chromedp context of the browser's first tab; tabs are opened from it.
	ctx context.Context
}

// New starts a headless Chromium (see Chromium for which binary) with a fresh profile under
// t.TempDir() and stops it in t.Cleanup. Starting a browser takes a few hundred milliseconds, so
// share one between the subtests of a test where their cookies do not get in each other's way.
func New(t testing.TB) *Browser {
	t.Helper()
	path := Chromium(t)
	// t.TempDir registers its removal before the Cleanup below, so it runs after the browser has
	// stopped writing to the profile.
	profile := t.TempDir()
	output := &tailBuffer{max: 64 << 10}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		allocatorOptions(path, profile, output)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	stop := func() {
		cctx, ccancel := context.WithTimeout(ctx, closeTimeout)
		_ = chromedp.Cancel(cctx) // asks Chromium to close; cancel below kills it if that failed
		ccancel()
		cancel()
		cancelAlloc()
		killProfileUsers(profile)
	}
	// The first Run starts the process; it must not carry a timeout, which would stop the
	// browser when it expired.
	if err := chromedp.Do(ctx); err != nil {
		stop()
		t.Fatalf("browsertest: starting %s: %v\nbrowser output:\n%s", path, err, output)
	}
	t.Cleanup(stop)
	return &Browser{ctx: ctx}
}

// allocatorOptions are the command-line flags of the browser. chromedp's defaults (headless,
// no first run, no background networking, no sync, no extensions, no crash reporting, /tmp
// instead of /dev/shm, ...) are kept and the rest are spelled out, so that Chromium runs as root
// in a container and never reaches for Google's services, which a closed network refuses.
func allocatorOptions(path, profile string, output *tailBuffer) []chromedp.ExecAllocatorOption {
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	return append(opts,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // Chromium refuses to run as root with its sandbox on
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,"+
			"DialMediaRouteProvider,AutofillServerCommunication,NetworkTimeServiceQuerying,"+
			"CertificateTransparencyComponentUpdater"),
		// Even so, this Chromium asks accounts.google.com, update.googleapis.com and
		// clients2.google.com for things at start-up; answer those from the resolver.
		chromedp.Flag("host-resolver-rules", googleHostRules),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(ViewportWidth, ViewportHeight),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US"),
		chromedp.Env("LANGUAGE=en_US", "LANG=en_US.UTF-8"),
		chromedp.CombinedOutput(output),
	)
}

// googleHostRules makes Google's hosts fail to resolve in the browser, so that it does not try
// to reach them.
const googleHostRules = "MAP google.com ~NOTFOUND, MAP *.google.com ~NOTFOUND, " +
	"MAP googleapis.com ~NOTFOUND, MAP *.googleapis.com ~NOTFOUND, " +
	"MAP *.gstatic.com ~NOTFOUND, MAP *.gvt1.com ~NOTFOUND, MAP *.gvt2.com ~NOTFOUND"

// Tab opens a new tab, closed when t ends. Tabs of one browser share cookies and storage: to
// act as a second user, use Incognito or another browser from New.
func (b *Browser) Tab(t testing.TB) *Tab {
	t.Helper()
	return openTab(t, b.ctx)
}

// Incognito opens a tab in a new, empty browser context of the same browser, as a private
// window does: it shares no cookies, storage or cache with other tabs, so a test can sign in a
// second user without starting another browser. The context is discarded when t ends.
func (b *Browser) Incognito(t testing.TB) *Tab {
	t.Helper()
	return openTab(t, b.ctx, chromedp.WithNewBrowserContext())
}
