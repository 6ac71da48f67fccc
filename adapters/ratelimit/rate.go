// Package ratelimit keeps per-key token buckets for the HTTP API: one per API key at the rate
// of its tenant's plan, and one per client IP on the sign-in endpoints. A refused request
// learns how long until its next token, which the caller sends as a 429's Retry-After.
package ratelimit

import (
	"math"
	"time"
)

// Rate is a sustained rate with a burst: a bucket holds up to Burst tokens and refills at
// PerSecond tokens a second. PerSecond <= 0 means unlimited; a Burst below 1 counts as 1.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Unlimited reports whether r lets every request through.
func (r Rate) Unlimited() bool { return !(r.PerSecond > 0) }

// maxSpan bounds a bucket's span so that adding it to a clock reading cannot overflow.
const maxSpan = math.MaxInt64 / 4

// cost is r in a bucket's units: the nanoseconds one token takes to refill (rounded to the
// nanosecond) and the nanoseconds a whole burst takes, saturating for absurdly slow rates.
func (r Rate) cost() (step, span int64) {
	s := math.Round(float64(time.Second) / r.PerSecond)
	step = int64(min(max(s, 1), maxSpan))
	burst := int64(max(r.Burst, 1))
	if burst > maxSpan/step {
		return step, maxSpan
	}
	return step, step * burst
}

// Limits names the rate of each plan for one kind of traffic, with a default for unknown plans.
type Limits struct {
	Plans   map[string]Rate
	Default Rate
}

// For returns the rate of plan, or the default when no rate names that plan.
func (l Limits) For(plan string) Rate {
	if r, ok := l.Plans[plan]; ok {
		return r
	}
	return l.Default
}

// DefaultAPILimits are the per-API-key rates of each plan; an unknown plan gets standard's.
// Treat it as read-only: its map is shared.
var DefaultAPILimits = Limits{
	Plans: map[string]Rate{
		"trial":      {PerSecond: 10, Burst: 20},
		"standard":   {PerSecond: 100, Burst: 200},
		"enterprise": {PerSecond: 1000, Burst: 2000},
	},
	Default: Rate{PerSecond: 100, Burst: 200},
}

// DefaultSignInLimits is the per-IP rate of the sign-in endpoints, the same for every plan:
// 5 a minute with a burst of 10.
var DefaultSignInLimits = Limits{Default: Rate{PerSecond: 5.0 / 60, Burst: 10}}
