package platformui_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/ports"
)

func TestAPIKeySecretIsShownExactlyOnce(t *testing.T) {
	t.Parallel()
	b, _, tab := consoletest.SetupOwner(t)

	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/api-keys"),
		chromedp.SendKeys(chromedp.CSS("[data-test=create-key] input[name=name]"), "POS 门店系统"),
		chromedp.SetValue(chromedp.CSS("[data-test=create-key] select[name=role]"), "store_staff"),
		chromedp.Click(chromedp.CSS("[data-test=create-key] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=secret]")),
	)
	secret := consoletest.Text(t, tab, "[data-test=secret]")
	require.Regexp(t, `^egk_[A-Za-z0-9_-]{80,}$`, secret)

	// The secret works, as the role it was given.
	req, _ := http.NewRequest(http.MethodGet, b.URL+"/v1/tenant", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	// Seen again, the page shows the key but never its secret.
	tab.Run(t, chromedp.Navigate(b.URL+"/console/api-keys"), chromedp.WaitVisible(chromedp.CSS("[data-test=key-row]")))
	page := consoletest.HTML(t, tab)
	require.NotContains(t, page, secret)
	require.Contains(t, page, "POS 门店系统")
	require.Contains(t, page, secret[:12], "the prefix identifies the key")

	// Revoking it asks first, then stops it.
	consoletest.AcceptConfirms(t, tab)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=revoke]")))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=key-status]").textContent.trim() === "Revoked"`)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	consoletest.NoJSErrors(t, tab)
}

func TestFormsShowFieldErrorsKeepInputAndSubmitOnce(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)

	// The zone is a picker of known zones; a forged form (an option added to it) is refused
	// with a field error, and the picker shows the brand's zone again.
	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/settings/brand"),
		chromedp.SetValue(chromedp.CSS("[data-test=brand-form] input[name=name]"), "莲花茶饮 Lotus"),
	)
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=brand-form] select[name=timezone]").add(new Option("Mars", "Mars/Olympus", true, true)), true`))
	tab.Run(t,
		chromedp.Click(chromedp.CSS("[data-test=brand-form] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-timezone]")),
	)
	require.Equal(t, "Unknown time zone (for example Asia/Shanghai).", consoletest.Text(t, tab, "[data-test=error-timezone]"))
	require.Equal(t, "Asia/Shanghai", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("select[name=timezone]"))), "the picker offers no unknown zone")
	require.Equal(t, "莲花茶饮 Lotus", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("input[name=name]"))), "what the admin typed stays")
	got, err := b.App.Tenants.Lookup(context.Background(), "lotus-tea")
	require.NoError(t, err)
	require.Equal(t, "莲花茶饮", got.Name, "a refused form changes nothing")

	// A name that changes the direction of text (U+202E shows "gpj.exe" as "exe.jpg") is a
	// field error, not a failure.
	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/api-keys"),
		chromedp.SetValue(chromedp.CSS("[data-test=create-key] input[name=name]"), "POS\u202egpj.exe"),
		chromedp.SetValue(chromedp.CSS("[data-test=create-key] select[name=role]"), "analyst"),
		chromedp.Click(chromedp.CSS("[data-test=create-key] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-name]")),
	)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=error-name]"), "direction of text")
	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/settings/brand"),
		chromedp.SetValue(chromedp.CSS("[data-test=brand-form] input[name=name]"), "莲花\u202e茶饮"),
		chromedp.Click(chromedp.CSS("[data-test=brand-form] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-name]")),
	)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=error-name]"), "direction of text")

	// The same form posted twice (a double click) creates one key.
	session := b.SessionCookie(t, "owner@lotus.example")
	page := b.Get(t, "/console/api-keys", session)
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	csrf := regexp.MustCompile(`name="_csrf" value="([0-9a-f]+)"`).FindStringSubmatch(string(body))[1]
	nonce := regexp.MustCompile(`name="_nonce" value="([0-9a-f]+)"`).FindStringSubmatch(string(body))[1]
	for range 2 {
		form := url.Values{"_csrf": {csrf}, "_nonce": {nonce}, "name": {"twice"}, "role": {"analyst"}}
		req, _ := http.NewRequest(http.MethodPost, b.URL+"/console/api-keys", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", session)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	keys, err := b.App.APIKeys.List(context.Background(), tn.ID, ports.Page{Limit: 100})
	require.NoError(t, err)
	require.Len(t, keys, 1)

	// Without the CSRF token, a change is refused.
	form := url.Values{"name": {"forged"}, "role": {"analyst"}}
	req, _ := http.NewRequest(http.MethodPost, b.URL+"/console/api-keys", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", session)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	// The refused form answered 422 by design; the browser logs that and nothing else.
	for _, e := range tab.JSErrors() {
		require.Contains(t, e, "status of 422 (Unprocessable Entity)")
	}
}
