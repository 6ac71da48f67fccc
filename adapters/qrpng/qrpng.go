// Package qrpng draws QR codes as PNG images, for members' check-in codes.
package qrpng

import (
	"fmt"

	goqr "github.com/piglig/go-qr"
)

// Scale is how many pixels wide one module is; Border is the quiet zone in modules (the four
// the QR standard asks for).
const (
	Scale  = 8
	Border = 4
)

// PNG returns text as a QR code in a PNG image, with medium error correction (15%), which
// keeps a code on a cracked phone screen readable.
func PNG(text string) ([]byte, error) {
	qr, err := goqr.EncodeText(text, goqr.Medium)
	if err != nil {
		return nil, fmt.Errorf("qrpng: encode: %w", err)
	}
	b, err := qr.ToPNGBytes(goqr.NewQrCodeImgConfig(Scale, Border))
	if err != nil {
		return nil, fmt.Errorf("qrpng: render: %w", err)
	}
	return b, nil
}
