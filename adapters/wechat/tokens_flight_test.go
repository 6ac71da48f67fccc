package wechat_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/wechat"
)

// heldSource is a ports.WeChatAccessTokens whose requests wait until the test answers them.
type heldSource struct {
	mu    sync.Mutex
	calls []heldCall
}

// heldCall is one request to a heldSource.
type heldCall struct {
	force  bool
	answer chan string
}

// StableToken records the request and waits for the test's answer or ctx's end.
func (s *heldSource) StableToken(ctx context.Context, _, _ string, force bool) (string, time.Duration, error) {
	c := heldCall{force: force, answer: make(chan string)}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	select {
	case token := <-c.answer:
		return token, 7200 * time.Second, nil
	case <-ctx.Done():
		return "", 0, ctx.Err()
	}
}

// held returns the requests made so far.
func (s *heldSource) held() []heldCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]heldCall(nil), s.calls...)
}

// result is what one StableToken call returned.
type result struct {
	token string
	err   error
}

// ask calls tokens.StableToken in a goroutine and returns where its result arrives.
func ask(ctx context.Context, tokens *wechat.Tokens, force bool) <-chan result {
	ch := make(chan result, 1)
	go func() {
		token, _, err := tokens.StableToken(ctx, "wx1", "s3cret", force)
		ch <- result{token, err}
	}()
	return ch
}

func TestTokensConcurrentCallersShareOneRequest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := &heldSource{}
		tokens := wechat.NewTokens(src)
		const n = 20
		results := make([]<-chan result, n)
		for i := range n {
			results[i] = ask(t.Context(), tokens, false)
		}
		synctest.Wait()
		require.Len(t, src.held(), 1, "every caller waits on the one request")

		src.held()[0].answer <- "tok-1"
		for _, ch := range results {
			r := <-ch
			require.NoError(t, r.err)
			require.Equal(t, "tok-1", r.token)
		}
		require.Equal(t, "tok-1", (<-ask(t.Context(), tokens, false)).token)
		require.Len(t, src.held(), 1)
	})
}

func TestTokensNormalCallersJoinAForcedRefresh(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := &heldSource{}
		tokens := wechat.NewTokens(src)
		forced := ask(t.Context(), tokens, true)
		synctest.Wait()
		normal := ask(t.Context(), tokens, false)
		alsoForced := ask(t.Context(), tokens, true)
		synctest.Wait()
		require.Len(t, src.held(), 1)
		require.True(t, src.held()[0].force)

		src.held()[0].answer <- "tok-forced"
		for _, ch := range []<-chan result{forced, normal, alsoForced} {
			require.Equal(t, "tok-forced", (<-ch).token)
		}
	})
}

func TestTokensKeepTheNewerTokenWhenAnOlderRequestAnswersLast(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := &heldSource{}
		tokens := wechat.NewTokens(src)
		normal := ask(t.Context(), tokens, false)
		synctest.Wait()
		forced := ask(t.Context(), tokens, true)
		synctest.Wait()
		calls := src.held()
		require.Len(t, calls, 2, "a forced refresh does not wait on a normal request")

		calls[1].answer <- "tok-new"
		require.Equal(t, "tok-new", (<-forced).token)
		calls[0].answer <- "tok-old"
		require.Equal(t, "tok-old", (<-normal).token)

		require.Equal(t, "tok-new", (<-ask(t.Context(), tokens, false)).token)
		require.Len(t, src.held(), 2)
	})
}

func TestTokensCallerGivingUpDoesNotFailTheOthers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := &heldSource{}
		tokens := wechat.NewTokens(src)
		ctx, cancel := context.WithCancel(t.Context())
		leaver := ask(ctx, tokens, false)
		synctest.Wait()
		stayer := ask(t.Context(), tokens, false)
		synctest.Wait()

		cancel()
		r := <-leaver
		require.ErrorIs(t, r.err, context.Canceled)
		require.Empty(t, r.token)

		src.held()[0].answer <- "tok-1"
		r = <-stayer
		require.NoError(t, r.err)
		require.Equal(t, "tok-1", r.token)
		require.Len(t, src.held(), 1)
	})
}

func TestTokensGiveUpOnAHungRequest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		src := &heldSource{}
		tokens := wechat.NewTokens(src)
		start := time.Now()
		r := <-ask(t.Context(), tokens, false)
		require.ErrorIs(t, r.err, context.DeadlineExceeded)
		require.Equal(t, 30*time.Second, time.Since(start))
	})
}
