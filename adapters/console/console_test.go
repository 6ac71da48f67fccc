package console_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

func TestSignInSwitchBrandAndBothLanguages(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	lotus := b.Brand(t, "lotus-tea", "莲花茶饮")
	peak := b.Brand(t, "north-peak", "North Peak")
	b.Member(t, lotus, "owner@brands.example", access.RoleOwner)
	b.Member(t, peak, "owner@brands.example", access.RoleAdmin)

	tab := b.SignIn(t, "owner@brands.example")
	require.Equal(t, "/console/", consoletest.Location(t, tab))
	first := consoletest.Text(t, tab, "[data-test=current-brand]")
	require.Contains(t, []string{"莲花茶饮", "North Peak"}, first)
	require.Equal(t, "Team", consoletest.Text(t, tab, "[data-nav=team]"), "the console follows the browser's language (en-US here)")
	consoletest.WaitFor(t, tab, `document.querySelector("[data-chart]").getAttribute("data-drawn") === "true"`)

	other := map[string]string{"莲花茶饮": "north-peak", "North Peak": "lotus-tea"}[first]
	// In one script run, like text: a node looked up first can be gone by the time it is used
	// while the page settles.
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.getElementById("brand-switch").value = "`+other+`"; document.querySelector("form.switcher").submit(); true`))
	consoletest.Settle(t, tab, `document.querySelector("[data-test=current-brand]")?.textContent !== "`+first+`"`)

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN"`)
	require.Equal(t, "团队", consoletest.Text(t, tab, "[data-nav=team]"))
	require.Equal(t, "API 密钥", consoletest.Text(t, tab, "[data-nav=api-keys]"))
	require.Equal(t, "概览", consoletest.Text(t, tab, "main h1"))
	require.Contains(t, consoletest.HTML(t, tab), `lang="zh-CN"`)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/team"), chromedp.WaitVisible(chromedp.CSS("[data-test=invite]")))
	require.Equal(t, "邀请成员", consoletest.Text(t, tab, "[data-test=invite] h2"), "the choice holds on every page")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="en"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "en" && !!document.querySelector("[data-test=invite]")`)
	require.Equal(t, "Invite a teammate", consoletest.Text(t, tab, "[data-test=invite] h2"))
	consoletest.NoJSErrors(t, tab)
}

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

func TestInviteATeammateThenChangeRolesAndSeeItAudited(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	b.Member(t, tn, "staff@lotus.example", access.RoleMarketer)
	tab := b.SignIn(t, "owner@lotus.example")

	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/team"),
		chromedp.SendKeys(chromedp.CSS("[data-test=invite] input[name=email]"), "New.Hire@Lotus.example"),
		chromedp.Click(chromedp.CSS(`[data-test=invite] input[value="analyst"]`)),
		chromedp.Click(chromedp.CSS("[data-test=invite] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=invitation-row]")),
	)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=invitation-row]"), "new.hire@lotus.example")

	row := `[data-test=member-row][data-email="staff@lotus.example"]`
	tab.Run(t,
		chromedp.SetValue(chromedp.CSS(row+" select[name=roles]"), "analyst"),
		chromedp.Click(chromedp.CSS(row+" [data-test=change-roles] button")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector('`+row+` [data-test=member-roles]').textContent.trim() === "analyst"`)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/audit"), chromedp.WaitVisible(chromedp.CSS("[data-test=audit-row]")))
	actions := browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("[data-test=audit-action]")).map(e => e.textContent.trim())`))
	require.Contains(t, actions, "invitation.create")
	require.Contains(t, actions, "membership.update")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/audit?action=membership.update"), chromedp.Click(chromedp.CSS("[data-test=audit-row] a")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=diff]")))
	diff := consoletest.Text(t, tab, "[data-test=diff]")
	require.Contains(t, diff, "marketer")
	require.Contains(t, diff, "analyst")
	consoletest.NoJSErrors(t, tab)
}

func TestMarketerCannotReachTeamSettingsByMenuOrURL(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "marketer@lotus.example", access.RoleMarketer)
	tab := b.SignIn(t, "marketer@lotus.example")

	nav := browsertest.Get(t, tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("nav a")).map(a => a.getAttribute("href"))`))
	require.NotContains(t, nav, "/console/team")
	require.NotContains(t, nav, "/console/api-keys")
	require.NotContains(t, nav, "/console/audit")

	for _, path := range []string{"/console/team", "/console/api-keys", "/console/audit", "/console/roles"} {
		tab.Run(t, chromedp.Navigate(b.URL+path), chromedp.WaitVisible(chromedp.CSS("[data-test=error]")))
		require.Equal(t, "Your role does not allow this page.", consoletest.Text(t, tab, "[data-test=error]"), path)
	}
}

func TestFormsShowFieldErrorsKeepInputAndSubmitOnce(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)

	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/settings/brand"),
		chromedp.SetValue(chromedp.CSS("[data-test=brand-form] input[name=name]"), "莲花茶饮 Lotus"),
		chromedp.SetValue(chromedp.CSS("[data-test=brand-form] input[name=timezone]"), "Mars/Olympus"),
		chromedp.Click(chromedp.CSS("[data-test=brand-form] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-timezone]")),
	)
	require.Equal(t, "Unknown time zone (for example Asia/Shanghai).", consoletest.Text(t, tab, "[data-test=error-timezone]"))
	require.Equal(t, "Mars/Olympus", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("input[name=timezone]"))), "what the admin typed stays")
	require.Equal(t, "莲花茶饮 Lotus", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("input[name=name]"))))
	got, err := b.App.Tenants.Lookup(context.Background(), "lotus-tea")
	require.NoError(t, err)
	require.Equal(t, "莲花茶饮", got.Name, "a refused form changes nothing")

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

