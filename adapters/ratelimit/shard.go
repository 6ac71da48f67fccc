package ratelimit

import "sync"

// bucket is one key's token bucket, kept as the instant it will be full again: at time now
// it holds Burst - (full-now)/step tokens, or Burst once full <= now. Taking a token moves
// full one step later; a token is there when that leaves full at most span past now. The
// state is one integer, so refill and retry times are exact to the nanosecond.
type bucket struct {
	key        string
	full       int64 // nanoseconds since the limiter's epoch
	rate       Rate
	step, span int64   // rate.cost()
	prev, next *bucket // recency list, most recently used first
}

// shard is one lock's worth of buckets with their recency list.
type shard struct {
	mu         sync.Mutex
	buckets    map[string]*bucket
	head, tail *bucket // most and least recently used
	limit      int
	_          [64]byte // keeps neighbouring shards' locks off one cache line
}

func (s *shard) init(limit int) {
	s.buckets = map[string]*bucket{}
	s.limit = max(limit, 1)
}

// take takes a token from key's bucket at rate r at time now, or says how many nanoseconds
// until one is there; it also returns the bucket's tokens left and nanoseconds until full.
func (s *shard) take(key string, r Rate, now int64) (ok bool, wait int64, left int, untilFull int64) {
	b := s.buckets[key]
	switch {
	case b == nil:
		b = s.add(key, r, now)
	case b.rate != r:
		b.rerate(r, now)
		s.touch(b)
	default:
		s.touch(b)
	}
	next := max(b.full, now) + b.step
	if wait := next - now - b.span; wait > 0 {
		return false, wait, 0, max(b.full-now, 0)
	}
	b.full = next
	return true, 0, int((b.span - (b.full - now)) / b.step), b.full - now
}

// rerate moves b to rate r keeping its tokens, at most r's burst.
func (b *bucket) rerate(r Rate, now int64) {
	tokens := float64(b.span) / float64(b.step)
	if b.full > now {
		tokens -= float64(b.full-now) / float64(b.step)
	}
	step, span := r.cost()
	missing := max(float64(span)/float64(step)-tokens, 0)
	b.full = now + min(int64(missing*float64(step)), span)
	b.rate, b.step, b.span = r, step, span
}

// add makes a full bucket for key, evicting others first when the shard is at its limit.
func (s *shard) add(key string, r Rate, now int64) *bucket {
	if len(s.buckets) >= s.limit {
		s.evict(now)
	}
	step, span := r.cost()
	b := &bucket{key: key, full: now, rate: r, step: step, span: span}
	s.buckets[key] = b
	s.pushFront(b)
	return b
}

// evict drops every bucket that has refilled to full, and when that frees less than an
// eighth of the shard, the least recently used buckets too: each sweep of the whole shard
// then pays for many cheap insertions, even when no bucket is ever full.
func (s *shard) evict(now int64) {
	for b := s.tail; b != nil; {
		prev := b.prev
		if b.full <= now {
			s.remove(b)
		}
		b = prev
	}
	keep := s.limit - max(s.limit/8, 1)
	for len(s.buckets) > keep {
		s.remove(s.tail)
	}
}

func (s *shard) remove(b *bucket) {
	s.unlink(b)
	delete(s.buckets, b.key)
}

func (s *shard) touch(b *bucket) {
	if s.head != b {
		s.unlink(b)
		s.pushFront(b)
	}
}

func (s *shard) pushFront(b *bucket) {
	b.prev, b.next = nil, s.head
	if s.head != nil {
		s.head.prev = b
	} else {
		s.tail = b
	}
	s.head = b
}

func (s *shard) unlink(b *bucket) {
	if b.prev != nil {
		b.prev.next = b.next
	} else {
		s.head = b.next
	}
	if b.next != nil {
		b.next.prev = b.prev
	} else {
		s.tail = b.prev
	}
	b.prev, b.next = nil, nil
}
