package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/kratos/kratostest"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/domain/access"
)

// seen is a forged request as the app saw it and answered it.
type seen struct {
	status         int
	session, basic bool // it carried the admin's Kratos session cookie, the operator's basic credentials
	site           string
}

// recorder watches the requests the attacker's forms make (marked ?_forged=N).
type recorder struct {
	cookie string
	mu     sync.Mutex
	seen   map[int]seen
}

func (rec *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("_forged"))
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		_, _, basic := r.BasicAuth()
		_, cookieErr := r.Cookie(rec.cookie)
		next.ServeHTTP(sw, r)
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.seen[n] = seen{status: sw.status, session: cookieErr == nil, basic: basic, site: r.Header.Get("Sec-Fetch-Site")}
	})
}

func (rec *recorder) get(n int) (seen, bool) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	s, ok := rec.seen[n]
	return s, ok
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// forgery is one form a page elsewhere auto-submits.
type forgery struct {
	N                       int
	Action, Enctype, Target string
	Fields                  map[string]string
	// Text and TextValue make a text/plain body: the browser sends Text=TextValue.
	Text, TextValue string
	// CSV is put in a file input named file (multipart only), as a page's script can.
	CSV string
}

var attackPage = template.Must(template.New("attack").Parse(`<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="{{.Action}}" enctype="{{.Enctype}}">
{{if .Text}}<textarea name="{{.Text}}">{{.TextValue}}</textarea>
{{else}}{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}{{if .CSV}}<input type="file" name="file" id="file">{{end}}{{end}}
</form>
<script>
const f = document.getElementById("f"), file = document.getElementById("file");
if (file) {
  const dt = new DataTransfer();
  dt.items.add(new File([{{.CSV}}], "customers.csv", {type: "text/csv"}));
  file.files = dt.files;
}
f.submit();
</script>`))

// attackSite serves GET /{n}, the page that submits forgery n.
func attackSite(t *testing.T, forgeries []forgery) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil || n < 0 || n >= len(forgeries) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = attackPage.Execute(w, forgeries[n])
	}))
	t.Cleanup(srv.Close)
	return srv
}

