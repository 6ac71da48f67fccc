package platformapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/application/platform/webhooks"
	"github.com/engagehq/engage/domain/access"
)

// hookReceiver records the requests a partner's endpoint gets and answers 200.
type hookReceiver struct {
	mu   sync.Mutex
	got  []*http.Request
	body [][]byte
}

func newHookReceiver(t *testing.T) (*hookReceiver, string) {
	t.Helper()
	r := &hookReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got, r.body = append(r.got, req), append(r.body, b)
		r.mu.Unlock()
		_, _ = w.Write([]byte("thanks"))
	}))
	t.Cleanup(srv.Close)
	return r, srv.URL
}

func TestWebhooksAreRegisteredTestedPausedRotatedAndDeleted(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	rcv, url := newHookReceiver(t)

	types := b.Do(t, http.MethodGet, "/v1/webhook-event-types", owner, nil)
	require.Equal(t, http.StatusOK, types.Status, "%s", types.Raw)
	require.Contains(t, string(types.Raw), `"customer.created"`)

	created := b.Do(t, http.MethodPost, "/v1/webhooks", owner, map[string]any{"url": url + "/hooks", "description": "CRM",
		"event_types": []string{"customer.updated", "customer.created"}})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	secret := created.Body["secret"].(string)
	require.True(t, strings.HasPrefix(secret, "whsec_"))
	require.Equal(t, "active", created.Body["status"])
	require.Equal(t, []any{"customer.created", "customer.updated"}, created.Body["event_types"])
	id := created.Body["id"].(string)

	got := b.Do(t, http.MethodGet, "/v1/webhooks/"+id, owner, nil)
	require.Equal(t, http.StatusOK, got.Status)
	require.NotContains(t, string(got.Raw), secret, "the secret is shown once")
	list := b.Do(t, http.MethodGet, "/v1/webhooks", owner, nil)
	require.Len(t, list.Body["items"], 1)

	tested := b.Do(t, http.MethodPost, "/v1/webhooks/"+id+"/test", owner, map[string]any{"event_type": "customer.created"})
	require.Equal(t, http.StatusOK, tested.Status, "%s", tested.Raw)
	require.Equal(t, "succeeded", tested.Body["status"])
	require.Equal(t, true, tested.Body["test"])
	attempt := tested.Body["log"].([]any)[0].(map[string]any)
	require.Equal(t, 200.0, attempt["response_status"])
	require.Equal(t, "thanks", attempt["response_body"])

	// The receiver checks the signature as the spec says, with the secret it was shown.
	require.Len(t, rcv.got, 1)
	req, body := rcv.got[0], rcv.body[0]
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	require.NoError(t, err)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(req.Header.Get("webhook-id") + "." + req.Header.Get("webhook-timestamp") + "." + string(body)))
	require.Equal(t, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)), req.Header.Get("webhook-signature"))
	require.Equal(t, tested.Body["webhook_id"], req.Header.Get("webhook-id"))

	logs := b.Do(t, http.MethodGet, "/v1/webhooks/"+id+"/deliveries", owner, nil)
	require.Equal(t, http.StatusOK, logs.Status, "%s", logs.Raw)
	require.Len(t, logs.Body["items"], 1)
	require.Equal(t, string(body), logs.Body["items"].([]any)[0].(map[string]any)["request_body"])

	paused := b.Do(t, http.MethodPost, "/v1/webhooks/"+id+"/pause", owner, nil)
	require.Equal(t, http.StatusOK, paused.Status, "%s", paused.Raw)
	require.Equal(t, "paused", paused.Body["status"])
	resumed := b.Do(t, http.MethodPost, "/v1/webhooks/"+id+"/resume", owner, nil)
	require.Equal(t, "active", resumed.Body["status"])
	again := b.Do(t, http.MethodPost, "/v1/webhooks/"+id+"/resume", owner, nil)
	require.Equal(t, http.StatusConflict, again.Status)
	require.Equal(t, "webhook_active", again.ProblemCode())

	rotated := b.Do(t, http.MethodPost, "/v1/webhooks/"+id+"/rotate-secret", owner, nil)
	require.Equal(t, http.StatusOK, rotated.Status, "%s", rotated.Raw)
	require.NotEqual(t, secret, rotated.Body["secret"])

	changed := b.Do(t, http.MethodPatch, "/v1/webhooks/"+id, owner, map[string]any{"event_types": []string{"customer.merged"}})
	require.Equal(t, http.StatusOK, changed.Status, "%s", changed.Raw)
	require.Equal(t, []any{"customer.merged"}, changed.Body["event_types"])
	require.Equal(t, url+"/hooks", changed.Body["url"], "fields not sent stay")

	retried := b.Do(t, http.MethodPost, "/v1/webhooks/deliveries/"+tested.Body["id"].(string)+"/retry", owner, nil)
	require.Equal(t, http.StatusAccepted, retried.Status, "%s", retried.Raw)
	require.Equal(t, "pending", retried.Body["status"])
	twice := b.Do(t, http.MethodPost, "/v1/webhooks/deliveries/"+tested.Body["id"].(string)+"/retry", owner, nil)
	require.Equal(t, http.StatusConflict, twice.Status)
	require.Equal(t, "delivery_pending", twice.ProblemCode())

	// Every change is audited, without a secret or the URL's path.
	trail := b.Do(t, http.MethodGet, "/v1/audit-log?target_type=webhook", owner, nil)
	require.Len(t, trail.Body["items"], 6, "create, test, pause, resume, rotate, update: %s", trail.Raw)
	require.Len(t, b.Do(t, http.MethodGet, "/v1/audit-log?action=webhook.retry", owner, nil).Body["items"], 1)
	require.NotContains(t, string(trail.Raw), "whsec_")
	require.NotContains(t, string(trail.Raw), "/hooks")

	require.Equal(t, http.StatusNoContent, b.Do(t, http.MethodDelete, "/v1/webhooks/"+id, owner, nil).Status)
	gone := b.Do(t, http.MethodGet, "/v1/webhooks/"+id, owner, nil)
	require.Equal(t, http.StatusNotFound, gone.Status)
	require.Equal(t, "webhook_not_found", gone.ProblemCode())
}

