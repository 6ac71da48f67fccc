package ratelimit

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	planPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	ratePattern = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)/([smh]):([0-9]+)$`)
	perUnit     = map[string]float64{"s": 1, "m": 60, "h": 3600}
)

// ParseLimits reads a limits spec: comma-separated plan=rate entries, where rate is
// N/s:burst, N/m:burst or N/h:burst (N a positive decimal, burst a positive integer) or the
// word unlimited, e.g. trial=5/s:10,standard=50/s:100,default=50/s:100. The entry named
// default is required and applies to every plan not listed. Plan names are 1-32 lower-case
// letters, digits, hyphens and underscores, each given once. Errors quote the bad entry.
func ParseLimits(spec string) (Limits, error) {
	if strings.TrimSpace(spec) == "" {
		return Limits{}, errors.New("ratelimit: empty limits: expected plan=N/s:burst[,...],default=N/s:burst")
	}
	l := Limits{Plans: map[string]Rate{}}
	seen := map[string]bool{}
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return Limits{}, fmt.Errorf("ratelimit: entry %d is empty", i+1)
		}
		name, value, ok := strings.Cut(entry, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok {
			return Limits{}, fmt.Errorf("ratelimit: entry %q: expected plan=N/s:burst", entry)
		}
		if !planPattern.MatchString(name) {
			return Limits{}, fmt.Errorf("ratelimit: entry %q: plan name must be 1-32 lower-case letters, digits, hyphens and underscores", entry)
		}
		if seen[name] {
			return Limits{}, fmt.Errorf("ratelimit: entry %q: plan %q appears more than once", entry, name)
		}
		seen[name] = true
		r, err := parseRate(value)
		if err != nil {
			return Limits{}, fmt.Errorf("ratelimit: entry %q: %w", entry, err)
		}
		if name == "default" {
			l.Default = r
		} else {
			l.Plans[name] = r
		}
	}
	if !seen["default"] {
		return Limits{}, errors.New("ratelimit: no default entry: add default=N/s:burst for plans not listed")
	}
	return l, nil
}

// parseRate reads N/s:burst, N/m:burst, N/h:burst or unlimited.
func parseRate(s string) (Rate, error) {
	if s == "unlimited" {
		return Rate{}, nil
	}
	m := ratePattern.FindStringSubmatch(s)
	if m == nil {
		return Rate{}, errors.New("expected N/s:burst, N/m:burst, N/h:burst or unlimited")
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil || n <= 0 {
		return Rate{}, errors.New("the rate must be a positive number")
	}
	burst, err := strconv.Atoi(m[3])
	if err != nil || burst < 1 {
		return Rate{}, errors.New("the burst must be a positive integer")
	}
	return Rate{PerSecond: n / perUnit[m[2]], Burst: burst}, nil
}
