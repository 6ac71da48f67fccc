package riverjobs_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/adapters/webhookhttp"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/tags"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/platform/webhooks"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
	at     time.Time
}

// receiver is a partner's webhook endpoint answering with the statuses it is given in turn
// (the last one from then on).
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []received
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	r := &receiver{statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		status := r.statuses[min(len(r.got), len(r.statuses)-1)]
		r.got = append(r.got, received{header: req.Header.Clone(), body: body, at: time.Now()})
		r.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"answer":` + strconv.Itoa(status) + `}`))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

type hooksBundle struct {
	db        *postgres.DB
	dir       *tenants.Directory
	client    *riverjobs.Client
	hooks     *webhooks.Service
	bus       *eventbus.Bus
	customers *customers.Service
}

// setupHooks builds the webhooks service over a fresh database with a real River client and
// sender; adjust changes its dependencies (retry schedule, disable policy).
func setupHooks(t *testing.T, adjust func(*webhooks.Deps)) *hooksBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	jobs, err := riverjobs.New(db, riverjobs.Config{MaxWorkers: 2, NoPeriodic: true, Queues: wire.Queues()})
	require.NoError(t, err)
	keyring, err := secretbox.ParseKeyring("t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
	require.NoError(t, err)
	deps := webhooks.Deps{Tx: db, Repo: platformdb.Webhooks{}, Cipher: keyring, Jobs: jobs.Scheduler(),
		Sender: webhookhttp.New(webhookhttp.Options{AllowPrivate: true}), Audit: platformdb.AuditLog{}, Tenants: dir,
		Clock: ports.SystemClock{}, Policy: webhook.URLPolicy{AllowHTTP: true, AllowPrivate: true}}
	adjust(&deps)
	hooks := webhooks.NewService(deps)
	// Customers publish to the bus, whose webhooks subscriber records and enqueues deliveries.
	bus := jobstest.Bus(db, jobs.Scheduler(), dir, customer.Created, customer.Updated, customer.Tagged)
	require.NoError(t, bus.Subscribe(hooks.Subscriber()))
	riverjobs.HandleKind(jobs, eventbus.JobArgs{Subscriber: "webhooks"}, bus.Work, riverjobs.WorkerOptions{})
	riverjobs.Handle(jobs, hooks.Deliver, riverjobs.WorkerOptions{})
	riverjobs.Handle(jobs, hooks.Alert, riverjobs.WorkerOptions{})
	riverjobs.Handle(jobs, riverjobs.Counting(hooks.Purge), riverjobs.WorkerOptions{})
	cs := customers.NewService(customers.Deps{Tx: db, Repo: customersdb.Customers{}, Defs: customersdb.AttributeDefs{},
		Audit: platformdb.AuditLog{}, Publisher: bus, Tags: customersdb.Tags{}})
	return &hooksBundle{db: db, dir: dir, client: jobs.Client(), hooks: hooks, bus: bus, customers: cs}
}

// start runs the River workers until the test ends.
func (b *hooksBundle) start(t *testing.T) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, b.client.Start(ctx))
	t.Cleanup(func() {
		stop()
		<-b.client.Stopped()
	})
}

func (b *hooksBundle) endpoint(t *testing.T, tn tenants.Tenant, url string, types ...string) (webhook.Endpoint, webhook.Secret) {
	t.Helper()
	e, secret, err := b.hooks.Create(context.Background(), tn.ID, webhook.Draft{URL: url, EventTypes: types})
	require.NoError(t, err)
	return e, secret
}

// deliveries waits until the endpoint's deliveries satisfy done and returns them.
func (b *hooksBundle) deliveries(t *testing.T, tn tenants.Tenant, endpoint uuid.UUID, done func([]ports.WebhookDeliveryLog) bool) []ports.WebhookDeliveryLog {
	t.Helper()
	var logs []ports.WebhookDeliveryLog
	require.Eventually(t, func() bool {
		var err error
		logs, err = b.hooks.Deliveries(context.Background(), tn.ID, endpoint, ports.Page{Limit: 50})
		require.NoError(t, err)
		return done(logs)
	}, time.Minute, 20*time.Millisecond, "deliveries never settled: %+v", logs)
	return logs
}

func settled(status string) func([]ports.WebhookDeliveryLog) bool {
	return func(logs []ports.WebhookDeliveryLog) bool {
		for _, l := range logs {
			if l.Status != status {
				return false
			}
		}
		return len(logs) > 0
	}
}

func (b *hooksBundle) createCustomer(t *testing.T, tn tenants.Tenant, name string) uuid.UUID {
	t.Helper()
	c, err := b.customers.Create(context.Background(), tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	return c.ID
}

func (b *hooksBundle) audit(t *testing.T, tn tenants.Tenant, action string) []string {
	t.Helper()
	var targets []string
	require.NoError(t, b.db.ReadInTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		recs, err := platformdb.AuditLog{}.List(ctx, ports.AuditFilter{Action: action}, ports.Page{Limit: 10})
		for _, r := range recs {
			targets = append(targets, r.TargetID)
		}
		return err
	}))
	return targets
}

// verify checks a request's signature the way Standard Webhooks tells receivers to, computed
// here from the spec rather than with the code under test.
func verify(t *testing.T, secret webhook.Secret, r received) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(string(secret), "whsec_"))
	require.NoError(t, err)
	id, ts := r.header.Get("webhook-id"), r.header.Get("webhook-timestamp")
	require.Regexp(t, `^msg_[0-9a-f]{32}$`, id)
	sent, err := strconv.ParseInt(ts, 10, 64)
	require.NoError(t, err)
	require.InDelta(t, time.Now().Unix(), sent, 300, "the timestamp is the time of sending")
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "." + string(r.body)))
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	require.Contains(t, strings.Fields(r.header.Get("webhook-signature")), want)
}

func TestCustomerCreatedIsDeliveredSignedTheStandardWebhooksWay(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(*webhooks.Deps) {})
	rcv := newReceiver(t, http.StatusOK)
	tn := pgtest.NewTenant(t, b.dir)
	ep, secret := b.endpoint(t, tn, rcv.srv.URL+"/hooks?token=abc", customer.Created)
	require.Regexp(t, `^whsec_[A-Za-z0-9+/]{43}=$`, string(secret))
	other := pgtest.NewTenant(t, b.dir)
	b.endpoint(t, other, rcv.srv.URL+"/theirs", customer.Created)
	b.start(t)

	id := b.createCustomer(t, tn, "王小明")
	logs := b.deliveries(t, tn, ep.ID, settled(ports.DeliverySucceeded))
	require.Len(t, logs, 1)
	got := rcv.requests()
	require.Len(t, got, 1, "only the brand's own endpoint is called")
	verify(t, secret, got[0])
	require.Equal(t, "application/json", got[0].header.Get("Content-Type"))

	var body struct {
		Type      string    `json:"type"`
		Timestamp time.Time `json:"timestamp"`
		Data      struct {
			CustomerID    string         `json:"customer_id"`
			ChangedFields []string       `json:"changed_fields"`
			Customer      map[string]any `json:"customer"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(got[0].body, &body))
	require.Equal(t, customer.Created, body.Type)
	require.Equal(t, id.String(), body.Data.CustomerID)
	require.Equal(t, "王小明", body.Data.Customer["name"], "partners get the profile")
	require.Contains(t, body.Data.ChangedFields, "name")

	// The log keeps the request and the answer.
	l := logs[0]
	require.Equal(t, got[0].header.Get("webhook-id"), l.EventID)
	require.JSONEq(t, string(got[0].body), string(l.Event.Body))
	require.Len(t, l.Log, 1)
	require.Equal(t, http.StatusOK, l.Log[0].ResponseStatus)
	require.Equal(t, `{"answer":200}`, l.Log[0].ResponseBody)
	require.Equal(t, got[0].header.Get("webhook-signature"), l.Log[0].RequestHeaders["webhook-signature"])

	// The log knows whose profile it holds, for merging and erasing the customer.
	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		sent, err := platformdb.WebhookData{}.Export(ctx, id)
		require.Len(t, sent, 1)
		return err
	}))

	// An update is not subscribed to: nothing more is sent.
	city := "杭州"
	_, err := b.customers.Update(context.Background(), tn.ID, id, customers.Patch{City: &city})
	require.NoError(t, err)
	require.Len(t, b.deliveries(t, tn, ep.ID, settled(ports.DeliverySucceeded)), 1)
}

