package ratelimit

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"time"
)

// RetryAfterSeconds turns a wait into a Retry-After value: whole seconds rounded up, at
// least 1, so a client that waits that long finds a token.
func RetryAfterSeconds(d time.Duration) int {
	s := d / time.Second
	if d%time.Second != 0 {
		s++
	}
	return int(max(s, 1))
}

// ByIP limits next to rate r per client IP, for plain net/http routes such as sign-in.
// A limited request gets a 429 with Retry-After and a rate_limited problem document.
// Routes wrapped by one Limiter share each IP's bucket.
func (l *Limiter) ByIP(r Rate, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if ok, wait := l.Allow(clientIP(req), r); !ok {
			writeLimited(w, wait)
			return
		}
		next.ServeHTTP(w, req)
	})
}

// clientIP is the host part of the connection's address. Headers such as X-Forwarded-For
// are ignored: any client can set them, and trusting them would give an attacker a fresh
// bucket per request. Behind a trusted proxy, the operator has the proxy pass the client's
// address to the connection (PROXY protocol or the like) so that RemoteAddr is the client's.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limitedProblem is the RFC 9457 problem document of a 429.
type limitedProblem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// writeLimited answers 429 Too Many Requests, telling the client to retry after wait.
func writeLimited(w http.ResponseWriter, wait time.Duration) {
	secs := RetryAfterSeconds(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusTooManyRequests)
	_ = json.NewEncoder(w).Encode(limitedProblem{
		Title:  http.StatusText(http.StatusTooManyRequests),
		Status: http.StatusTooManyRequests,
		Code:   "rate_limited",
		Detail: "too many requests; retry after " + strconv.Itoa(secs) + " seconds",
	})
}
