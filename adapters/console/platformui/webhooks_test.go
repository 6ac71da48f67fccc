package platformui_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/platform/webhooks"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
)

// hookReceiver is a partner's endpoint that answers status and keeps what it got.
type hookReceiver struct {
	url    string
	mu     sync.Mutex
	header []http.Header
	body   [][]byte
}

func newHookReceiver(t *testing.T, status int) *hookReceiver {
	t.Helper()
	h := &hookReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.header, h.body = append(h.header, r.Header.Clone()), append(h.body, b)
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

func TestWebhookIsCreatedTestedAndPausedFromTheConsole(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	rcv := newHookReceiver(t, http.StatusOK)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/webhooks"), chromedp.WaitVisible(chromedp.CSS("[data-test=new-webhook]")))

	// A URL that is not http is refused with the field named.
	form := "[data-test=new-webhook]"
	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS(form+" input[name=url]"), "ftp://crm.example.com/hooks"),
		chromedp.Click(chromedp.CSS(form+" button")),
		chromedp.WaitVisible(chromedp.CSS(form+" [data-test=error-url]")),
	)
	tab.Run(t,
		chromedp.SetValue(chromedp.CSS(form+" input[name=url]"), rcv.url+"/engage"),
		chromedp.SendKeys(chromedp.CSS(form+" input[name=description]"), "CRM"),
		chromedp.Click(chromedp.CSS(form+` input[value="customer.updated"]`)),
		chromedp.Click(chromedp.CSS(form+" button")),
	)
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=secret]")`)
	secret := consoletest.Text(t, tab, "[data-test=secret]")
	require.True(t, strings.HasPrefix(secret, "whsec_"))
	require.Equal(t, 1, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=webhook-row]").length`)))

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=webhook-link]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=test-webhook]")`)
	require.Equal(t, rcv.url+"/engage", consoletest.Text(t, tab, "[data-test=webhook-url]"))
	tab.Run(t,
		chromedp.SetValue(chromedp.CSS("[data-test=test-webhook] select[name=event_type]"), customer.Updated),
		chromedp.Click(chromedp.CSS("[data-test=test-webhook] button")),
	)
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=test-status]")`)
	require.Equal(t, "200", consoletest.Text(t, tab, "[data-test=test-status]"))
	require.Equal(t, 1, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=delivery-row]").length`)))

	// The receiver got the sample, signed with the secret the console showed once.
	rcv.mu.Lock()
	require.Len(t, rcv.body, 1)
	h, body := rcv.header[0], rcv.body[0]
	rcv.mu.Unlock()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	require.NoError(t, err)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(h.Get("webhook-id") + "." + h.Get("webhook-timestamp") + "." + string(body)))
	require.Equal(t, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)), h.Get("webhook-signature"))
	require.Contains(t, string(body), `"type":"customer.updated"`)

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=pause]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=status].status-paused") && !!document.querySelector("[data-test=resume]")`)
	es, err := b.App.Webhooks.List(context.Background(), tn.ID)
	require.NoError(t, err)
	require.Len(t, es, 1)
	require.Equal(t, webhook.Paused, es[0].Status)
	require.Equal(t, "CRM", es[0].Description)
	require.Equal(t, []string{customer.Created, customer.Updated}, es[0].EventTypes)
	consoletest.NoNetworkErrorsBut422(t, tab)
}

func TestADisabledWebhookIsAnnouncedOnTheDashboardAndItsPage(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	rcv := newHookReceiver(t, http.StatusGone)
	ctx := context.Background()
	e, _, err := b.App.Webhooks.Create(ctx, tn.ID, webhook.Draft{URL: rcv.url, EventTypes: []string{customer.Created}})
	require.NoError(t, err)
	name := "王小明"
	_, err = b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	// The webhooks subscriber's job and the delivery job's work, done here: the receiver
	// answers 410 Gone.
	require.Equal(t, 1, jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus))
	logs, err := b.App.Webhooks.Deliveries(ctx, tn.ID, e.ID, ports.Page{Limit: 1})
	require.NoError(t, err)
	require.NoError(t, b.App.Webhooks.Deliver(ctx, webhooks.DeliverArgs{TenantID: tn.ID.UUID(), DeliveryID: logs[0].ID, Attempt: 1}))

	tab := b.SignIn(t, "analyst@lotus.example")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/"), chromedp.WaitVisible(chromedp.CSS("[data-test=webhooks-disabled]")))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=webhooks-disabled] a")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=disabled-notice]")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=disabled-notice]"), rcv.url)
	require.False(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=new-webhook]")`)),
		"analysts read webhooks but cannot add one")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/webhooks/"+e.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=delivery-row]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=delivery-response]"), "410")
	consoletest.NoJSErrors(t, tab)
}

func TestAFailingWebhookShowsItsLastFailureAndWhenItWillBeDisabled(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	rcv := newHookReceiver(t, http.StatusServiceUnavailable)
	ctx := context.Background()
	e, _, err := b.App.Webhooks.Create(ctx, tn.ID, webhook.Draft{URL: rcv.url, EventTypes: []string{customer.Created}})
	require.NoError(t, err)
	name := "王小明"
	_, err = b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	require.Equal(t, 1, jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus))
	logs, err := b.App.Webhooks.Deliveries(ctx, tn.ID, e.ID, ports.Page{Limit: 1})
	require.NoError(t, err)
	require.NoError(t, b.App.Webhooks.Deliver(ctx, webhooks.DeliverArgs{TenantID: tn.ID.UUID(), DeliveryID: logs[0].ID, Attempt: 1}))

	tab := b.SignIn(t, "analyst@lotus.example")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/webhooks"), chromedp.WaitVisible(chromedp.CSS("[data-test=webhook-row]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=webhook-row] [data-test=failures]"), "1")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=webhook-row] [data-test=last-failure]"), "HTTP 503")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=webhook-row] [data-test=disabling]"), "once 9 more attempts have failed")
	tab.Screenshot(t, "webhooks-failing-list")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/webhooks/"+e.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=disabling]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=last-failure]"), "HTTP 503")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=disabling]"), "once 9 more attempts have failed")
	tab.Screenshot(t, "webhook-failing-detail")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)), chromedp.WaitVisible(chromedp.CSS("[data-test=disabling]")))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN"`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=disabling]"), "再失败 9 次时停用")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=last-failure]"), "HTTP 503")
	// The menu, the way back and the tab name it in Chinese, like its list page.
	require.Equal(t, "事件推送", consoletest.Text(t, tab, "[data-nav=webhooks]"))
	require.Equal(t, "← 事件推送", consoletest.Text(t, tab, `main a[href="/console/webhooks"]`))
	require.Equal(t, "事件推送", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.title.split(" ")[0]`)))
	tab.Screenshot(t, "webhook-failing-detail-zh")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/webhooks"), chromedp.WaitVisible(chromedp.CSS("[data-test=webhook-row]")))
	require.Equal(t, "事件推送", consoletest.Text(t, tab, "main h1"))
	require.True(t, strings.HasPrefix(consoletest.Text(t, tab, "main h1 + p"), "事件推送（Webhook）："), "the English term once, where it helps")
	tab.Screenshot(t, "webhooks-failing-list-zh")
	consoletest.NoJSErrors(t, tab)
}