func TestFailedDeliveriesAreRetriedUntilTheReceiverAccepts(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(d *webhooks.Deps) { d.Schedule = []time.Duration{0, 0, 0} })
	rcv := newReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusOK)
	tn := pgtest.NewTenant(t, b.dir)
	ep, secret := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
	b.start(t)

	b.createCustomer(t, tn, "李华")
	logs := b.deliveries(t, tn, ep.ID, settled(ports.DeliverySucceeded))
	got := rcv.requests()
	require.Len(t, got, 3)
	for _, r := range got {
		verify(t, secret, r)
		require.Equal(t, got[0].header.Get("webhook-id"), r.header.Get("webhook-id"), "every retry carries the same webhook-id")
		require.Equal(t, got[0].body, r.body)
	}
	require.Len(t, logs[0].Log, 3)
	for i, want := range []int{500, 503, 200} {
		require.Equal(t, i+1, logs[0].Log[i].Attempt)
		require.Equal(t, want, logs[0].Log[i].ResponseStatus)
	}
	e, err := b.hooks.Get(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	require.Equal(t, webhook.Active, e.Status)
	require.Zero(t, e.ConsecutiveFailures, "a success clears the failure record")
}

func TestARetryWaitsItsTurnInTheSchedule(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(d *webhooks.Deps) { d.Schedule = []time.Duration{time.Hour, 2 * time.Hour} })
	rcv := newReceiver(t, http.StatusBadGateway)
	tn := pgtest.NewTenant(t, b.dir)
	ep, _ := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
	b.start(t)

	b.createCustomer(t, tn, "李华")
	logs := b.deliveries(t, tn, ep.ID, func(l []ports.WebhookDeliveryLog) bool {
		return len(l) == 1 && l[0].Log != nil && l[0].NextAttemptAt != nil
	})
	l := logs[0]
	require.Equal(t, ports.DeliveryPending, l.Status)
	require.NotNil(t, l.NextAttemptAt)
	require.WithinDuration(t, l.Log[0].CreatedAt.Add(time.Hour), *l.NextAttemptAt, time.Second)
	var scheduled time.Time
	require.NoError(t, b.db.Pool().QueryRow(context.Background(),
		`SELECT scheduled_at FROM river_job WHERE kind = 'webhook_deliver' AND state = 'scheduled' AND (args->>'attempt')::int = 2`).Scan(&scheduled))
	require.WithinDuration(t, *l.NextAttemptAt, scheduled, time.Second, "River holds the second attempt for an hour")
	require.Len(t, rcv.requests(), 1)
}

