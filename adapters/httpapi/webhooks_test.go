package httpapi

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

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

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
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	rcv, url := newHookReceiver(t)

	types := b.do(t, http.MethodGet, "/v1/webhook-event-types", owner, nil)
	require.Equal(t, http.StatusOK, types.status, "%s", types.raw)
	require.Contains(t, string(types.raw), `"customer.created"`)

	created := b.do(t, http.MethodPost, "/v1/webhooks", owner, map[string]any{"url": url + "/hooks", "description": "CRM",
		"event_types": []string{"customer.updated", "customer.created"}})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)
	secret := created.body["secret"].(string)
	require.True(t, strings.HasPrefix(secret, "whsec_"))
	require.Equal(t, "active", created.body["status"])
	require.Equal(t, []any{"customer.created", "customer.updated"}, created.body["event_types"])
	id := created.body["id"].(string)

	got := b.do(t, http.MethodGet, "/v1/webhooks/"+id, owner, nil)
	require.Equal(t, http.StatusOK, got.status)
	require.NotContains(t, string(got.raw), secret, "the secret is shown once")
	list := b.do(t, http.MethodGet, "/v1/webhooks", owner, nil)
	require.Len(t, list.body["items"], 1)

	tested := b.do(t, http.MethodPost, "/v1/webhooks/"+id+"/test", owner, map[string]any{"event_type": "customer.created"})
	require.Equal(t, http.StatusOK, tested.status, "%s", tested.raw)
	require.Equal(t, "succeeded", tested.body["status"])
	require.Equal(t, true, tested.body["test"])
	attempt := tested.body["log"].([]any)[0].(map[string]any)
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
	require.Equal(t, tested.body["webhook_id"], req.Header.Get("webhook-id"))

	logs := b.do(t, http.MethodGet, "/v1/webhooks/"+id+"/deliveries", owner, nil)
	require.Equal(t, http.StatusOK, logs.status, "%s", logs.raw)
	require.Len(t, logs.body["items"], 1)
	require.Equal(t, string(body), logs.body["items"].([]any)[0].(map[string]any)["request_body"])

	paused := b.do(t, http.MethodPost, "/v1/webhooks/"+id+"/pause", owner, nil)
	require.Equal(t, http.StatusOK, paused.status, "%s", paused.raw)
	require.Equal(t, "paused", paused.body["status"])
	resumed := b.do(t, http.MethodPost, "/v1/webhooks/"+id+"/resume", owner, nil)
	require.Equal(t, "active", resumed.body["status"])
	again := b.do(t, http.MethodPost, "/v1/webhooks/"+id+"/resume", owner, nil)
	require.Equal(t, http.StatusConflict, again.status)
	require.Equal(t, "webhook_active", again.problemCode())

	rotated := b.do(t, http.MethodPost, "/v1/webhooks/"+id+"/rotate-secret", owner, nil)
	require.Equal(t, http.StatusOK, rotated.status, "%s", rotated.raw)
	require.NotEqual(t, secret, rotated.body["secret"])

	changed := b.do(t, http.MethodPatch, "/v1/webhooks/"+id, owner, map[string]any{"event_types": []string{"customer.merged"}})
	require.Equal(t, http.StatusOK, changed.status, "%s", changed.raw)
	require.Equal(t, []any{"customer.merged"}, changed.body["event_types"])
	require.Equal(t, url+"/hooks", changed.body["url"], "fields not sent stay")

	retried := b.do(t, http.MethodPost, "/v1/webhooks/deliveries/"+tested.body["id"].(string)+"/retry", owner, nil)
	require.Equal(t, http.StatusAccepted, retried.status, "%s", retried.raw)
	require.Equal(t, "pending", retried.body["status"])
	twice := b.do(t, http.MethodPost, "/v1/webhooks/deliveries/"+tested.body["id"].(string)+"/retry", owner, nil)
	require.Equal(t, http.StatusConflict, twice.status)
	require.Equal(t, "delivery_pending", twice.problemCode())

	// Every change is audited, without a secret or the URL's path.
	trail := b.do(t, http.MethodGet, "/v1/audit-log?target_type=webhook", owner, nil)
	require.Len(t, trail.body["items"], 6, "create, test, pause, resume, rotate, update: %s", trail.raw)
	require.Len(t, b.do(t, http.MethodGet, "/v1/audit-log?action=webhook.retry", owner, nil).body["items"], 1)
	require.NotContains(t, string(trail.raw), "whsec_")
	require.NotContains(t, string(trail.raw), "/hooks")

	require.Equal(t, http.StatusNoContent, b.do(t, http.MethodDelete, "/v1/webhooks/"+id, owner, nil).status)
	gone := b.do(t, http.MethodGet, "/v1/webhooks/"+id, owner, nil)
	require.Equal(t, http.StatusNotFound, gone.status)
	require.Equal(t, "webhook_not_found", gone.problemCode())
}

