package webhook

import (
	"encoding/json"
	"time"
)

// Schedule is the wait before each retry of a failed delivery: the first attempt is at once,
// then after 5 seconds, 5 minutes, 30 minutes, 2, 5, 10 and 10 hours: eight attempts over
// about 28 hours.
var Schedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// DisablePolicy says when an endpoint has failed long enough to be disabled: when at least
// Failures attempts in a row have failed and the first of them is at least After old, with no
// success since. Both must hold, so neither a burst of failures in a short outage nor a single
// delivery retried for a day disables an endpoint on its own.
type DisablePolicy struct {
	Failures int
	After    time.Duration
}

// DefaultDisablePolicy disables an endpoint once it has failed for 24 hours and at least 10
// attempts in a row.
var DefaultDisablePolicy = DisablePolicy{Failures: 10, After: 24 * time.Hour}

// Disables reports whether an endpoint with failures consecutive failed attempts, the first
// at since, is to be disabled at now.
func (p DisablePolicy) Disables(failures int, since time.Time, now time.Time) bool {
	return failures >= p.Failures && !since.IsZero() && now.Sub(since) >= p.After
}

// Forecast is when a failing endpoint will be disabled if its attempts keep failing: at the
// first failed attempt from After on, once at least Failures more attempts have failed.
type Forecast struct {
	After    time.Time
	Failures int
}

// Forecast says when an endpoint with failures consecutive failed attempts, the first at
// since, is disabled if its attempts keep failing; false for an endpoint that is not failing.
func (p DisablePolicy) Forecast(failures int, since *time.Time) (Forecast, bool) {
	if failures == 0 || since == nil {
		return Forecast{}, false
	}
	// The policy is checked as an attempt fails: at least one more must.
	return Forecast{After: since.Add(p.After), Failures: max(1, p.Failures-failures)}, true
}

// Outcome is what one attempt to deliver came to.
type Outcome int

// Outcomes of an attempt.
const (
	// Delivered: the receiver answered 2xx.
	Delivered Outcome = iota
	// Retry: the receiver failed or did not answer; try again later.
	Retry
	// Gone: the receiver answered 410 Gone: the endpoint is to be disabled at once.
	Gone
)

// Judge classifies a receiver's answer; status 0 means no answer came.
func Judge(status int) Outcome {
	switch {
	case status >= 200 && status < 300:
		return Delivered
	case status == 410:
		return Gone
	}
	return Retry
}

// Body is the JSON a delivery sends: the event's type, when it happened and its data.
func Body(eventType string, at time.Time, data any) ([]byte, error) {
	return json.Marshal(struct {
		Type      string    `json:"type"`
		Timestamp time.Time `json:"timestamp"`
		Data      any       `json:"data"`
	}{eventType, at.UTC(), data})
}
