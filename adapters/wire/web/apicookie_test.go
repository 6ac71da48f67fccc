package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/kratos/kratostest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// call sends method path to b's server with body of contentType and headers as name, value
// pairs, and returns the status and body.
func call(t *testing.T, b *consoletest.Bundle, method, path, contentType string, body []byte, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, b.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(raw)
}

// The API takes admins' credentials from headers only (X-Session-Token, or a bearer token),
// never from the console's session cookie, which a browser sends with whatever a page elsewhere
// makes it post: the CSV import, which reads text/plain and form bodies, creates nobody from a
// form posted with the cookie, while the same admin's session in the header imports.
func TestTheAPIDoesNotActOnTheConsolesSessionCookie(t *testing.T) {
	t.Parallel()
	b := consoletest.SetupKratos(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	token := b.Kratos.AddSession(kratostest.Valid("owner@lotus.example"))
	cookie := b.Kratos.Cookie(token)
	const csv = "external_id,name,consent.marketing_sms\nforged-1,Forged,yes\n"
	customers := func() int {
		cs, err := b.App.Customers.List(context.Background(), tn.ID, ports.CustomerQuery{}, ports.Page{Limit: 10})
		require.NoError(t, err)
		return len(cs)
	}
	// The console works with the cookie: it is the admin's live session.
	page := b.Get(t, "/console/", cookie)
	page.Body.Close()
	require.Equal(t, http.StatusOK, page.StatusCode)

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	part, err := mw.CreateFormFile("file", "customers.csv")
	require.NoError(t, err)
	_, err = part.Write([]byte(csv))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	for name, body := range map[string]struct {
		contentType string
		raw         []byte
	}{
		"text/plain":     {"text/plain", []byte(csv)},
		"multipart form": {mw.FormDataContentType(), form.Bytes()},
		"text/csv":       {"text/csv", []byte(csv)},
	} {
		status, answer := call(t, b, http.MethodPost, "/v1/customers/imports", body.contentType, body.raw,
			"Cookie", cookie, "Origin", "https://evil.example", "X-Engage-Tenant", tn.Slug)
		require.Equalf(t, http.StatusUnauthorized, status, "%s: %s", name, answer)
		require.Contains(t, answer, `"code":"unauthenticated"`)
	}
	status, answer := call(t, b, http.MethodGet, "/v1/tenant", "", nil, "Cookie", cookie, "X-Engage-Tenant", tn.Slug)
	require.Equal(t, http.StatusUnauthorized, status, "reads neither: %s", answer)
	require.Zero(t, customers(), "nobody was created")

	// What a page elsewhere could send with a header needs a CORS preflight, which the API never grants.
	req, err := http.NewRequest(http.MethodOptions, b.URL+"/v1/customers/imports", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	req.Header.Set("Access-Control-Request-Headers", "x-session-token")
	preflight, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	preflight.Body.Close()
	require.Empty(t, preflight.Header.Get("Access-Control-Allow-Origin"))
	require.Empty(t, preflight.Header.Get("Access-Control-Allow-Headers"))

	status, answer = call(t, b, http.MethodPost, "/v1/customers/imports", "text/csv", []byte(csv),
		"X-Session-Token", token, "X-Engage-Tenant", tn.Slug)
	require.Equal(t, http.StatusOK, status, "the session in the header imports: %s", answer)
	require.Equal(t, 1, customers())
	require.True(t, strings.Contains(answer, `"created":1`), answer)
}