func TestWebhookInputIsRefusedFieldByField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, owner := b.tenantWithKey(t, access.RoleOwner)
	_, other := b.tenantWithKey(t, access.RoleOwner)
	_, url := newHookReceiver(t)
	theirs := b.do(t, http.MethodPost, "/v1/webhooks", other, map[string]any{"url": url, "event_types": []string{"customer.created"}})
	require.Equal(t, http.StatusCreated, theirs.status)
	theirID := theirs.body["id"].(string)

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
	}
	for _, c := range cases {
		res := b.do(t, http.MethodPost, "/v1/webhooks", owner, c.body)
		require.Equalf(t, http.StatusUnprocessableEntity, res.status, "%s: %s", c.name, res.raw)
		require.Equalf(t, c.code, res.problemCode(), "%s", c.name)
		require.Containsf(t, res.fields(), c.location, "%s: %s", c.name, res.raw)
	}
	list := b.do(t, http.MethodGet, "/v1/webhooks", owner, nil)
	require.Empty(t, list.body["items"], "bad input creates nothing")
	_ = tn

	created := b.do(t, http.MethodPost, "/v1/webhooks", owner, map[string]any{"url": url, "event_types": []string{"customer.created"}})
	id := created.body["id"].(string)
	badTest := b.do(t, http.MethodPost, "/v1/webhooks/"+id+"/test", owner, map[string]any{"event_type": "nope.never"})
	require.Equal(t, http.StatusUnprocessableEntity, badTest.status)
	require.Equal(t, []string{"body.event_type"}, badTest.fields())
	badPatch := b.do(t, http.MethodPatch, "/v1/webhooks/"+id, owner, map[string]any{"url": "http://"})
	require.Equal(t, []string{"body.url"}, badPatch.fields())

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
		res := b.do(t, op.method, op.path, owner, body)
		require.Equalf(t, http.StatusNotFound, res.status, "%s %s: %s", op.method, op.path, res.raw)
	}
	require.Equal(t, http.StatusNotFound, b.do(t, http.MethodPost, "/v1/webhooks/deliveries/"+uuid.NewString()+"/retry", owner, nil).status)
	require.Equal(t, []string{"path.id"}, b.do(t, http.MethodGet, "/v1/webhooks/not-a-uuid", owner, nil).fields())
	still := b.do(t, http.MethodGet, "/v1/webhooks", other, nil)
	require.Len(t, still.body["items"], 1, "the other brand's endpoint is intact")
}

func TestCreatingACustomerPublishesToSubscribedWebhooks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	_, url := newHookReceiver(t)
	created := b.do(t, http.MethodPost, "/v1/webhooks", owner, map[string]any{"url": url, "event_types": []string{"customer.created"}})
	id := created.body["id"].(string)

	c := b.do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小明", "phone": "13812345678"})
	require.Equal(t, http.StatusCreated, c.status, "%s", c.raw)
	bad := b.do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "Dup", "phone": "13812345678"})
	require.Equal(t, http.StatusConflict, bad.status, "a refused change publishes nothing")
	require.Equal(t, 1, b.react(t), "the webhooks subscriber's one job, for the one change that committed")

	logs := b.do(t, http.MethodGet, "/v1/webhooks/"+id+"/deliveries", owner, nil)
	items := logs.body["items"].([]any)
	require.Len(t, items, 1)
	d := items[0].(map[string]any)
	require.Equal(t, "customer.created", d["event_type"])
	require.Contains(t, d["request_body"], c.body["id"].(string))
	require.Contains(t, d["request_body"], "王小明")
	require.NotContains(t, b.logs.String(), "王小明", "the profile never reaches the service's logs")
}
