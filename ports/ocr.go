package ports

import (
	"context"
	"errors"
)

// ErrOCRUnreadable is an image OCR could not read at all (not an image it can decode).
var ErrOCRUnreadable = errors.New("the image could not be read")

// OCR reads the text on a photo (a receipt), Simplified Chinese and English.
type OCR interface {
	// Read returns the text of image (PNG, JPEG or WebP bytes), lines separated by "\n", or
	// ErrOCRUnreadable for an image it cannot decode. Other errors (a timeout, OCR missing)
	// are worth trying again.
	Read(ctx context.Context, image []byte) (string, error)
}