// fingerprint is a digest of every table of the database, read as the superuser (past
// row-level security): equal fingerprints, nothing changed.
func fingerprint(t *testing.T, conn *pgx.Conn) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := conn.Query(ctx, `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var schema, table string
		err := r.Scan(&schema, &table)
		return pgx.Identifier{schema, table}.Sanitize(), err
	})
	require.NoError(t, err)
	out := map[string]string{}
	for _, table := range tables {
		var digest string
		require.NoError(t, conn.QueryRow(ctx, `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM `+table+` t`).Scan(&digest))
		out[table] = digest
	}
	return out
}

// stateChanging are every path the attacker aims at: every POST route of the console
// (enumerated from its router, module routes and its own), every API path with a state-changing
// operation (from the OpenAPI document; a form can only POST, PUT, PATCH and DELETE need a
// CORS preflight the API never grants), and River's job UI API (its version v0.22 changes jobs
// with POST jobs/cancel|delete|retry, and queues with PUT queues/{name}/pause|resume and PATCH
// queues/{name}).
func stateChanging(t *testing.T, b *consoletest.Bundle, o consoletest.Objects) (consolePaths, apiPaths, jobPaths []string) {
	t.Helper()
	for _, r := range console.New(console.Deps{Modules: web.ConsoleModules(b.App), KratosBrowserURL: b.Kratos.URL()}).Routes() {
		method, pattern, _ := strings.Cut(r, " ")
		if method != http.MethodPost || strings.HasSuffix(pattern, "/*") { // /console/assets/*: static files, every method
			continue
		}
		path, ok := o.Fill(strings.TrimPrefix(pattern, "/console"))
		require.True(t, ok, "no object to fill %s with", pattern)
		consolePaths = append(consolePaths, "/console"+path)
	}
	for p, item := range web.Document().Paths {
		if item.Post == nil && item.Put == nil && item.Patch == nil && item.Delete == nil {
			continue
		}
		path, ok := o.Fill(strings.TrimPrefix(p, "/v1"))
		require.True(t, ok, "no object to fill %s with", p)
		apiPaths = append(apiPaths, "/v1"+path)
	}
	for _, p := range []string{"jobs/cancel", "jobs/delete", "jobs/retry", "queues/default/pause", "queues/default/resume", "queues/default"} {
		jobPaths = append(jobPaths, "/platform/jobs/api/"+p)
	}
	slices.Sort(consolePaths)
	slices.Sort(apiPaths)
	return consolePaths, apiPaths, jobPaths
}

// csrfToken is the console's CSRF token for the session in cookie.
func csrfToken(t *testing.T, b *consoletest.Bundle, cookie string) string {
	t.Helper()
	resp := b.Get(t, "/console/", cookie)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	m := regexp.MustCompile(`"X-CSRF-Token": "([0-9a-f]+)"`).FindSubmatch(raw)
	require.NotNil(t, m, "%s", raw)
	return string(m[1])
}

// land loads the attacker's page in tab and waits until the form it submits has been answered
// (reached says so). It returns errors rather than failing the test: tabs work from goroutines
// of their own.
func land(tab *browsertest.Tab, page string, reached func() bool) error {
	ctx, cancel := context.WithTimeout(tab.Ctx, browsertest.RunTimeout)
	defer cancel()
	// Only start the navigation: the page replaces itself with the form's answer at once,
	// and what counts is that the app answered, which reached reports.
	open := func(ctx context.Context, target *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, target, cdppage.Navigate, cdppage.NavigateParams{URL: page})
		return chromedp.Void{}, err
	}
	if err := chromedp.Do(ctx, open); err != nil {
		return err
	}
	for !reached() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the form never reached the app: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// Done-when of issue 10: in production (Kratos with the shipped cookie name), an owner who is
// also the platform operator has the console open, the job UI open (the browser keeping the
// platform key) and a scheduled PIPL erasure job waiting; pages of another site and of another
// origin on the same site auto-submit urlencoded, multipart and text/plain forms to every
// state-changing endpoint: every console POST route, the API with the browser's cookie, the
// job UI's API. Every one is refused, the browser's cookies and session are as they were, and
// the database (audit trail included) is byte for byte what it was.
func TestCrossSiteFormsChangeNothing(t *testing.T) {
	t.Parallel()
	rec := &recorder{cookie: kratostest.Shipped(t).CookieName, seen: map[int]seen{}}
	b := consoletest.SetupKratosWith(t, rec.wrap)
	lotus := b.Brand(t, "lotus-tea", "莲花茶饮")
	north := b.Brand(t, "north-peak", "北峰户外")
	b.Member(t, lotus, "owner@lotus.example", access.RoleOwner)
	b.Member(t, north, "owner@lotus.example", access.RoleOwner)
	mine := b.Furnish(t, lotus)
	job := erasureJob(t, b, mine)
	// The attacker is an admin of a brand of their own: their forms carry their own CSRF token.
	b.Member(t, b.Brand(t, "evil-mart", "恶意商城"), "mallory@evil.example", access.RoleOwner)
	token := csrfToken(t, b, b.SessionCookie(t, "mallory@evil.example"))

	// The victim: signed in to the console, and to the job UI and the platform console with
	// the platform key.
	victim := b.SignIn(t, "owner@lotus.example")
	for _, page := range []string{"/platform/jobs/favicon.ico", "/console/platform/"} {
		u, err := url.Parse(b.URL + page)
		require.NoError(t, err)
		u.User = url.UserPassword("operator", consoletest.PlatformKey)
		victim.Run(t, chromedp.Navigate(u.String()))
	}
	victim.Run(t, chromedp.Navigate(b.URL+"/platform/jobs/"), chromedp.Navigate(b.URL+"/console/"))
	cookiesBefore := browsertest.Get(t, victim, browsertest.Cookies(b.URL+"/console/"))
	session := cookiesBefore[b.Kratos.CookieName()]
	require.True(t, b.Kratos.Active(session))

	consolePaths, apiPaths, jobPaths := stateChanging(t, b, mine)
	t.Logf("%d console POST routes, %d API paths with state-changing operations, %d job UI API paths", len(consolePaths), len(apiPaths), len(jobPaths))
	fields := map[string]string{
		"_csrf": token, "_nonce": "forged", "name": "Forged", "slug": "forged-brand", "email": "evil@evil.example",
		"role": "owner", "roles": "owner", "permissions": string(access.PermTeamWrite), "tag": "forged", "lang": "en",
		"return_to": "/console/", "brand": north.Slug, "action": "delete", "url": "https://evil.example/hook",
		"event_types": "customer.created", "open_id": "o-evil", "customer_ids": mine.Customer.String(),
		"duplicate_id": mine.Customer.String(), "overlap_hours": "0", "key": "forged_type", "label": "Forged",
		"timezone": "Asia/Shanghai", "ids": strconv.FormatInt(job.ID, 10), "concurrency": "0",
		"tree": `{"field":"city","op":"=","value":"上海"}`,
	}
	body, err := json.Marshal(map[string]any{"name": "Forged", "email": "evil@evil.example", "role": "owner", "roles": []string{"owner"},
		"ids": []string{strconv.FormatInt(job.ID, 10)}, "url": "https://evil.example/hook", "tag": "forged"})
	require.NoError(t, err)
	// A text/plain body is name=value: the name opens the JSON, the value closes it.
	jsonText, jsonEnd := strings.TrimSuffix(string(body), "}")+`,"x":"`, `"}`
	const csv = "external_id,name,consent.marketing_sms\r\nforged-1,Forged,yes\r\nforged-2,Forged"
	const csvEnd = " 2,yes" // the second row's name is "Forged= 2"
	var forgeries []forgery
	for _, path := range slices.Concat(consolePaths, apiPaths, jobPaths) {
		for _, enctype := range []string{"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"} {
			f := forgery{N: len(forgeries), Action: b.URL + path + "?_forged=" + strconv.Itoa(len(forgeries)), Enctype: enctype, Target: path,
				Fields: fields}
			switch {
			case enctype == "text/plain" && (strings.HasSuffix(path, "/import") || strings.HasSuffix(path, "/imports")):
				f.Text, f.TextValue = csv, csvEnd
			case enctype == "text/plain":
				f.Text, f.TextValue = jsonText, jsonEnd
			case enctype == "multipart/form-data":
				f.CSV = csv + csvEnd
			}
			forgeries = append(forgeries, f)
		}
	}
	evil := attackSite(t, forgeries)
	conn := b.PG.SuperConn(t)
	before := fingerprint(t, conn)

	// Four tabs of the victim's window load the attacker's pages, from another site
	// (localhost) and from another origin of the same site (127.0.0.1, another port).
	origins := []string{crossSite(evil), evil.URL}
	tabs := []*browsertest.Tab{victim}
	for len(tabs) < 4 {
		tabs = append(tabs, victim.Sibling(t))
	}
	results := map[string][]seen{}
	for _, origin := range origins {
		work, failed := make(chan forgery), make(chan error, len(tabs))
		var wg sync.WaitGroup
		for _, tab := range tabs {
			wg.Go(func() {
				for f := range work {
					reached := func() bool { _, ok := rec.get(f.N); return ok }
					if err := land(tab, origin+"/"+strconv.Itoa(f.N), reached); err != nil {
						failed <- fmt.Errorf("forgery %d (%s %s) from %s: %w", f.N, f.Target, f.Enctype, origin, err)
						for range work { // let the others finish
						}
						return
					}
				}
			})
		}
		for _, f := range forgeries {
			work <- f
		}
		close(work)
		wg.Wait()
		close(failed)
		require.NoError(t, <-failed)
		for _, f := range forgeries {
			s, _ := rec.get(f.N)
			results[f.Target+" "+f.Enctype] = append(results[f.Target+" "+f.Enctype], s)
		}
		rec.mu.Lock()
		rec.seen = map[int]seen{}
		rec.mu.Unlock()
	}

	var accepted []string
	withSession, withBasic, statuses := 0, 0, map[int]int{}
	for target, ss := range results {
		for i, s := range ss {
			statuses[s.status]++
			if s.status < 400 || s.status >= 500 {
				accepted = append(accepted, fmt.Sprintf("%s from %s: %d", target, origins[i], s.status))
			}
			if s.session {
				withSession++
			}
			if s.basic {
				withBasic++
			}
		}
	}
	require.Empty(t, accepted, "every forged request is refused with a 4xx")
	t.Logf("%d forged requests, %d with the admin's session cookie, %d with the operator's basic credentials; answers by status: %v",
		len(forgeries)*len(origins), withSession, withBasic, statuses)
	require.Greater(t, withSession, len(consolePaths), "the same-site forms carried the session cookie: the app refused them, not the browser")
	require.Greater(t, withBasic, len(jobPaths), "the browser resent the platform key: the app refused the forms")

	require.Equal(t, before, fingerprint(t, conn), "the database is unchanged, audit trail and jobs included")
	require.Equal(t, cookiesBefore, browsertest.Get(t, victim, browsertest.Cookies(b.URL+"/console/")), "no language or brand switched")
	require.True(t, b.Kratos.Active(session), "and the admin is still signed in")
	for _, e := range victim.JSErrors() {
		require.Contains(t, e, "Failed to load resource: the server responded with a status of 4", "only the refused forms' answers")
	}
}
