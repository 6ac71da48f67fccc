package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
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
