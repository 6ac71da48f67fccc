package webhook_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/platform/webhook"
)

// The catalogue's tests use event types of their own, as a module would register them.
func init() {
	webhook.Register(
		webhook.EventType{Name: "parcel.sent", Description: "A parcel left.", Sample: map[string]any{"parcel_id": "p1"}},
		webhook.EventType{Name: "parcel.lost", Description: "A parcel was lost.", Sample: map[string]any{"parcel_id": "p1"}},
	)
}

// The example of the Standard Webhooks specification's reference libraries.
func TestSignatureMatchesTheStandardWebhooksExample(t *testing.T) {
	t.Parallel()
	s := webhook.Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	sig, err := s.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	require.NoError(t, err)
	require.Equal(t, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", sig)

	h, err := webhook.Headers("msg_1", time.Unix(1614265330, 0), []byte(`{}`), s, webhook.NewSecret())
	require.NoError(t, err)
	require.Equal(t, "1614265330", h[webhook.HeaderTimestamp])
	require.Regexp(t, `^v1,\S+ v1,\S+$`, h[webhook.HeaderSignature], "two secrets, two signatures")

	_, err = webhook.Secret("not-a-secret").Sign("m", time.Now(), nil)
	require.ErrorIs(t, err, webhook.ErrSecret)
}

func TestNewSecretsAreRandomAndWellFormed(t *testing.T) {
	t.Parallel()
	a, b := webhook.NewSecret(), webhook.NewSecret()
	require.NotEqual(t, a, b)
	require.Regexp(t, `^whsec_[A-Za-z0-9+/]{43}=$`, string(a))
}

func TestEndpointURLsFollowThePolicy(t *testing.T) {
	t.Parallel()
	prod, dev := webhook.ProductionPolicy, webhook.URLPolicy{AllowHTTP: true, AllowPrivate: true}
	cases := []struct {
		url       string
		prod, dev error
	}{
		{"https://crm.example.com/hooks?x=1#frag", nil, nil},
		{"http://crm.example.com/hooks", webhook.ErrURLScheme, nil},
		{"ftp://crm.example.com/", webhook.ErrURLScheme, webhook.ErrURLScheme},
		{"https://user:pw@crm.example.com/", webhook.ErrURLCredentials, webhook.ErrURLCredentials},
		{"https://127.0.0.1:8080/", webhook.ErrURLHost, nil},
		{"https://10.1.2.3/", webhook.ErrURLHost, nil},
		{"https://169.254.169.254/latest/meta-data", webhook.ErrURLHost, nil},
		{"https://[::1]/", webhook.ErrURLHost, nil},
		{"https://localhost/", webhook.ErrURLHost, nil},
		{"https://intranet/", webhook.ErrURLHost, nil},
		{"https://100.64.0.1/", webhook.ErrURLHost, nil},
		{"https://[64:ff9b::7f00:1]/", webhook.ErrURLHost, nil},
		{"https://[::127.0.0.1]/", webhook.ErrURLHost, nil},
		{"https://[::ffff:169.254.169.254]/", webhook.ErrURLHost, nil},
		{"https://crm.example.com:0/", webhook.ErrURLPort, webhook.ErrURLPort},
		{"https://crm.example.com:65536/", webhook.ErrURLPort, webhook.ErrURLPort},
		{"https://crm.example.com:99999999999999999999/", webhook.ErrURLPort, webhook.ErrURLPort},
		{"https://crm.example.com:65535/", nil, nil},
		{"https://crm.example.com/a b", webhook.ErrURLCharacters, webhook.ErrURLCharacters},
		{`https://crm.example.com/?q=">`, webhook.ErrURLCharacters, webhook.ErrURLCharacters},
		{`https://crm.example.com/?q='x'`, webhook.ErrURLCharacters, webhook.ErrURLCharacters},
		{"https://crm.example.com/<script>", webhook.ErrURLCharacters, webhook.ErrURLCharacters},
		{"https://crm.example.com/\\evil", webhook.ErrURLCharacters, webhook.ErrURLCharacters},
		{"https://crm.example.com/\x00", webhook.ErrURLCharacters, webhook.ErrURLCharacters},
		{"https://crm.example.com/a\tb", webhook.ErrURLCharacters, webhook.ErrURLCharacters},
		{"https://crm.example.com/a\u0085b", webhook.ErrURLCharacters, webhook.ErrURLCharacters},
		{"https://crm.example.com/a%20b?q=%22%3E", nil, nil},
		{"https://商店.example.com/钩子", nil, nil},
		{"/relative", webhook.ErrURLForm, webhook.ErrURLForm},
		{"https://", webhook.ErrURLForm, webhook.ErrURLForm},
	}
	for _, c := range cases {
		_, err := prod.CheckURL(c.url)
		require.ErrorIsf(t, err, c.prod, "production %s", c.url)
		if c.prod == nil {
			require.NoErrorf(t, err, "production %s", c.url)
		}
		_, err = dev.CheckURL(c.url)
		if c.dev == nil {
			require.NoErrorf(t, err, "development %s", c.url)
		} else {
			require.ErrorIsf(t, err, c.dev, "development %s", c.url)
		}
	}
	u, err := prod.CheckURL(" HTTPS://crm.example.com/hooks#x ")
	require.NoError(t, err)
	require.Equal(t, "https://crm.example.com/hooks", u)
}

func TestDraftsNameEveryFieldAtFault(t *testing.T) {
	t.Parallel()
	_, err := webhook.Draft{URL: "http://x", EventTypes: []string{"parcel.sent", "parcel.exploded"}}.Check(webhook.ProductionPolicy)
	var fields []string
	for _, fe := range fielderr.All(err) {
		fields = append(fields, fe.Field)
	}
	require.ElementsMatch(t, []string{"url", "event_types[1]"}, fields)
	require.ErrorIs(t, err, webhook.ErrUnknownEventType)

	_, err = webhook.Draft{URL: "https://crm.example.com"}.Check(webhook.ProductionPolicy)
	require.ErrorIs(t, err, webhook.ErrNoEventTypes)

	d, err := webhook.Draft{URL: "https://crm.example.com", EventTypes: []string{"parcel.sent", "parcel.lost", "parcel.sent"}}.Check(webhook.ProductionPolicy)
	require.NoError(t, err)
	require.Equal(t, []string{"parcel.lost", "parcel.sent"}, d.EventTypes)
}

func TestTheCatalogueHasTheRegisteredEventsAndRefusesDuplicates(t *testing.T) {
	t.Parallel()
	var names []string
	for _, et := range webhook.Types() {
		names = append(names, et.Name)
		require.NotEmpty(t, et.Sample, et.Name)
	}
	require.Subset(t, names, []string{"parcel.lost", "parcel.sent"})
	require.Panics(t, func() { webhook.Register(webhook.EventType{Name: "parcel.sent"}) })
	require.Panics(t, func() { webhook.Register(webhook.EventType{Name: "Bad Name"}) })
}

func TestDisablePolicyNeedsBothCountAndTime(t *testing.T) {
	t.Parallel()
	p := webhook.DefaultDisablePolicy
	now := time.Now()
	require.False(t, p.Disables(9, now.Add(-48*time.Hour), now), "too few failures")
	require.False(t, p.Disables(50, now.Add(-23*time.Hour), now), "not for long enough")
	require.True(t, p.Disables(10, now.Add(-24*time.Hour), now))
	require.False(t, p.Disables(10, time.Time{}, now))

	require.Equal(t, webhook.Delivered, webhook.Judge(204))
	require.Equal(t, webhook.Gone, webhook.Judge(410))
	for _, s := range []int{0, 301, 400, 404, 429, 500} {
		require.Equal(t, webhook.Retry, webhook.Judge(s), s)
	}
	var total time.Duration
	for _, d := range webhook.Schedule {
		total += d
	}
	require.Len(t, webhook.Schedule, 7, "eight attempts in all")
	require.InDelta(t, 28, total.Hours(), 1, "over about a day")
}
