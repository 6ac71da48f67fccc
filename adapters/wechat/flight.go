package wechat

import (
	"context"
	"crypto/sha256"
	"time"
)

// flightKey names the request a caller can share: one app, one secret, forced or not.
type flightKey struct {
	appID  string
	secret [sha256.Size]byte
	force  bool
}

// flight is one request to the source that callers wait for. done is closed once the result
// fields are set; they are not written after that.
type flight struct {
	done      chan struct{}
	token     string
	expiresAt time.Time
	err       error
}

// join returns the flight in progress that answers k, or starts one. A forced refresh in
// progress answers normal requests too (its token is the newest); a normal one does not answer
// a forced request. Callers hold t.mu.
func (t *Tokens) join(ctx context.Context, k flightKey, secret string) *flight {
	forced := k
	forced.force = true
	if f, ok := t.flights[forced]; ok {
		return f
	}
	if f, ok := t.flights[k]; ok {
		return f
	}
	t.seq++
	f := &flight{done: make(chan struct{})}
	t.flights[k] = f
	go t.fetch(context.WithoutCancel(ctx), k, secret, f, t.seq)
	return f
}

// fetch asks the source for k, records the answer in f and, unless a newer flight has already
// done so, in the cache, then releases f's waiters. ctx carries the starting caller's values
// but not its cancellation, so one caller giving up does not fail the others.
func (t *Tokens) fetch(ctx context.Context, k flightKey, secret string, f *flight, seq uint64) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	start := t.now()
	token, expiresIn, err := t.src.StableToken(ctx, k.appID, secret, k.force)

	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.flights, k)
	// Counted from before the request, so the cache never outlives WeChat's token.
	f.token, f.expiresAt, f.err = token, start.Add(expiresIn), err
	if err == nil && seq > t.cache[k.appID].seq {
		c := cached{secret: k.secret, token: token, expiresAt: f.expiresAt, seq: seq}
		if k.force {
			c.forcedAt = start
		}
		t.cache[k.appID] = c
	}
	close(f.done)
}
