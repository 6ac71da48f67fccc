package ratelimit

import "time"

// DefaultMaxKeys bounds a Limiter's buckets when Options.MaxKeys is not set.
const DefaultMaxKeys = 100_000

const (
	// maxShards is how many independently locked parts a large Limiter has.
	maxShards = 16
	// minShardKeys is the fewest keys a shard is given room for: small limiters have fewer
	// shards, so that their bound is not split into uselessly small parts.
	minShardKeys = 64
)

// Options configures a Limiter.
type Options struct {
	// Clock returns the current time; nil means time.Now. Tests pass a fake clock.
	Clock func() time.Time
	// MaxKeys bounds how many buckets are kept, 0 meaning DefaultMaxKeys. Past it, buckets
	// that have refilled to full are dropped first (a fresh bucket would be the same), then
	// the least recently used. Large limiters split the bound between their shards, so
	// eviction can start a little before the total reaches it.
	MaxKeys int
}

// Limiter keeps one token bucket per key. It is safe for concurrent use: keys are spread by
// hash over up to 16 shards, each with its own lock.
type Limiter struct {
	clock  func() time.Time
	epoch  time.Time
	shards []shard
}

// New returns a Limiter with no buckets.
func New(opts Options) *Limiter {
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	maxKeys := opts.MaxKeys
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	n := min(max(maxKeys/minShardKeys, 1), maxShards)
	l := &Limiter{clock: clock, epoch: clock(), shards: make([]shard, n)}
	for i := range l.shards {
		l.shards[i].init(maxKeys / n)
	}
	return l
}

// Allow takes one token from key's bucket at rate r; when none is left it reports how long
// until one is. A key's first call finds its bucket full. When r differs from the key's last
// call (its tenant changed plan), the bucket keeps its tokens up to r's burst and refills at
// r from then on. An unlimited r always allows and keeps no bucket.
//
// Keys are held in memory: use short, bounded ones such as an API key's ID, never a secret.
// ByIP keys by bare IP address, so traffic of another kind needs its own Limiter.
func (l *Limiter) Allow(key string, r Rate) (ok bool, retryAfter time.Duration) {
	ok, retryAfter, _ = l.Take(key, r)
	return ok, retryAfter
}

// Status is what is left of a key's bucket after a request, as RateLimit headers tell it.
type Status struct {
	// Limit is the most requests the key may send at once (the rate's burst).
	Limit int
	// Remaining is how many of them it may send now.
	Remaining int
	// Reset is how long until the bucket is full again.
	Reset time.Duration
}

// Take is Allow that also says what is left of key's bucket; an unlimited r reports none
// (a zero Limit).
func (l *Limiter) Take(key string, r Rate) (ok bool, retryAfter time.Duration, st Status) {
	if r.Unlimited() {
		return true, 0, Status{}
	}
	now := int64(l.clock().Sub(l.epoch))
	s := &l.shards[shardOf(key, len(l.shards))]
	s.mu.Lock()
	ok, wait, left, untilFull := s.take(key, r, now)
	s.mu.Unlock()
	return ok, time.Duration(wait), Status{Limit: max(r.Burst, 1), Remaining: left, Reset: time.Duration(untilFull)}
}

// Len reports how many buckets the limiter holds.
func (l *Limiter) Len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return n
}

// shardOf picks key's shard by its 32-bit FNV-1a hash.
func shardOf(key string, n int) int {
	if n == 1 {
		return 0
	}
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h % uint32(n))
}
