package ratelimit_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/ratelimit"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newLimiter returns a limiter on a fake clock.
func newLimiter(t testing.TB, maxKeys int) (*ratelimit.Limiter, *fakeClock) {
	t.Helper()
	c := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return ratelimit.New(ratelimit.Options{Clock: c.Now, MaxKeys: maxKeys}), c
}

// requireAllowed takes n tokens from key, each of which must be granted.
func requireAllowed(t *testing.T, l *ratelimit.Limiter, key string, r ratelimit.Rate, n int) {
	t.Helper()
	for i := range n {
		ok, wait := l.Allow(key, r)
		require.Truef(t, ok, "%s: call %d of %d refused", key, i+1, n)
		require.Zero(t, wait)
	}
}

// requireRefused checks that key's next call is refused with exactly wait to go.
func requireRefused(t *testing.T, l *ratelimit.Limiter, key string, r ratelimit.Rate, wait time.Duration) {
	t.Helper()
	ok, got := l.Allow(key, r)
	require.Falsef(t, ok, "%s: allowed past its tokens", key)
	require.Equalf(t, wait, got, "%s: retry after", key)
}

func TestBurstThenRefusalWithTheExactWaitForTheNextToken(t *testing.T) {
	t.Parallel()
	l, clock := newLimiter(t, 0)
	r := ratelimit.Rate{PerSecond: 2, Burst: 3}

	requireAllowed(t, l, "k", r, 3)
	requireRefused(t, l, "k", r, 500*time.Millisecond)
	requireRefused(t, l, "k", r, 500*time.Millisecond)

	clock.Advance(499 * time.Millisecond)
	requireRefused(t, l, "k", r, time.Millisecond)
	clock.Advance(time.Millisecond)
	requireAllowed(t, l, "k", r, 1)
	requireRefused(t, l, "k", r, 500*time.Millisecond)

	perMinute := ratelimit.DefaultSignInLimits.Default
	requireAllowed(t, l, "ip", perMinute, 10)
	requireRefused(t, l, "ip", perMinute, 12*time.Second)
}

func TestBucketsRefillContinuouslyUpToTheBurst(t *testing.T) {
	t.Parallel()
	l, clock := newLimiter(t, 0)
	r := ratelimit.Rate{PerSecond: 2, Burst: 3}

	requireAllowed(t, l, "k", r, 3)
	clock.Advance(750 * time.Millisecond) // 1.5 tokens
	requireAllowed(t, l, "k", r, 1)
	requireRefused(t, l, "k", r, 250*time.Millisecond)

	clock.Advance(time.Hour) // far more than the burst
	requireAllowed(t, l, "k", r, 3)
	requireRefused(t, l, "k", r, 500*time.Millisecond)
}

func TestKeysHaveIndependentBuckets(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter(t, 0)
	r := ratelimit.Rate{PerSecond: 1, Burst: 2}

	requireAllowed(t, l, "a", r, 2)
	requireRefused(t, l, "a", r, time.Second)
	requireAllowed(t, l, "b", r, 2)
	requireRefused(t, l, "b", r, time.Second)
	require.Equal(t, 2, l.Len())
}

func TestUnlimitedRatesAlwaysAllowAndKeepNoBucket(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter(t, 0)
	for _, r := range []ratelimit.Rate{{}, {PerSecond: 0, Burst: 5}, {PerSecond: -1, Burst: 1}} {
		require.True(t, r.Unlimited())
		requireAllowed(t, l, "k", r, 1000)
	}
	require.Zero(t, l.Len())
	require.False(t, ratelimit.Rate{PerSecond: 0.001}.Unlimited())
}

func TestAZeroBurstCountsAsOne(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter(t, 0)
	r := ratelimit.Rate{PerSecond: 4}
	requireAllowed(t, l, "k", r, 1)
	requireRefused(t, l, "k", r, 250*time.Millisecond)
}

