package httpapi_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
)

// creditCounter is a module with one value-moving test operation that counts how often it
// really ran. Its handler fails with 500 while failNext is set, and blocks while hold is non-nil.
type creditCounter struct {
	runs     atomic.Int64
	failNext atomic.Bool
	mu       sync.Mutex
	hold     chan struct{}
	entered  chan struct{}
}

type creditInput struct {
	Body struct {
		Points int `json:"points" minimum:"1"`
	}
}

type creditOutput struct {
	Body struct {
		Run    int64 `json:"run"`
		Points int   `json:"points"`
	}
}

func (c *creditCounter) RegisterAPI(api huma.API, _ *httpapi.Kit) {
	httpapi.Register(api, httpapi.Tenant(access.PermTenantRead), httpapi.Idempotent(huma.Operation{
		OperationID: "test-credit", Method: http.MethodPost, Path: "/v1/test/credits", DefaultStatus: http.StatusCreated,
	}), func(ctx context.Context, in *creditInput) (*creditOutput, error) {
		c.mu.Lock()
		hold, entered := c.hold, c.entered
		c.mu.Unlock()
		if hold != nil {
			entered <- struct{}{}
			<-hold
		}
		if c.failNext.Swap(false) {
			return nil, huma.Error500InternalServerError("boom")
		}
		out := &creditOutput{}
		out.Body.Run = c.runs.Add(1)
		out.Body.Points = in.Body.Points
		return out, nil
	})
}

func TestIdempotencyKeyReplaysTheFirstResponse(t *testing.T) {
	t.Parallel()
	c := &creditCounter{}
	b := apitest.NewWith(t, apitest.Options{Modules: []httpapi.Module{c}})
	_, token := b.TenantWithKey(t, access.RoleOwner)

	first := b.Do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 10}, "Idempotency-Key", "order-1")
	require.Equal(t, http.StatusCreated, first.Status, "%s", first.Raw)
	again := b.Do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 10}, "Idempotency-Key", "order-1")
	require.Equal(t, http.StatusCreated, again.Status)
	require.JSONEq(t, string(first.Raw), string(again.Raw))
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.EqualValues(t, 1, c.runs.Load(), "the retry did not run the operation again")

	other := b.Do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 99}, "Idempotency-Key", "order-1")
	require.Equal(t, http.StatusUnprocessableEntity, other.Status)
	require.Equal(t, "idempotency_key_reused", other.ProblemCode())
	require.Equal(t, []string{"header.Idempotency-Key"}, other.Fields())
	require.EqualValues(t, 1, c.runs.Load())

	fresh := b.Do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 10}, "Idempotency-Key", "order-2")
	require.Equal(t, http.StatusCreated, fresh.Status)
	without := b.Do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 10})
	require.Equal(t, http.StatusCreated, without.Status)
	require.EqualValues(t, 3, c.runs.Load(), "new keys and no key run the operation")
}

func TestIdempotencyKeyInFlightIsRefusedAndFailuresMayBeRetried(t *testing.T) {
	t.Parallel()
	c := &creditCounter{hold: make(chan struct{}), entered: make(chan struct{}, 1)}
	b := apitest.NewWith(t, apitest.Options{Modules: []httpapi.Module{c}})
	_, token := b.TenantWithKey(t, access.RoleOwner)

	done := make(chan apitest.Response)
	go func() {
		done <- b.Do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 5}, "Idempotency-Key", "slow")
	}()
	<-c.entered
	during := b.Do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 5}, "Idempotency-Key", "slow")
	require.Equal(t, http.StatusConflict, during.Status)
	require.Equal(t, "idempotency_key_in_use", during.ProblemCode())
	c.mu.Lock()
	close(c.hold)
	c.hold = nil
	c.mu.Unlock()
	require.Equal(t, http.StatusCreated, (<-done).Status)

	c.failNext.Store(true)
	failed := b.Do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 7}, "Idempotency-Key", "flaky")
	require.Equal(t, http.StatusInternalServerError, failed.Status)
	require.Equal(t, "internal", failed.ProblemCode())
	retried := b.Do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 7}, "Idempotency-Key", "flaky")
	require.Equal(t, http.StatusCreated, retried.Status, "a server failure releases the key: %s", retried.Raw)
	require.EqualValues(t, 2, c.runs.Load())
}

func TestIdempotencyKeysAreScopedToTheTenant(t *testing.T) {
	t.Parallel()
	c := &creditCounter{}
	b := apitest.NewWith(t, apitest.Options{Modules: []httpapi.Module{c}})
	_, a := b.TenantWithKey(t, access.RoleOwner)
	_, other := b.TenantWithKey(t, access.RoleOwner)

	require.Equal(t, http.StatusCreated, b.Do(t, http.MethodPost, "/v1/test/credits", a, map[string]any{"points": 1}, "Idempotency-Key", "k").Status)
	theirs := b.Do(t, http.MethodPost, "/v1/test/credits", other, map[string]any{"points": 2}, "Idempotency-Key", "k")
	require.Equal(t, http.StatusCreated, theirs.Status, "another tenant's key of the same name is unrelated: %s", theirs.Raw)
	require.Empty(t, theirs.Header.Get("Idempotent-Replayed"))
	require.EqualValues(t, 2, c.runs.Load())
}