func TestWebhookInputIsRefusedFieldByField(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	_, other := b.TenantWithKey(t, access.RoleOwner)
	_, url := newHookReceiver(t)
	theirs := b.Do(t, http.MethodPost, "/v1/webhooks", other, map[string]any{"url": url, "event_types": []string{"customer.created"}})
	require.Equal(t, http.StatusCreated, theirs.Status)
	theirID := theirs.Body["id"].(string)

	cases := []struct {
		name     string
		body     map[string]any
		code     string
		location string
	}{
		{"not a URL", map[string]any{"url": "crm.example.com", "event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
		{"not http", map[string]any{"url": "ftp://crm.example.com/", "event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
		{"credentials", map[string]any{"url": "https://u:p@crm.example.com/", "event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
		{"unknown type", map[string]any{"url": url, "event_types": []string{"customer.created", "points.minted"}}, "unknown_event_type", "body.event_types[1]"},
		{"no types", map[string]any{"url": url, "event_types": []string{}}, "validation_failed", "body.event_types"},
		{"no URL", map[string]any{"event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
		{"port 0", map[string]any{"url": "https://crm.example.com:0/hooks", "event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
		{"port above 65535", map[string]any{"url": "https://crm.example.com:65536/hooks", "event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
		{"raw space", map[string]any{"url": url + "/a b", "event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
		{"raw quote and bracket", map[string]any{"url": url + `/?q=">`, "event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
		{"angle brackets", map[string]any{"url": url + "/<x>", "event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
		{"control character", map[string]any{"url": url + "/a\x01b", "event_types": []string{"customer.created"}}, "validation_failed", "body.url"},
	}
	for _, c := range cases {
		res := b.Do(t, http.MethodPost, "/v1/webhooks", owner, c.body)
		require.Equalf(t, http.StatusUnprocessableEntity, res.Status, "%s: %s", c.name, res.Raw)
		require.Equalf(t, c.code, res.ProblemCode(), "%s", c.name)
		require.Containsf(t, res.Fields(), c.location, "%s: %s", c.name, res.Raw)
	}
	list := b.Do(t, http.MethodGet, "/v1/webhooks", owner, nil)
	require.Empty(t, list.Body["items"], "bad input creates nothing")
	_ = tn

	created := b.Do(t, http.MethodPost, "/v1/webhooks", owner, map[string]any{"url": url, "event_types": []string{"customer.created"}})
	id := created.Body["id"].(string)
	badTest := b.Do(t, http.MethodPost, "/v1/webhooks/"+id+"/test", owner, map[string]any{"event_type": "nope.never"})
	require.Equal(t, http.StatusUnprocessableEntity, badTest.Status)
	require.Equal(t, []string{"body.event_type"}, badTest.Fields())
	badPatch := b.Do(t, http.MethodPatch, "/v1/webhooks/"+id, owner, map[string]any{"url": "http://"})
	require.Equal(t, []string{"body.url"}, badPatch.Fields())

	// Another brand's endpoint is not found, whatever the operation.
	for _, op := range []struct{ method, path string }{
		{http.MethodGet, "/v1/webhooks/" + theirID}, {http.MethodPatch, "/v1/webhooks/" + theirID},
		{http.MethodDelete, "/v1/webhooks/" + theirID}, {http.MethodPost, "/v1/webhooks/" + theirID + "/pause"},
		{http.MethodPost, "/v1/webhooks/" + theirID + "/rotate-secret"}, {http.MethodGet, "/v1/webhooks/" + theirID + "/deliveries"},
		{http.MethodPost, "/v1/webhooks/" + theirID + "/test"},
	} {
		var body any
		switch {
		case op.method == http.MethodPatch:
			body = map[string]any{"description": "mine now"}
		case strings.HasSuffix(op.path, "/test"):
			body = map[string]any{"event_type": "customer.created"}
		}
		res := b.Do(t, op.method, op.path, owner, body)
		require.Equalf(t, http.StatusNotFound, res.Status, "%s %s: %s", op.method, op.path, res.Raw)
	}
	require.Equal(t, http.StatusNotFound, b.Do(t, http.MethodPost, "/v1/webhooks/deliveries/"+uuid.NewString()+"/retry", owner, nil).Status)
	require.Equal(t, []string{"path.id"}, b.Do(t, http.MethodGet, "/v1/webhooks/not-a-uuid", owner, nil).Fields())
	still := b.Do(t, http.MethodGet, "/v1/webhooks", other, nil)
	require.Len(t, still.Body["items"], 1, "the other brand's endpoint is intact")
}

func TestCreatingACustomerPublishesToSubscribedWebhooks(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	_, url := newHookReceiver(t)
	created := b.Do(t, http.MethodPost, "/v1/webhooks", owner, map[string]any{"url": url, "event_types": []string{"customer.created"}})
	id := created.Body["id"].(string)

	c := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小明", "phone": "13812345678"})
	require.Equal(t, http.StatusCreated, c.Status, "%s", c.Raw)
	bad := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "Dup", "phone": "13812345678"})
	require.Equal(t, http.StatusConflict, bad.Status, "a refused change publishes nothing")
	require.Equal(t, 1, b.React(t), "the webhooks subscriber's one job, for the one change that committed")

	logs := b.Do(t, http.MethodGet, "/v1/webhooks/"+id+"/deliveries", owner, nil)
	items := logs.Body["items"].([]any)
	require.Len(t, items, 1)
	d := items[0].(map[string]any)
	require.Equal(t, "customer.created", d["event_type"])
	require.Contains(t, d["request_body"], c.Body["id"].(string))
	require.Contains(t, d["request_body"], "王小明")
	require.NotContains(t, b.Logs.String(), "王小明", "the profile never reaches the service's logs")
}

func TestAFailingWebhookSaysHowItFailsAndWhenItWillBeDisabled(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	t.Cleanup(srv.Close)
	created := b.Do(t, http.MethodPost, "/v1/webhooks", owner, map[string]any{"url": srv.URL, "event_types": []string{"customer.created"}})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	id := created.Body["id"].(string)
	require.NotContains(t, created.Body, "last_failure", "a new endpoint has not failed")
	require.NotContains(t, created.Body, "disabling")

	c := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小明"})
	require.Equal(t, http.StatusCreated, c.Status, "%s", c.Raw)
	require.Equal(t, 1, b.React(t))
	logs := b.Do(t, http.MethodGet, "/v1/webhooks/"+id+"/deliveries", owner, nil)
	delivery := logs.Body["items"].([]any)[0].(map[string]any)["id"].(string)
	require.NoError(t, b.App.Webhooks.Deliver(t.Context(), webhooks.DeliverArgs{TenantID: tn.ID.UUID(), DeliveryID: uuid.MustParse(delivery), Attempt: 1}))

	list := b.Do(t, http.MethodGet, "/v1/webhooks", owner, nil)
	got := b.Do(t, http.MethodGet, "/v1/webhooks/"+id, owner, nil)
	for _, e := range []map[string]any{list.Body["items"].([]any)[0].(map[string]any), got.Body} {
		require.Equal(t, "active", e["status"])
		require.Equal(t, 1.0, e["consecutive_failures"])
		failure := e["last_failure"].(map[string]any)
		require.Equal(t, 503.0, failure["status"])
		require.NotContains(t, failure, "error", "an answer came")
		since, err := time.Parse(time.RFC3339, e["failing_since"].(string))
		require.NoError(t, err)
		disabling := e["disabling"].(map[string]any)
		require.Equal(t, since.Add(24*time.Hour).Format(time.RFC3339Nano), disabling["after"])
		require.Equal(t, 9.0, disabling["failures"], "the default policy: ten failures in a row")
	}
}
