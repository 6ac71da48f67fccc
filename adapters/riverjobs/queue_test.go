package riverjobs_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/riverjobs"
)

func TestExponentialBackoffDoublesUpToItsCeiling(t *testing.T) {
	t.Parallel()
	wait := riverjobs.Exponential(2*time.Second, 30*time.Second)
	var got []time.Duration
	for attempt := 1; attempt <= 6; attempt++ {
		got = append(got, wait(attempt))
	}
	require.Equal(t, []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second,
		30 * time.Second}, got)
}
