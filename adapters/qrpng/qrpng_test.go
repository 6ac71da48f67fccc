package qrpng_test

import (
	"bytes"
	"image/png"
	"testing"

	goqr "github.com/piglig/go-qr"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/qrpng"
)

func TestPNGDecodesToTheText(t *testing.T) {
	t.Parallel()
	text := "EMC1AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ"
	b, err := qrpng.PNG(text)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	require.Greater(t, img.Bounds().Dx(), 200)
	got, err := goqr.Decode(img)
	require.NoError(t, err)
	require.Equal(t, text, got)
}
