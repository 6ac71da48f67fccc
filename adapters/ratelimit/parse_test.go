package ratelimit_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/ratelimit"
)

func TestParseLimitsReadsPlansAndTheDefault(t *testing.T) {
	t.Parallel()
	l, err := ratelimit.ParseLimits("trial=5/s:10,standard=50/s:100,enterprise=500/s:1000,default=50/s:100")
	require.NoError(t, err)
	require.Equal(t, ratelimit.Limits{
		Plans: map[string]ratelimit.Rate{
			"trial":      {PerSecond: 5, Burst: 10},
			"standard":   {PerSecond: 50, Burst: 100},
			"enterprise": {PerSecond: 500, Burst: 1000},
		},
		Default: ratelimit.Rate{PerSecond: 50, Burst: 100},
	}, l)
	require.Equal(t, ratelimit.Rate{PerSecond: 5, Burst: 10}, l.For("trial"))
	require.Equal(t, l.Default, l.For("gold"))

	l, err = ratelimit.ParseLimits(" default = 30/m:10 , pos_sync=1.5/s:3, batch-export=36/h:2,internal=unlimited ")
	require.NoError(t, err)
	require.Equal(t, ratelimit.Rate{PerSecond: 0.5, Burst: 10}, l.Default)
	require.Equal(t, ratelimit.Rate{PerSecond: 1.5, Burst: 3}, l.For("pos_sync"))
	require.Equal(t, ratelimit.Rate{PerSecond: 0.01, Burst: 2}, l.For("batch-export"))
	require.True(t, l.For("internal").Unlimited())

	l, err = ratelimit.ParseLimits("default=5/m:10")
	require.NoError(t, err)
	require.Empty(t, l.Plans)
	require.Equal(t, ratelimit.DefaultSignInLimits.For("enterprise"), l.For("enterprise"))
}

func TestParseLimitsNamesTheBadEntry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ spec, want string }{
		{"", "empty limits"},
		{"  ", "empty limits"},
		{"trial=5/s:10", "no default entry"},
		{"default=5/s:10,,trial=5/s:10", "entry 2 is empty"},
		{"trial,default=5/s:10", `"trial"`},
		{"Trial=5/s:10,default=5/s:10", `"Trial=5/s:10": plan name`},
		{"=5/s:10,default=5/s:10", `"=5/s:10": plan name`},
		{"trial=5/s:10,trial=6/s:10,default=5/s:10", `"trial=6/s:10": plan "trial" appears more than once`},
		{"default=5/s:10,default=5/s:10", "more than once"},
		{"trial=5:10,default=5/s:10", `"trial=5:10": expected N/s:burst`},
		{"trial=5/s,default=5/s:10", `"trial=5/s"`},
		{"trial=5/d:10,default=5/s:10", `"trial=5/d:10"`},
		{"trial=x/s:10,default=5/s:10", `"trial=x/s:10"`},
		{"trial=-1/s:10,default=5/s:10", `"trial=-1/s:10"`},
		{"trial=1e3/s:10,default=5/s:10", `"trial=1e3/s:10"`},
		{"trial=0/s:10,default=5/s:10", `"trial=0/s:10": the rate must be a positive number`},
		{"trial=0.0/m:10,default=5/s:10", "the rate must be a positive number"},
		{"trial=5/s:0,default=5/s:10", `"trial=5/s:0": the burst must be a positive integer`},
		{"trial=5/s:1.5,default=5/s:10", `"trial=5/s:1.5"`},
		{"trial=5/s:99999999999999999999,default=5/s:10", "the burst must be a positive integer"},
		{"default=5/S:10", `"default=5/S:10"`},
		{"default=", `"default="`},
	} {
		_, err := ratelimit.ParseLimits(tc.spec)
		require.ErrorContainsf(t, err, tc.want, "spec %q", tc.spec)
	}
}

func TestDefaultLimits(t *testing.T) {
	t.Parallel()
	api := ratelimit.DefaultAPILimits
	require.Equal(t, ratelimit.Rate{PerSecond: 10, Burst: 20}, api.For("trial"))
	require.Equal(t, ratelimit.Rate{PerSecond: 100, Burst: 200}, api.For("standard"))
	require.Equal(t, ratelimit.Rate{PerSecond: 1000, Burst: 2000}, api.For("enterprise"))
	require.Equal(t, api.For("standard"), api.For("unknown"))
	require.Equal(t, api.For("standard"), api.For(""))

	signIn := ratelimit.DefaultSignInLimits
	require.Empty(t, signIn.Plans)
	for _, plan := range []string{"trial", "standard", "enterprise", ""} {
		require.Equal(t, ratelimit.Rate{PerSecond: 5.0 / 60, Burst: 10}, signIn.For(plan))
	}
}