func TestGoneDisablesTheEndpointAtOnce(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(d *webhooks.Deps) { d.Schedule = []time.Duration{0, 0, 0} })
	rcv := newReceiver(t, http.StatusGone)
	tn := pgtest.NewTenant(t, b.dir)
	ep, _ := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
	b.start(t)

	b.createCustomer(t, tn, "李华")
	b.deliveries(t, tn, ep.ID, settled(ports.DeliveryFailed))
	require.Len(t, rcv.requests(), 1, "410 is not retried")
	e, err := b.hooks.Get(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	require.Equal(t, webhook.Disabled, e.Status)
	require.Equal(t, webhook.ReasonGone, e.DisabledReason)
	require.Equal(t, []string{ep.ID.String()}, b.audit(t, tn, "webhook.disabled"))
	require.NotNil(t, e.LastFailure)
	require.Equal(t, http.StatusGone, e.LastFailure.Status)
	_, failing := b.hooks.Forecast(e)
	require.False(t, failing, "a disabled endpoint has no forecast")

	// A disabled endpoint gets nothing more.
	b.createCustomer(t, tn, "张伟")
	logs, err := b.hooks.Deliveries(context.Background(), tn.ID, ep.ID, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, logs, 1)
}

func TestSustainedFailureDisablesTheEndpointAndAlertsTheAdmins(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(d *webhooks.Deps) {
		d.Schedule = []time.Duration{0, 0, 0, 0, 0, 0}
		d.Disable = webhook.DisablePolicy{Failures: 3, After: time.Nanosecond}
	})
	rcv := newReceiver(t, http.StatusInternalServerError)
	tn := pgtest.NewTenant(t, b.dir)
	ep, _ := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
	b.start(t)

	b.createCustomer(t, tn, "李华")
	logs := b.deliveries(t, tn, ep.ID, settled(ports.DeliveryFailed))
	require.Len(t, logs[0].Log, 3, "the third failure in a row disables it; no fourth attempt")
	e, err := b.hooks.Get(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	require.Equal(t, webhook.Disabled, e.Status)
	require.Equal(t, webhook.ReasonFailing, e.DisabledReason)
	require.Equal(t, []string{ep.ID.String()}, b.audit(t, tn, "webhook.disabled"))
	require.Len(t, rcv.requests(), 3)

	// Resuming re-enables it with a clean record.
	e, err = b.hooks.Resume(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	require.Equal(t, webhook.Active, e.Status)
	require.Zero(t, e.ConsecutiveFailures)
	require.Empty(t, e.DisabledReason)
}

func TestAFailingEndpointShowsItsLastFailureAndWhenItWillBeDisabled(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(d *webhooks.Deps) { d.Schedule = []time.Duration{0, time.Hour} })
	rcv := newReceiver(t, http.StatusInternalServerError, http.StatusBadGateway)
	tn := pgtest.NewTenant(t, b.dir)
	ep, _ := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	silent, _ := b.endpoint(t, tn, gone.URL, customer.Created)
	b.start(t)

	b.createCustomer(t, tn, "李华")
	b.deliveries(t, tn, ep.ID, func(l []ports.WebhookDeliveryLog) bool { return len(l) == 1 && len(l[0].Log) == 2 })
	b.deliveries(t, tn, silent.ID, func(l []ports.WebhookDeliveryLog) bool { return len(l) == 1 && len(l[0].Log) == 2 })

	e, err := b.hooks.Get(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	require.Equal(t, webhook.Active, e.Status, "two failures are far from the default ten over a day")
	require.Equal(t, 2, e.ConsecutiveFailures)
	require.NotNil(t, e.LastFailure)
	require.Equal(t, http.StatusBadGateway, e.LastFailure.Status, "the last of them")
	require.Empty(t, e.LastFailure.Error)
	f, failing := b.hooks.Forecast(e)
	require.True(t, failing)
	require.Equal(t, webhook.Forecast{After: e.FailingSince.Add(24 * time.Hour), Failures: 8}, f)

	s, err := b.hooks.Get(context.Background(), tn.ID, silent.ID)
	require.NoError(t, err)
	require.NotNil(t, s.LastFailure)
	require.Zero(t, s.LastFailure.Status, "no answer came")
	require.NotEmpty(t, s.LastFailure.Error)
	require.LessOrEqual(t, len([]rune(s.LastFailure.Error)), webhook.MaxFailureError)

	// A success clears the failure record and the forecast; the last failure stays, dated.
	rcv.mu.Lock()
	rcv.statuses = []int{http.StatusOK}
	rcv.mu.Unlock()
	logs, err := b.hooks.Deliveries(context.Background(), tn.ID, ep.ID, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, logs, 1)
	require.Equal(t, ports.DeliveryPending, logs[0].Status, "the third attempt waits an hour: make it now")
	require.NoError(t, b.hooks.Deliver(context.Background(), webhooks.DeliverArgs{TenantID: tn.ID.UUID(), DeliveryID: logs[0].ID, Attempt: 3}))
	e, err = b.hooks.Get(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	require.Zero(t, e.ConsecutiveFailures)
	_, failing = b.hooks.Forecast(e)
	require.False(t, failing)
	require.Equal(t, http.StatusBadGateway, e.LastFailure.Status)
}

func TestAPausedEndpointHoldsDeliveriesUntilResumed(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(*webhooks.Deps) {})
	rcv := newReceiver(t, http.StatusNoContent)
	tn := pgtest.NewTenant(t, b.dir)
	ep, secret := b.endpoint(t, tn, rcv.srv.URL, customer.Created, customer.Updated)
	b.start(t)

	_, err := b.hooks.Pause(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	b.createCustomer(t, tn, "李华")
	b.createCustomer(t, tn, "张伟")
	b.deliveries(t, tn, ep.ID, func(l []ports.WebhookDeliveryLog) bool { return len(l) == 2 && settled(ports.DeliveryHeld)(l) })
	require.Empty(t, rcv.requests())

	_, err = b.hooks.Resume(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	b.deliveries(t, tn, ep.ID, settled(ports.DeliverySucceeded))
	got := rcv.requests()
	require.Len(t, got, 2)
	for _, r := range got {
		verify(t, secret, r)
	}
	require.Len(t, b.audit(t, tn, "webhook.pause"), 1)
	require.Len(t, b.audit(t, tn, "webhook.resume"), 1)
}

func TestARolledBackChangeSendsNothing(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(*webhooks.Deps) {})
	rcv := newReceiver(t, http.StatusOK)
	tn := pgtest.NewTenant(t, b.dir)
	ep, _ := b.endpoint(t, tn, rcv.srv.URL, customer.Created)

	boom := errors.New("a later step failed")
	err := b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		if err := b.bus.Publish(ctx, customer.Created, map[string]any{"customer_id": "x"}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	var jobs int
	require.NoError(t, b.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'webhook_deliver'`).Scan(&jobs))
	require.Zero(t, jobs)
	logs, err := b.hooks.Deliveries(context.Background(), tn.ID, ep.ID, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, logs)

	// Publishing outside a tenant transaction is refused, and an unknown type too.
	require.ErrorIs(t, b.bus.Publish(context.Background(), customer.Created, nil), ports.ErrNoTenantTx)
	require.ErrorIs(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return b.bus.Publish(ctx, "customer.exploded", nil)
	}), eventbus.ErrUnknownEventType)
}

func TestATestSendAndAResendReachTheReceiverNow(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(d *webhooks.Deps) { d.Schedule = []time.Duration{} })
	rcv := newReceiver(t, http.StatusInternalServerError, http.StatusOK)
	tn := pgtest.NewTenant(t, b.dir)
	ep, secret := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
	b.start(t)

	res, err := b.hooks.Test(context.Background(), tn.ID, ep.ID, customer.Updated)
	require.NoError(t, err)
	require.Equal(t, http.StatusInternalServerError, res.Attempt.ResponseStatus)
	require.Equal(t, ports.DeliveryFailed, res.Delivery.Status)
	got := rcv.requests()
	require.Len(t, got, 1)
	verify(t, secret, got[0])
	require.Contains(t, string(got[0].body), `"type":"customer.updated"`)
	e, err := b.hooks.Get(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	require.Zero(t, e.ConsecutiveFailures, "a test does not count against the endpoint")

	_, err = b.hooks.Test(context.Background(), tn.ID, ep.ID, "customer.exploded")
	require.ErrorIs(t, err, webhook.ErrUnknownEventType)

	_, err = b.hooks.Retry(context.Background(), tn.ID, res.Delivery.ID)
	require.NoError(t, err)
	logs := b.deliveries(t, tn, ep.ID, settled(ports.DeliverySucceeded))
	require.Len(t, logs[0].Log, 2)
	got = rcv.requests()
	require.Equal(t, got[0].header.Get("webhook-id"), got[1].header.Get("webhook-id"), "a resend keeps the webhook-id")

	_, err = b.hooks.Retry(context.Background(), tn.ID, uuid.New())
	require.ErrorIs(t, err, ports.ErrDeliveryNotFound)
}

func TestAnEndpointURLTheRulesRefuseIsNeverSentTo(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(d *webhooks.Deps) { d.Schedule = []time.Duration{} })
	rcv := newReceiver(t, http.StatusOK)
	tn := pgtest.NewTenant(t, b.dir)
	ep, _ := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
	// A URL saved before the rules refused raw quotes and brackets, which would go out in the
	// request line.
	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		_, err = q.Exec(ctx, `UPDATE webhook_endpoints SET url = $1`, rcv.srv.URL+`/?q=">`)
		return err
	}))

	res, err := b.hooks.Test(context.Background(), tn.ID, ep.ID, customer.Created)
	require.NoError(t, err)
	require.Zero(t, res.Attempt.ResponseStatus)
	require.Contains(t, res.Attempt.Error, "not accepted")
	require.Equal(t, ports.DeliveryFailed, res.Delivery.Status)
	require.Empty(t, rcv.requests(), "nothing was sent")
}

func TestARotatedSecretSignsAlongsideTheNewOneForADay(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(*webhooks.Deps) {})
	rcv := newReceiver(t, http.StatusOK)
	tn := pgtest.NewTenant(t, b.dir)
	ep, old := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
	fresh, err := b.hooks.RotateSecret(context.Background(), tn.ID, ep.ID)
	require.NoError(t, err)
	require.NotEqual(t, old, fresh)
	_, err = b.hooks.Test(context.Background(), tn.ID, ep.ID, customer.Created)
	require.NoError(t, err)
	got := rcv.requests()
	require.Len(t, strings.Fields(got[0].header.Get("webhook-signature")), 2)
	verify(t, fresh, got[0])
	verify(t, old, got[0])
}

