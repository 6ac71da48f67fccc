// Package browsertest drives a headless Chromium from Go tests, so console tests can load real
// pages, click through them and read them back.
//
// A test starts one browser with New and opens tabs on it:
//
//	b := browsertest.New(t)
//	tab := b.Tab(t)
//	tab.Run(t,
//		chromedp.Navigate(srv.URL+"/console"),
//		chromedp.Click(chromedp.CSS("button#save")),
//	)
//	require.Equal(t, "Saved", browsertest.Get(t, tab, chromedp.Text(chromedp.ID("status"))))
//	require.Empty(t, tab.JSErrors())
//
// Tabs of one Browser share cookies and storage, as tabs of one profile do. A test that needs a
// second, separately signed-in user opens it with Browser.Incognito (or starts another browser
// with New).
//
// When an action fails, Tab.Run saves a full-page screenshot under $ENGAGE_SCREENSHOTS
// (default: .engage/screenshots at the repository root), logs its path and fails the test.
//
// The browser is Debian's chromium (see Chromium); the flags keep it from calling Google's
// services, which a closed network refuses.
package browsertest
