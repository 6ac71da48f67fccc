package platformapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/smtp/mailpittest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// The whole path, on the real workers: a receiver answering 410 disables its endpoint, and
// the brand's owners and admins get an email through the brand's own mail server.
func TestADisabledEndpointIsMailedToTheBrandsAdmins(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{})
	b := apitest.New(t)
	tn, key := b.TenantWithKey(t, access.RoleOwner)
	ctx := context.Background()
	for email, role := range map[string]access.Role{"owner@brand.example": access.RoleOwner, "ops@brand.example": access.RoleAdmin,
		"marketing@brand.example": access.RoleMarketer} {
		_, err := b.App.Access.AddAdmin(ctx, tn.ID, email, "", []access.Role{role})
		require.NoError(t, err)
	}
	require.NoError(t, b.App.Channels.Save(ctx, tn.ID, ports.ChannelSMTP,
		ports.SMTPAccount{Host: mp.SMTPHost(), Port: mp.SMTPPort(), From: "members@brand.example", TLS: "none"}, ""))
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusGone) }))
	defer gone.Close()
	created := b.Do(t, http.MethodPost, "/v1/webhooks", key, map[string]any{"url": gone.URL + "/hooks?token=s3cret",
		"event_types": []string{"customer.created"}})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)

	runCtx, stop := context.WithCancel(ctx)
	require.NoError(t, b.App.River.Start(runCtx))
	t.Cleanup(func() {
		stop()
		<-b.App.River.Stopped()
	})
	require.Equal(t, http.StatusCreated, b.Do(t, http.MethodPost, "/v1/customers", key, map[string]any{"name": "王小明"}).Status)

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

	got := b.Do(t, http.MethodGet, "/v1/webhooks/"+created.Body["id"].(string), key, nil)
	require.Equal(t, "disabled", got.Body["status"])
	require.Equal(t, "gone", got.Body["disabled_reason"])
}

// Merging and erasing publish customer.merged and customer.erased; erasure also deletes the
// log's copies of the customer's profile, the duplicate's included.
func TestMergesAndErasuresArePublishedAndErasureEmptiesTheLog(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, key := b.TenantWithKey(t, access.RoleOwner)
	rcv, url := newHookReceiver(t)
	created := b.Do(t, http.MethodPost, "/v1/webhooks", key, map[string]any{"url": url,
		"event_types": []string{"customer.created", "customer.merged", "customer.erased"}})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	id := created.Body["id"].(string)
	survivor := b.Do(t, http.MethodPost, "/v1/customers", key, map[string]any{"name": "王小明"}).Body["id"].(string)
	duplicate := b.Do(t, http.MethodPost, "/v1/customers", key, map[string]any{"name": "王小明", "email": "ming@example.com"}).Body["id"].(string)

	merged := b.Do(t, http.MethodPost, "/v1/customers/"+survivor+"/merge", key, map[string]any{"duplicate_id": duplicate})
	require.Equal(t, http.StatusOK, merged.Status, "%s", merged.Raw)
	types := func() []string {
		b.React(t)
		var out []string
		for _, item := range b.Do(t, http.MethodGet, "/v1/webhooks/"+id+"/deliveries", key, nil).Body["items"].([]any) {
			out = append(out, item.(map[string]any)["event_type"].(string))
		}
		return out
	}
	require.ElementsMatch(t, []string{"customer.created", "customer.created", "customer.merged"}, types())

	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, b.App.River.Start(ctx))
	t.Cleanup(func() {
		stop()
		<-b.App.River.Stopped()
	})
	erased := b.Do(t, http.MethodPost, "/v1/customers/"+survivor+"/erase", key, nil)
	require.Equal(t, http.StatusAccepted, erased.Status, "%s", erased.Raw)
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
