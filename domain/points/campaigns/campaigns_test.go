package campaigns_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/points/campaigns"
)

func TestAllotGivesInOrderAndTheCrossingPurchaseWhatRemains(t *testing.T) {
	t.Parallel()
	require.Equal(t, []int64{30, 30, 10, 0}, campaigns.Allot([]int64{30, 30, 30, 30}, 70))
	require.Equal(t, []int64{5, 0, 7}, campaigns.Allot([]int64{5, -1, 7}, 100))
	require.Equal(t, []int64{0, 0}, campaigns.Allot([]int64{5, 5}, 0))
}

func TestStatesFollowTheWindowAndAStop(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	c := campaigns.Campaign{StartsAt: start, EndsAt: start.Add(24 * time.Hour), Budget: 100, Performance: campaigns.Performance{Issued: 40}}
	require.Equal(t, campaigns.Scheduled, c.StateAt(start.Add(-time.Second)))
	require.Equal(t, campaigns.Running, c.StateAt(start))
	require.Equal(t, campaigns.Ended, c.StateAt(c.EndsAt))
	require.True(t, c.Covers(start) && !c.Covers(c.EndsAt))
	require.Equal(t, int64(60), c.Left())
	stopped := start.Add(time.Hour)
	c.StoppedAt = &stopped
	require.Equal(t, campaigns.Stopped, c.StateAt(start.Add(2*time.Hour)))
	require.Zero(t, c.Left())
}
