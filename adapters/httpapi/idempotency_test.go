package httpapi

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

// creditCounter registers a value-moving test operation that counts how often it really ran.
// Its handler fails with 500 while failNext is set, and blocks while hold is non-nil.
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

func (c *creditCounter) register(s *Server) {
	huma.Register(s.api, idempotentOperation(tenantOperation(huma.Operation{
		OperationID: "test-credit", Method: http.MethodPost, Path: "/v1/test/credits", DefaultStatus: http.StatusCreated,
	}, access.PermTenantRead)), func(ctx context.Context, in *creditInput) (*creditOutput, error) {
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
	b := setup(t)
	c := &creditCounter{}
	c.register(b.srv)
	_, token := b.tenantWithKey(t, access.RoleOwner)

	first := b.do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 10}, "Idempotency-Key", "order-1")
	require.Equal(t, http.StatusCreated, first.status, "%s", first.raw)
	again := b.do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 10}, "Idempotency-Key", "order-1")
	require.Equal(t, http.StatusCreated, again.status)
	require.JSONEq(t, string(first.raw), string(again.raw))
	require.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	require.EqualValues(t, 1, c.runs.Load(), "the retry did not run the operation again")

	other := b.do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 99}, "Idempotency-Key", "order-1")
	require.Equal(t, http.StatusUnprocessableEntity, other.status)
	require.Equal(t, "idempotency_key_reused", other.problemCode())
	require.Equal(t, []string{"header.Idempotency-Key"}, other.fields())
	require.EqualValues(t, 1, c.runs.Load())

	fresh := b.do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 10}, "Idempotency-Key", "order-2")
	require.Equal(t, http.StatusCreated, fresh.status)
	without := b.do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 10})
	require.Equal(t, http.StatusCreated, without.status)
	require.EqualValues(t, 3, c.runs.Load(), "new keys and no key run the operation")
}

func TestIdempotencyKeyInFlightIsRefusedAndFailuresMayBeRetried(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := &creditCounter{hold: make(chan struct{}), entered: make(chan struct{}, 1)}
	c.register(b.srv)
	_, token := b.tenantWithKey(t, access.RoleOwner)

	done := make(chan response)
	go func() {
		done <- b.do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 5}, "Idempotency-Key", "slow")
	}()
	<-c.entered
	during := b.do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 5}, "Idempotency-Key", "slow")
	require.Equal(t, http.StatusConflict, during.status)
	require.Equal(t, "idempotency_key_in_use", during.problemCode())
	c.mu.Lock()
	close(c.hold)
	c.hold = nil
	c.mu.Unlock()
	require.Equal(t, http.StatusCreated, (<-done).status)

	c.failNext.Store(true)
	failed := b.do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 7}, "Idempotency-Key", "flaky")
	require.Equal(t, http.StatusInternalServerError, failed.status)
	require.Equal(t, "internal", failed.problemCode())
	retried := b.do(t, http.MethodPost, "/v1/test/credits", token, map[string]any{"points": 7}, "Idempotency-Key", "flaky")
	require.Equal(t, http.StatusCreated, retried.status, "a server failure releases the key: %s", retried.raw)
	require.EqualValues(t, 2, c.runs.Load())
}

func TestIdempotencyKeysAreScopedToTheTenant(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := &creditCounter{}
	c.register(b.srv)
	_, a := b.tenantWithKey(t, access.RoleOwner)
	_, other := b.tenantWithKey(t, access.RoleOwner)

	require.Equal(t, http.StatusCreated, b.do(t, http.MethodPost, "/v1/test/credits", a, map[string]any{"points": 1}, "Idempotency-Key", "k").status)
	theirs := b.do(t, http.MethodPost, "/v1/test/credits", other, map[string]any{"points": 2}, "Idempotency-Key", "k")
	require.Equal(t, http.StatusCreated, theirs.status, "another tenant's key of the same name is unrelated: %s", theirs.raw)
	require.Empty(t, theirs.header.Get("Idempotent-Replayed"))
	require.EqualValues(t, 2, c.runs.Load())
}
