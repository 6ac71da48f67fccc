package pointsui_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/program"
)

// The adjustment approval threshold is set in points and the value of points in yuan per 100
// points; a threshold out of range is refused beside its input, and a value the form can only
// show rounded is kept as it was when the admin leaves it alone.
func TestTheApprovalThresholdAndPointValueAreSetOnTheSettings(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	s := program.Defaults()
	s.Value = program.PointValue{Fen: 1, Points: 3}
	require.NoError(t, svc.SetSettings(ctx, tn.ID, s))

	form := "[data-test=points-settings]"
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/settings"), chromedp.WaitVisible(chromedp.CSS(form)))
	require.Equal(t, "0.33", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=point-value]"))))
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=points-settings]").noValidate = true`))
	tab.Run(t, setValue("[data-test=approval-above]", "-5"), chromedp.Click(chromedp.CSS("[data-test=save-settings]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-approval-above]")))
	require.Equal(t, "Enter 0 (never asks) up to 100,000,000 points.", consoletest.Text(t, tab, "[data-test=error-approval-above]"))

	tab.Run(t, setValue("[data-test=approval-above]", "5,000"), chromedp.Click(chromedp.CSS("[data-test=save-settings]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=settings-flash]")))
	stored, err := svc.Settings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, int64(5000), stored.ApprovalAbove)
	require.Equal(t, program.PointValue{Fen: 1, Points: 3}, stored.Value, "left alone, the value is not rounded")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/settings"), chromedp.WaitVisible(chromedp.CSS(form)),
		setValue("[data-test=point-value]", "1.5"), chromedp.Click(chromedp.CSS("[data-test=save-settings]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=settings-flash]")))
	stored, err = svc.Settings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, program.PointValue{Fen: 150, Points: 100}, stored.Value)
	tab.Screenshot(t, "points-settings-approval-en")
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=points-settings]")`)
	require.Equal(t, "5000", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=approval-above]"))))
	tab.Screenshot(t, "points-settings-approval-zh-CN")
	consoletest.NoNetworkErrorsBut422(t, tab)
}
