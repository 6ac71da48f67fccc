package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/smtp/mailpittest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// The whole path, on the real workers: a receiver answering 410 disables its endpoint, and
// the brand's owners and admins get an email through the brand's own mail server.
func TestADisabledEndpointIsMailedToTheBrandsAdmins(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{})
	b := setup(t)
	tn, key := b.tenantWithKey(t, access.RoleOwner)
	ctx := context.Background()
	for email, role := range map[string]access.Role{"owner@brand.example": access.RoleOwner, "ops@brand.example": access.RoleAdmin,
		"marketing@brand.example": access.RoleMarketer} {
		_, err := b.app.Access.AddAdmin(ctx, tn.ID, email, "", []access.Role{role})
		require.NoError(t, err)
	}
	require.NoError(t, b.app.Channels.Save(ctx, tn.ID, ports.ChannelSMTP,
		ports.SMTPAccount{Host: mp.SMTPHost(), Port: mp.SMTPPort(), From: "members@brand.example", TLS: "none"}, ""))
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusGone) }))
	defer gone.Close()
	created := b.do(t, http.MethodPost, "/v1/webhooks", key, map[string]any{"url": gone.URL + "/hooks?token=s3cret",
		"event_types": []string{"customer.created"}})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)

	runCtx, stop := context.WithCancel(ctx)
	require.NoError(t, b.app.River.Start(runCtx))
	t.Cleanup(func() {
		stop()
		<-b.app.River.Stopped()
	})
	require.Equal(t, http.StatusCreated, b.do(t, http.MethodPost, "/v1/customers", key, map[string]any{"name": "王小明"}).status)

	var mails []mailpittest.Summary
	require.Eventually(t, func() bool {
		mails = mp.Messages(t)
		return len(mails) > 0
	}, time.Minute, 50*time.Millisecond)
	require.Len(t, mails, 1)
	var to []string
	for _, a := range mails[0].To {
		to = append(to, a.Address)
	}
	require.ElementsMatch(t, []string{"owner@brand.example", "ops@brand.example"}, to, "owners and admins, not marketers")
	require.Equal(t, "members@brand.example", mails[0].From.Address)
	require.Contains(t, mails[0].Subject, gone.Listener.Addr().String())
	msg := mp.Message(t, mails[0].ID)
	require.Contains(t, msg.Text, "410 Gone")
	require.NotContains(t, msg.Text, "s3cret", "the URL's token stays out of the mail")

	got := b.do(t, http.MethodGet, "/v1/webhooks/"+created.body["id"].(string), key, nil)
	require.Equal(t, "disabled", got.body["status"])
	require.Equal(t, "gone", got.body["disabled_reason"])
}

// Merging and erasing publish customer.merged and customer.erased; erasure also deletes the
// log's copies of the customer's profile, the duplicate's included.
func TestMergesAndErasuresArePublishedAndErasureEmptiesTheLog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, key := b.tenantWithKey(t, access.RoleOwner)
	rcv, url := newHookReceiver(t)
	created := b.do(t, http.MethodPost, "/v1/webhooks", key, map[string]any{"url": url,
		"event_types": []string{"customer.created", "customer.merged", "customer.erased"}})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)
	id := created.body["id"].(string)
	survivor := b.do(t, http.MethodPost, "/v1/customers", key, map[string]any{"name": "王小明"}).body["id"].(string)
	duplicate := b.do(t, http.MethodPost, "/v1/customers", key, map[string]any{"name": "王小明", "email": "ming@example.com"}).body["id"].(string)

	merged := b.do(t, http.MethodPost, "/v1/customers/"+survivor+"/merge", key, map[string]any{"duplicate_id": duplicate})
	require.Equal(t, http.StatusOK, merged.status, "%s", merged.raw)
	types := func() []string {
		b.react(t)
		var out []string
		for _, item := range b.do(t, http.MethodGet, "/v1/webhooks/"+id+"/deliveries", key, nil).body["items"].([]any) {
			out = append(out, item.(map[string]any)["event_type"].(string))
		}
		return out
	}
	require.ElementsMatch(t, []string{"customer.created", "customer.created", "customer.merged"}, types())

	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, b.app.River.Start(ctx))
	t.Cleanup(func() {
		stop()
		<-b.app.River.Stopped()
	})
	erased := b.do(t, http.MethodPost, "/v1/customers/"+survivor+"/erase", key, nil)
	require.Equal(t, http.StatusAccepted, erased.status, "%s", erased.raw)
	require.Eventually(t, func() bool { return slices.Contains(types(), "customer.erased") }, time.Minute, 50*time.Millisecond)
	require.ElementsMatch(t, []string{"customer.merged", "customer.erased"}, types(),
		"the profiles sent before are gone from the log; the merge and the erasure carry IDs only")
	require.Eventually(t, func() bool {
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		for _, body := range rcv.body {
			if strings.Contains(string(body), `"type":"customer.erased"`) {
				return strings.Contains(string(body), survivor)
			}
		}
		return false
	}, time.Minute, 50*time.Millisecond)
}