func TestExpiredSessionReturnsToSignInThenToThePage(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	tab := b.Browser.Incognito(t)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/audit?action=tenant.create"), chromedp.WaitVisible(chromedp.CSS("h2")))
	require.True(t, strings.HasPrefix(consoletest.Location(t, tab), "/console/login?return_to="), consoletest.Location(t, tab))
	require.Contains(t, consoletest.HTML(t, tab), "engage admin login-link")

	// A link made elsewhere (the CLI) brings the admin back where they were.
	tab.Run(t, chromedp.Navigate(b.Link(t, "owner@lotus.example")), chromedp.WaitVisible(chromedp.CSS("[data-test=audit-row]")))
	require.Equal(t, "/console/audit?action=tenant.create", consoletest.Location(t, tab))

	// Signing out ends the session: the next page asks to sign in again.
	tab.Run(t, chromedp.Click(chromedp.CSS(`form[action="/console/logout"] button`)))
	consoletest.Settle(t, tab, `location.pathname === "/console/login"`)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/team"), chromedp.WaitVisible(chromedp.CSS("h2")))
	require.True(t, strings.HasPrefix(consoletest.Location(t, tab), "/console/login"), consoletest.Location(t, tab))

	replay := b.Browser.Incognito(t)
	link := b.Link(t, "owner@lotus.example")
	replay.Run(t, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("[data-test=current-brand]")))
	replay2 := b.Browser.Incognito(t)
	replay2.Run(t, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("[data-test=login-error]")))
	require.NotEmpty(t, consoletest.Text(t, replay2, "[data-test=login-error]"), "a link works once")
}

func TestPlatformOperatorsOnboardAndSuspendBrands(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	b.Brand(t, "lotus-tea", "莲花茶饮")
	do := func(method, path, key string, form url.Values) (int, string) {
		req, _ := http.NewRequest(method, b.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if key != "" {
			req.SetBasicAuth("operator", key)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	status, _ := do(http.MethodGet, "/console/platform/", "", nil)
	require.Equal(t, http.StatusUnauthorized, status)
	status, page := do(http.MethodGet, "/console/platform/", consoletest.PlatformKey, nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, page, `data-slug="lotus-tea"`)
	require.Contains(t, page, `href="/platform/jobs/"`)
	csrf := regexp.MustCompile(`name="_csrf" value="([0-9a-f]+)"`).FindStringSubmatch(page)[1]

	status, page = do(http.MethodPost, "/console/platform/tenants", consoletest.PlatformKey, url.Values{"_csrf": {csrf}, "slug": {"Bad Slug"}, "name": {"x"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, page, `data-test="error-slug"`)
	require.Contains(t, page, `value="Bad Slug"`)
	status, page = do(http.MethodPost, "/console/platform/tenants", consoletest.PlatformKey, url.Values{"_csrf": {csrf}, "slug": {"new-brand"}, "name": {"新品牌"},
		"timezone": {"Asia/Shanghai"}, "locale": {"zh-CN"}, "plan": {"trial"}})
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `data-slug="new-brand"`)
	status, _ = do(http.MethodPost, "/console/platform/tenants/new-brand/suspend", consoletest.PlatformKey, url.Values{})
	require.Equal(t, http.StatusForbidden, status, "no CSRF token, no change")
	status, page = do(http.MethodPost, "/console/platform/tenants/new-brand/suspend", consoletest.PlatformKey, url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusOK, status)
	got, err := b.App.Tenants.Lookup(context.Background(), "new-brand")
	require.NoError(t, err)
	require.False(t, got.Active())
	require.Contains(t, page, `data-test="tenant-status">`)
}

func TestBrandLogoUploadsAndShows(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	dir := t.TempDir()
	good := dir + "/logo.png"
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	require.NoError(t, os.WriteFile(good, buf.Bytes(), 0o600))
	fake := dir + "/not-an-image.png"
	require.NoError(t, os.WriteFile(fake, []byte("<svg onload=alert(1)>"), 0o600))

	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/settings/brand"),
		chromedp.SetUploadFiles(chromedp.CSS("[data-test=logo-form] input[type=file]"), []string{fake}),
		chromedp.Click(chromedp.CSS("[data-test=logo-form] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-logo]")),
	)
	_, err := b.App.Tenancy.Logo(context.Background(), tn.ID)
	require.ErrorIs(t, err, ports.ErrNoLogo, "a file that is not an image is refused")

	tab.Run(t,
		chromedp.SetUploadFiles(chromedp.CSS("[data-test=logo-form] input[type=file]"), []string{good}),
		chromedp.Click(chromedp.CSS("[data-test=logo-form] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=logo]")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=logo]").naturalWidth === 64`)
	logo, err := b.App.Tenancy.Logo(context.Background(), tn.ID)
	require.NoError(t, err)
	require.Equal(t, "image/png", logo.ContentType)
	require.Equal(t, buf.Bytes(), logo.Data)
}