func TestWebhookSweepPurgesOldEventsOfEveryTenant(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(*webhooks.Deps) {})
	rcv := newReceiver(t, http.StatusOK)
	var eps []uuid.UUID
	var tns []tenants.Tenant
	for range 2 {
		tn := pgtest.NewTenant(t, b.dir)
		ep, _ := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
		_, err := b.hooks.Test(context.Background(), tn.ID, ep.ID, customer.Created)
		require.NoError(t, err)
		require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			if err != nil {
				return err
			}
			_, err = q.Exec(ctx, `UPDATE webhook_events SET created_at = now() - interval '31 days'`)
			return err
		}))
		eps, tns = append(eps, ep.ID), append(tns, tn)
	}
	n, err := b.hooks.Sweep(context.Background())
	require.NoError(t, err)
	require.Equal(t, 2, n)
	b.start(t)
	for i, tn := range tns {
		b.deliveries(t, tn, eps[i], func(l []ports.WebhookDeliveryLog) bool { return len(l) == 0 })
	}
}

func TestConcurrentFailuresDisableTheEndpointOnceWithoutDeadlocks(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(d *webhooks.Deps) {
		d.Schedule = []time.Duration{0, 0, 0, 0, 0, 0, 0}
		d.Disable = webhook.DisablePolicy{Failures: 5, After: time.Nanosecond}
	})
	rcv := newReceiver(t, http.StatusInternalServerError)
	tn := pgtest.NewTenant(t, b.dir)
	ep, _ := b.endpoint(t, tn, rcv.srv.URL, customer.Created)
	for i := range 8 {
		b.createCustomer(t, tn, "客户"+strconv.Itoa(i))
	}
	b.start(t)

	logs := b.deliveries(t, tn, ep.ID, func(l []ports.WebhookDeliveryLog) bool { return len(l) == 8 && settled(ports.DeliveryFailed)(l) })
	require.Len(t, logs, 8)
	require.Len(t, b.audit(t, tn, "webhook.disabled"), 1, "disabled once, however many attempts were out")
	var errored int
	require.NoError(t, b.db.Pool().QueryRow(context.Background(),
		`SELECT count(*) FROM river_job WHERE kind = 'webhook_deliver' AND cardinality(errors) > 0`).Scan(&errored))
	require.Zero(t, errored, "no job failed (a deadlock would have)")
}