func TestAPlanChangeTakesEffectOnTheNextCall(t *testing.T) {
	t.Parallel()
	l, clock := newLimiter(t, 0)
	standard := ratelimit.Rate{PerSecond: 1, Burst: 10}
	trial := ratelimit.Rate{PerSecond: 0.5, Burst: 2}
	enterprise := ratelimit.Rate{PerSecond: 10, Burst: 20}

	// Downgrade with a full bucket: the tokens clamp to the new burst.
	requireAllowed(t, l, "k", standard, 1) // 9 left
	requireAllowed(t, l, "k", trial, 2)    // clamped to 2
	requireRefused(t, l, "k", trial, 2*time.Second)

	// Upgrade with an empty bucket: nothing is granted, the new rate refills it.
	requireRefused(t, l, "k", enterprise, 100*time.Millisecond)
	clock.Advance(250 * time.Millisecond)
	requireAllowed(t, l, "k", enterprise, 2)
	requireRefused(t, l, "k", enterprise, 50*time.Millisecond)

	// Tokens carry over between rates: 3 of 5 left stay 3 of 10.
	requireAllowed(t, l, "j", ratelimit.Rate{PerSecond: 1, Burst: 5}, 2)
	requireAllowed(t, l, "j", standard, 3)
	requireRefused(t, l, "j", standard, time.Second)
}

func TestMaxKeysDropsFullBucketsFirstThenTheLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	l, clock := newLimiter(t, 16)
	slow := ratelimit.Rate{PerSecond: 1.0 / 3600, Burst: 1}
	fast := ratelimit.Rate{PerSecond: 1, Burst: 1}
	keys := func(prefix string) []string {
		ks := make([]string, 8)
		for i := range ks {
			ks[i] = prefix + string(rune('a'+i))
		}
		return ks
	}
	slowKeys, fastKeys := keys("slow-"), keys("fast-")
	for _, k := range slowKeys { // used first: the least recently used
		requireAllowed(t, l, k, slow, 1)
	}
	for _, k := range fastKeys {
		requireAllowed(t, l, k, fast, 1)
	}
	require.Equal(t, 16, l.Len())

	// A second on, the fast buckets are full again and go first: the slow ones stay.
	clock.Advance(time.Second)
	requireAllowed(t, l, "new", fast, 1)
	require.Equal(t, 9, l.Len())
	for _, k := range slowKeys {
		requireRefused(t, l, k, slow, time.Hour-time.Second)
	}

	// With no bucket full, the least recently used go: "new" (untouched since) and slow-a
	// get fresh buckets, slow-b keeps its empty one.
	for _, k := range fastKeys[:7] {
		requireAllowed(t, l, k, fast, 1)
	}
	require.Equal(t, 16, l.Len())
	requireAllowed(t, l, "newer", fast, 1)
	require.Equal(t, 15, l.Len())
	requireRefused(t, l, slowKeys[1], slow, time.Hour-time.Second)
	requireAllowed(t, l, "new", fast, 1)
	requireAllowed(t, l, slowKeys[0], slow, 1)
}

func TestMaxKeysBoundsAShardedLimiter(t *testing.T) {
	t.Parallel()
	l, _ := newLimiter(t, 2000)
	r := ratelimit.Rate{PerSecond: 1, Burst: 5}
	for i := range 20_000 {
		l.Allow("key-"+strconv.Itoa(i), r)
		require.LessOrEqual(t, l.Len(), 2000)
	}
	require.Greater(t, l.Len(), 1500, "the bound is used, not just respected")
}

// Take says what is left of a bucket, for the RateLimit headers of every answer.
func TestTakeReportsWhatIsLeftOfTheBucket(t *testing.T) {
	t.Parallel()
	l, c := newLimiter(t, 0)
	r := ratelimit.Rate{PerSecond: 1, Burst: 3}
	for _, want := range []int{2, 1, 0} {
		ok, _, st := l.Take("k", r)
		require.True(t, ok)
		require.Equal(t, ratelimit.Status{Limit: 3, Remaining: want, Reset: time.Duration(3-want) * time.Second}, st)
	}
	ok, wait, st := l.Take("k", r)
	require.False(t, ok)
	require.Equal(t, time.Second, wait)
	require.Equal(t, ratelimit.Status{Limit: 3, Remaining: 0, Reset: 3 * time.Second}, st)
	c.Advance(1500 * time.Millisecond)
	ok, _, st = l.Take("k", r)
	require.True(t, ok)
	require.Equal(t, ratelimit.Status{Limit: 3, Remaining: 0, Reset: 2500 * time.Millisecond}, st)
	ok, _, st = l.Take("k", ratelimit.Rate{})
	require.True(t, ok)
	require.Zero(t, st.Limit, "an unlimited rate reports nothing")
}
