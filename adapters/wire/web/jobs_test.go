package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/ports"
)

// attacker serves pages of another origin that post a form to a target as soon as they load,
// as a page on any site can: GET /?action=URL&enctype=E&name=N&value=V. Its pages are served
// at http://localhost:port (another site than the app's 127.0.0.1) and http://127.0.0.1:port
// (the same site, another origin).
func attacker(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="%s" enctype="%s"><input type="hidden" name="%s" value="%s"></form>
<script>document.getElementById("f").submit()</script>`,
			html.EscapeString(q.Get("action")), html.EscapeString(q.Get("enctype")), html.EscapeString(q.Get("name")), html.EscapeString(q.Get("value")))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// crossSite is the attacker's base URL on another site than base's 127.0.0.1.
func crossSite(srv *httptest.Server) string {
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// forge makes tab load the attacker's page, which posts the form, and waits for the browser to
// land on the target's answer.
func forge(t *testing.T, tab *browsertest.Tab, attackerBase, action, enctype, name, value string) {
	t.Helper()
	q := url.Values{"action": {action}, "enctype": {enctype}, "name": {name}, "value": {value}}
	target, err := url.Parse(action)
	require.NoError(t, err)
	tab.Run(t, chromedp.Navigate(attackerBase+"/?"+q.Encode()))
	consoletest.Settle(t, tab, fmt.Sprintf("location.pathname === %q", target.Path))
}

// erasureJob schedules the erasure of o's customer a week ahead, as POST /v1/me/erasure does,
// and returns its River job: what the attacker deleted.
func erasureJob(t *testing.T, b *consoletest.Bundle, o consoletest.Objects) *rivertype.JobRow {
	t.Helper()
	ctx := context.Background()
	_, err := b.App.Privacy.RequestErasure(ctx, o.Tenant.ID, o.Customer, ports.ErasureByCustomer)
	require.NoError(t, err)
	res, err := b.App.River.JobList(ctx, river.NewJobListParams().Kinds("customer_erase"))
	require.NoError(t, err)
	require.Len(t, res.Jobs, 1)
	require.Equal(t, rivertype.JobStateScheduled, res.Jobs[0].State)
	return res.Jobs[0]
}

// jobState is the job's state now, "" once it is deleted.
func jobState(t *testing.T, b *consoletest.Bundle, id int64) rivertype.JobState {
	t.Helper()
	j, err := b.App.River.JobGet(context.Background(), id)
	if err != nil {
		require.ErrorIs(t, err, river.ErrNotFound)
		return ""
	}
	return j.State
}

// signInToJobs opens the job UI in a fresh browser context with the platform key as basic
// credentials, which the browser then keeps and resends (River's page itself must be loaded
// from a URL without them: its fetches refuse a base URL with credentials).
func signInToJobs(t *testing.T, b *consoletest.Bundle) *browsertest.Tab {
	t.Helper()
	tab := b.Browser.Incognito(t)
	u, err := url.Parse(b.URL + "/platform/jobs/favicon.ico")
	require.NoError(t, err)
	u.User = url.UserPassword("operator", consoletest.PlatformKey)
	tab.Run(t, chromedp.Navigate(u.String()), chromedp.Navigate(b.URL+"/platform/jobs/"))
	consoletest.Settle(t, tab, `document.querySelector("#root") && document.querySelector("#root").innerText.includes("Jobs")`)
	return tab
}

// clickButton clicks the page's button whose text is label.
func clickButton(t *testing.T, tab *browsertest.Tab, label string) {
	t.Helper()
	tab.Run(t, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`[...document.querySelectorAll("button")].find(b => b.innerText.trim() === %q).click()`, label)))
}

// A page on another origin auto-submitting a text/plain form (whose body River's API reads as
// JSON) to the job UI's delete, cancel and retry does not touch the delayed erasure job of a
// member's PIPL request, although the browser resends the operator's basic credentials; the
// job UI's own page still deletes it.
func TestAFormFromAnotherOriginCannotChangeJobsButTheJobUICan(t *testing.T) {
	t.Parallel()
	b := consoletest.SetupKratos(t)
	job := erasureJob(t, b, b.Furnish(t, b.Brand(t, "lotus-tea", "莲花茶饮")))
	tab := signInToJobs(t, b)
	evil := attacker(t)
	// enctype=text/plain sends name=value: the name opens the JSON, the value closes it.
	name, value := fmt.Sprintf(`{"ids":["%d"],"x":"`, job.ID), `"}`
	for _, base := range []string{crossSite(evil), evil.URL} {
		for _, action := range []string{"delete", "cancel", "retry"} {
			forge(t, tab, base, b.URL+"/platform/jobs/api/jobs/"+action, "text/plain", name, value)
			require.Contains(t, consoletest.HTML(t, tab), "cross_origin_request", "%s from %s", action, base)
			require.Equal(t, rivertype.JobStateScheduled, jobState(t, b, job.ID), "%s from %s", action, base)
		}
	}

	refused := len(tab.JSErrors()) // the browser logs each refused form's 403
	for _, e := range tab.JSErrors() {
		require.Contains(t, e, "status of 403 (Forbidden)")
	}
	tab.Run(t, chromedp.Navigate(fmt.Sprintf("%s/platform/jobs/jobs/%d", b.URL, job.ID)))
	consoletest.Settle(t, tab, `[...document.querySelectorAll("button")].some(b => b.innerText.trim() === "Delete")`)
	clickButton(t, tab, "Delete")
	consoletest.Settle(t, tab, `[...document.querySelectorAll("button")].some(b => b.innerText.trim() === "Delete job")`)
	clickButton(t, tab, "Delete job")
	require.Eventually(t, func() bool { return jobState(t, b, job.ID) == "" }, browsertest.RunTimeout, 50*time.Millisecond,
		"River's own page deletes the job")
	require.Len(t, tab.JSErrors(), refused, "the job UI runs under its Content-Security-Policy, with no error: %v", tab.JSErrors())
}
