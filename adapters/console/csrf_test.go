package console_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

var csrfHeader = regexp.MustCompile(`"X-CSRF-Token": "([0-9a-f]+)"`)

// csrfOf is the CSRF token the console gives the session in cookie.
func csrfOf(t *testing.T, b *consoletest.Bundle, cookie string) string {
	t.Helper()
	resp := b.Get(t, "/console/", cookie)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	m := csrfHeader.FindStringSubmatch(string(body))
	require.NotNil(t, m, "the page carries a CSRF token")
	return m[1]
}

// post sends a console form with cookie and returns the status.
func post(t *testing.T, b *consoletest.Bundle, path, cookie string, form url.Values) int {
	t.Helper()
	return postForm(t, b, path, cookie, form).StatusCode
}

// postForm sends a console form with cookie and returns the answer, its body closed.
func postForm(t *testing.T, b *consoletest.Bundle, path, cookie string, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.URL+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

// In production, with Kratos's session cookie named as the shipped kratos.yml names it, the
// CSRF token belongs to the admin's session: one brand's analyst's token does not let another
// brand's owner be forged into minting an owner key, and cookies planted beside the session
// (cookie tossing) do not make two admins share a token.
func TestTheCSRFTokenIsBoundToTheSignedInAdminsKratosSession(t *testing.T) {
	t.Parallel()
	b := consoletest.SetupKratos(t)
	ctx := context.Background()
	lotus, north := b.Brand(t, "lotus-tea", "莲花茶饮"), b.Brand(t, "north-peak", "北峰户外")
	b.Member(t, lotus, "analyst@lotus.example", access.RoleAnalyst)
	b.Member(t, north, "owner@north.example", access.RoleOwner)
	analyst, owner := b.SessionCookie(t, "analyst@lotus.example"), b.SessionCookie(t, "owner@north.example")
	require.True(t, strings.HasPrefix(owner, "engage_admin_session="), "the shipped cookie name: %s", owner)

	analystToken, ownerToken := csrfOf(t, b, analyst), csrfOf(t, b, owner)
	require.NotEqual(t, analystToken, ownerToken)
	mint := url.Values{"name": {"forged"}, "role": {"owner"}}
	keys := func() int {
		ks, err := b.App.APIKeys.List(ctx, north.ID, ports.Page{Limit: 10})
		require.NoError(t, err)
		return len(ks)
	}
	withToken := func(token string) url.Values {
		f := url.Values{"_csrf": {token}}
		for k, v := range mint {
			f[k] = v
		}
		return f
	}
	require.Equal(t, http.StatusForbidden, post(t, b, "/console/api-keys", owner, withToken(analystToken)),
		"the analyst's token does not work with the owner's session")
	require.Zero(t, keys())

	const planted = "; engage_session=planted; ory_kratos_session=planted"
	analystPlanted, ownerPlanted := csrfOf(t, b, analyst+planted), csrfOf(t, b, owner+planted)
	require.NotEqual(t, analystPlanted, ownerPlanted, "planted cookies do not make the two share a token")
	require.Equal(t, analystToken, analystPlanted, "the token follows the session, not the cookies beside it")
	require.Equal(t, http.StatusForbidden, post(t, b, "/console/api-keys", owner+planted, withToken(analystPlanted)))
	require.Zero(t, keys())

	another := b.SessionCookie(t, "owner@north.example")
	require.NotEqual(t, ownerToken, csrfOf(t, b, another), "each session of one admin has its own token")
	require.Equal(t, http.StatusForbidden, post(t, b, "/console/api-keys", another, withToken(ownerToken)))
	require.Zero(t, keys())

	require.Equal(t, http.StatusOK, post(t, b, "/console/api-keys", owner, withToken(ownerToken)), "the owner's own token works")
	require.Equal(t, 1, keys())
}

// Switching the language is a form like the others: without the session's token it is
// refused and sets nothing.
func TestTheLanguageSwitchNeedsTheSessionsToken(t *testing.T) {
	t.Parallel()
	b := consoletest.SetupKratos(t)
	b.Member(t, b.Brand(t, "lotus-tea", "莲花茶饮"), "owner@lotus.example", access.RoleOwner)
	owner := b.SessionCookie(t, "owner@lotus.example")
	form := url.Values{"lang": {"en"}, "return_to": {"/console/team"}}

	refused := postForm(t, b, "/console/language", owner, form)
	require.Equal(t, http.StatusForbidden, refused.StatusCode)
	require.Empty(t, refused.Cookies(), "nothing is set")
	require.Equal(t, http.StatusUnauthorized, post(t, b, "/console/language", "", form), "nor without a session")

	form.Set("_csrf", csrfOf(t, b, owner))
	switched := postForm(t, b, "/console/language", owner, form)
	require.Equal(t, http.StatusSeeOther, switched.StatusCode)
	require.Equal(t, "/console/team", switched.Header.Get("Location"))
	require.Len(t, switched.Cookies(), 1)
	require.Equal(t, "engage_lang", switched.Cookies()[0].Name)
	require.Equal(t, "en", switched.Cookies()[0].Value)
}