func TestTagsGivenByHandAreAnnouncedOncePerCustomer(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(*webhooks.Deps) {})
	tagger := tags.NewService(tags.Deps{Tx: b.db, Tags: customersdb.Tags{}, Customers: customersdb.Customers{}, Audit: platformdb.AuditLog{},
		Publisher: b.bus})
	rcv := newReceiver(t, http.StatusOK)
	tn := pgtest.NewTenant(t, b.dir)
	ep, _ := b.endpoint(t, tn, rcv.srv.URL+"/hooks", customer.Tagged)
	b.start(t)
	ctx := context.Background()
	alice, bob := b.createCustomer(t, tn, "王小明"), b.createCustomer(t, tn, "李华")

	_, err := tagger.Add(ctx, tn.ID, alice, []string{"VIP", "常客"})
	require.NoError(t, err)
	_, err = tagger.Add(ctx, tn.ID, alice, []string{"VIP"})
	require.NoError(t, err, "a tag alice has is no news")
	_, err = tagger.Apply(ctx, tn.ID, tags.Bulk{Tags: []string{"VIP"}, Customers: []uuid.UUID{alice, bob}})
	require.NoError(t, err)

	b.deliveries(t, tn, ep.ID, func(logs []ports.WebhookDeliveryLog) bool {
		return len(logs) == 2 && settled(ports.DeliverySucceeded)(logs)
	})
	var got []string
	for _, r := range rcv.requests() {
		var body struct {
			Type string          `json:"type"`
			Data tags.TaggedData `json:"data"`
		}
		require.NoError(t, json.Unmarshal(r.body, &body))
		require.Equal(t, customer.Tagged, body.Type)
		got = append(got, body.Data.CustomerID.String()+" "+strings.Join(body.Data.Tags, ","))
	}
	require.ElementsMatch(t, []string{alice.String() + " VIP,常客", bob.String() + " VIP"}, got,
		"one event per customer who got tags, naming only the new ones")
}

