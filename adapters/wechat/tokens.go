package wechat

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/engagehq/engage/ports"
)

// RefreshMargin is how long before a token expires Tokens asks for the next one. It matches
// WeChat, which in normal mode starts handing out the next token five minutes ahead.
const RefreshMargin = 5 * time.Minute

// ForceInterval is the shortest time WeChat allows between two forced refreshes of one app
// (which are also limited to 20 a day). Tokens answers a forced refresh within it of the
// previous one with the token that one produced instead of asking again.
const ForceInterval = 30 * time.Second

// fetchTimeout bounds one request Tokens makes, which runs apart from any caller's context.
const fetchTimeout = 30 * time.Second

// Tokens is a per-process cache of access tokens in front of another ports.WeChatAccessTokens
// (normally a Client). It keeps each app's token until RefreshMargin before it expires, keyed
// by appid and a SHA-256 of the secret, so a changed secret is never served a token fetched
// with the old one. Concurrent callers for one app share one request. It is safe for
// concurrent use.
type Tokens struct {
	src ports.WeChatAccessTokens
	now func() time.Time

	mu      sync.Mutex
	cache   map[string]cached // by appid: only the token of the latest secret is kept
	flights map[flightKey]*flight
	seq     uint64 // numbers flights, so a slow older answer never replaces a newer one
}

var _ ports.WeChatAccessTokens = (*Tokens)(nil)

// TokensOption configures Tokens.
type TokensOption func(*Tokens)

// WithClock makes Tokens read the time from now instead of time.Now, for tests.
func WithClock(now func() time.Time) TokensOption {
	return func(t *Tokens) { t.now = now }
}

// NewTokens returns a cache in front of src.
func NewTokens(src ports.WeChatAccessTokens, opts ...TokensOption) *Tokens {
	t := &Tokens{src: src, now: time.Now, cache: map[string]cached{}, flights: map[flightKey]*flight{}}
	for _, opt := range opts {
		opt(t)
	}
	return t
}

// cached is an app's token.
type cached struct {
	secret    [sha256.Size]byte // SHA-256 of the secret it was fetched with
	token     string
	expiresAt time.Time
	forcedAt  time.Time // when a forced refresh fetched it; zero for normal mode
	seq       uint64    // the flight that fetched it
}

// StableToken returns appID's token from the cache while more than RefreshMargin of it is left,
// and otherwise asks the source in normal mode. forceRefresh skips the cache and asks the
// source to force a new token (meant for a token WeChat refused with 40001), except within
// ForceInterval of the last forced refresh, whose token it returns. Callers asking for one app
// and secret at once share one request; a caller whose ctx ends stops waiting without
// cancelling the request the others wait for, which gives up after 30 s. Errors are the
// source's, never cached.
func (t *Tokens) StableToken(ctx context.Context, appID, secret string, forceRefresh bool) (string, time.Duration, error) {
	sum := sha256.Sum256([]byte(secret))
	t.mu.Lock()
	now := t.now()
	if c, ok := t.cache[appID]; ok && c.secret == sum && c.fresh(now, forceRefresh) {
		t.mu.Unlock()
		return c.token, c.expiresAt.Sub(now), nil
	}
	f := t.join(ctx, flightKey{appID: appID, secret: sum, force: forceRefresh}, secret)
	t.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		return "", 0, ctx.Err()
	}
	if f.err != nil {
		return "", 0, f.err
	}
	return f.token, f.expiresAt.Sub(t.now()), nil
}

// fresh reports whether c can be served at now: for a normal request while more than
// RefreshMargin is left, for a forced one while c came from a forced refresh less than
// ForceInterval ago and has not expired.
func (c cached) fresh(now time.Time, force bool) bool {
	if force {
		return !c.forcedAt.IsZero() && now.Sub(c.forcedAt) < ForceInterval && now.Before(c.expiresAt)
	}
	return now.Before(c.expiresAt.Add(-RefreshMargin))
}
