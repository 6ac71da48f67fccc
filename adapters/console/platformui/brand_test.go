package platformui_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/ports"
)

func TestBrandLogoUploadsAndShows(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	dir := t.TempDir()
	good := dir + "/logo.png"
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	require.NoError(t, os.WriteFile(good, buf.Bytes(), 0o600))
	fake := dir + "/not-an-image.png"
	require.NoError(t, os.WriteFile(fake, []byte("<svg onload=alert(1)>"), 0o600))

	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/settings/brand"),
		chromedp.SetUploadFiles(chromedp.CSS("[data-test=logo-form] input[type=file]"), []string{fake}),
		chromedp.Click(chromedp.CSS("[data-test=logo-form] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-logo]")),
	)
	_, err := b.App.Tenancy.Logo(context.Background(), tn.ID)
	require.ErrorIs(t, err, ports.ErrNoLogo, "a file that is not an image is refused")

	tab.Run(t,
		chromedp.SetUploadFiles(chromedp.CSS("[data-test=logo-form] input[type=file]"), []string{good}),
		chromedp.Click(chromedp.CSS("[data-test=logo-form] button")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=logo]")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=logo]").naturalWidth === 64`)
	logo, err := b.App.Tenancy.Logo(context.Background(), tn.ID)
	require.NoError(t, err)
	require.Equal(t, "image/png", logo.ContentType)
	require.Equal(t, buf.Bytes(), logo.Data)
}
