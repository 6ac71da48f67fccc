package ratelimit_test

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/ratelimit"
)

// Many goroutines share a few keys while the clock moves: no key is ever granted more than
// its burst plus what refilled, and nearly all of that is granted.
func TestConcurrentCallersNeverExceedBurstPlusRefill(t *testing.T) {
	t.Parallel()
	l, clock := newLimiter(t, 0)
	r := ratelimit.Rate{PerSecond: 100, Burst: 10}
	keys := []string{"a", "b", "c", "d"}
	const goroutines, calls = 32, 500
	const tick = 1_000_000 // 1ms of fake time after every call

	var allowed [4]atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range calls {
				k := (g + i) % len(keys)
				if ok, _ := l.Allow(keys[k], r); ok {
					allowed[k].Add(1)
				}
				clock.Advance(tick)
			}
		})
	}
	wg.Wait()

	elapsed := float64(goroutines*calls*tick) / 1e9
	most := int64(float64(r.Burst) + r.PerSecond*elapsed)
	for k := range keys {
		got := allowed[k].Load()
		require.LessOrEqualf(t, got, most, "key %s", keys[k])
		require.GreaterOrEqualf(t, got, most*95/100, "key %s", keys[k])
	}
}

func BenchmarkAllow(b *testing.B) {
	for _, n := range []int{1, 1024} {
		b.Run(strconv.Itoa(n)+"keys", func(b *testing.B) {
			l := ratelimit.New(ratelimit.Options{})
			keys := make([]string, n)
			for i := range keys {
				keys[i] = "key-" + strconv.Itoa(i)
			}
			r := ratelimit.Rate{PerSecond: 1e6, Burst: 1000}
			var start atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := int(start.Add(7919))
				for pb.Next() {
					l.Allow(keys[i%n], r)
					i++
				}
			})
		})
	}
}
