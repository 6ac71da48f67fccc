package webhook_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/platform/webhook"
)

func TestAFailingEndpointsForecastIsWhenThePolicyWouldDisableIt(t *testing.T) {
	t.Parallel()
	p := webhook.DisablePolicy{Failures: 10, After: 24 * time.Hour}
	since := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)

	_, failing := p.Forecast(0, nil)
	require.False(t, failing, "a healthy endpoint")
	f, failing := p.Forecast(3, &since)
	require.True(t, failing)
	require.Equal(t, webhook.Forecast{After: since.Add(24 * time.Hour), Failures: 7}, f)

	// Ten failures within the day: the next failure after the day disables it.
	f, _ = p.Forecast(12, &since)
	require.Equal(t, 1, f.Failures)
	require.False(t, p.Disables(12, since, f.After.Add(-time.Second)))
	require.True(t, p.Disables(13, since, f.After), "as forecast")
	f, _ = p.Forecast(9, &since)
	require.True(t, p.Disables(9+f.Failures, since, f.After), "the forecast failures, at the forecast time, disable it")
	require.False(t, p.Disables(9+f.Failures-1, since, f.After.Add(time.Hour)), "one fewer does not")
}