func TestACustomerChangeCarriesTheCustomersTagsAndStage(t *testing.T) {
	t.Parallel()
	b := setupHooks(t, func(*webhooks.Deps) {})
	tagger := tags.NewService(tags.Deps{Tx: b.db, Tags: customersdb.Tags{}, Customers: customersdb.Customers{}, Audit: platformdb.AuditLog{}})
	rcv := newReceiver(t, http.StatusOK)
	tn := pgtest.NewTenant(t, b.dir)
	ep, _ := b.endpoint(t, tn, rcv.srv.URL, customer.Created, customer.Updated)
	b.start(t)
	ctx := context.Background()
	alice := b.createCustomer(t, tn, "王小明")
	_, err := tagger.Add(ctx, tn.ID, alice, []string{"VIP", "常客"})
	require.NoError(t, err)
	city := "杭州"
	_, err = b.customers.Update(ctx, tn.ID, alice, customers.Patch{City: &city})
	require.NoError(t, err)

	b.deliveries(t, tn, ep.ID, func(logs []ports.WebhookDeliveryLog) bool {
		return len(logs) == 2 && settled(ports.DeliverySucceeded)(logs)
	})
	got := map[string]customers.ProfileData{}
	for _, r := range rcv.requests() {
		var body struct {
			Type string               `json:"type"`
			Data customers.ChangeData `json:"data"`
		}
		require.NoError(t, json.Unmarshal(r.body, &body))
		got[body.Type] = body.Data.Customer
	}
	require.Equal(t, []string{}, got[customer.Created].Tags, "a new customer has no tags, sent as an empty list")
	require.ElementsMatch(t, []string{"VIP", "常客"}, got[customer.Updated].Tags)
	require.Equal(t, "杭州", got[customer.Updated].City)
	require.NotEmpty(t, got[customer.Updated].LifecycleStage)
}
