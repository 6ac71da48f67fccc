package webhooks_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/adapters/webhookhttp"
	"github.com/engagehq/engage/application/platform/webhooks"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// noJobs refuses to enqueue: these tests send only synchronous test events.
type noJobs struct{}

func (noJobs) Enqueue(context.Context, ports.JobArgs, ports.JobOptions) error {
	panic("no job expected")
}

func keySpec(t *testing.T, id string) string {
	t.Helper()
	k := make([]byte, secretbox.KeySize)
	_, err := rand.Read(k)
	require.NoError(t, err)
	return id + ":" + base64.StdEncoding.EncodeToString(k)
}

func TestResealingMovesSigningSecretsToTheCurrentKey(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	var mu sync.Mutex
	var signatures []string
	rcv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		mu.Lock()
		signatures = append(signatures, r.Header.Get("webhook-signature"))
		mu.Unlock()
	}))
	defer rcv.Close()
	service := func(spec string) *webhooks.Service {
		k, err := secretbox.ParseKeyring(spec)
		require.NoError(t, err)
		return webhooks.NewService(webhooks.Deps{Tx: db, Repo: platformdb.Webhooks{}, Cipher: k, Jobs: noJobs{}, Audit: platformdb.AuditLog{},
			Sender: webhookhttp.New(webhookhttp.Options{AllowPrivate: true}), Tenants: dir, Clock: ports.SystemClock{},
			Policy: webhook.URLPolicy{AllowHTTP: true, AllowPrivate: true}})
	}
	oldKey, newKey := keySpec(t, "old"), keySpec(t, "new")
	ctx := context.Background()
	tn := pgtest.NewTenant(t, dir)
	before := service(oldKey)
	e, first, err := before.Create(ctx, tn.ID, webhook.Draft{URL: rcv.URL, EventTypes: []string{customer.Created}})
	require.NoError(t, err)
	second, err := before.RotateSecret(ctx, tn.ID, e.ID)
	require.NoError(t, err)

	during := service(newKey + "," + oldKey)
	n, err := during.ResealAll(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = during.ResealAll(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is left under the old key")

	// The old key can go: both secrets still sign.
	after := service(newKey)
	res, err := after.Test(ctx, tn.ID, e.ID, customer.Created)
	require.NoError(t, err)
	require.Equal(t, ports.DeliverySucceeded, res.Delivery.Status)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, signatures, 1)
	for _, s := range []webhook.Secret{second, first} {
		sig, err := s.Sign(res.Event.ID, res.Attempt.CreatedAt, res.Event.Body)
		require.NoError(t, err)
		require.Contains(t, strings.Fields(signatures[0]), sig)
	}
}
