// Package tesseract reads text on images with the Tesseract command (Debian's tesseract-ocr
// and tesseract-ocr-chi-sim, which `make` installs where missing), in Simplified Chinese and
// English, one process per image with a timeout.
package tesseract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/engagehq/engage/ports"
)

// Types are the image types Read accepts, as http.DetectContentType names them.
var Types = []string{"image/png", "image/jpeg", "image/webp"}

// OCR runs Tesseract.
type OCR struct {
	// Path is the command; "tesseract" (found on PATH) when empty.
	Path string
	// Languages are Tesseract's language codes joined with "+"; "chi_sim+eng" when empty.
	Languages string
	// Timeout bounds one image; 60 s when zero.
	Timeout time.Duration
}

var _ ports.OCR = OCR{}

// Read implements ports.OCR: the image goes in on standard input and the text comes out on
// standard output. Tesseract runs single-threaded (OMP_THREAD_LIMIT=1): receipts are read by
// several jobs at once, each on a core of its own.
func (o OCR) Read(ctx context.Context, image []byte) (string, error) {
	path, langs, timeout := o.Path, o.Languages, o.Timeout
	if path == "" {
		path = "tesseract"
	}
	if langs == "" {
		langs = "chi_sim+eng"
	}
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	// Tesseract takes input that is not an image for a list of image files to read: only
	// images go in.
	if ct := http.DetectContentType(image); !slices.Contains(Types, ct) {
		return "", fmt.Errorf("%w: %s is not an image Tesseract reads", ports.ErrOCRUnreadable, ct)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "stdin", "stdout", "-l", langs, "--psm", "3")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = bytes.NewReader(image)
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return "", fmt.Errorf("tesseract: gave up after %s: %w", timeout, ctx.Err())
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && isUndecodable(stderr.String()) {
		return "", fmt.Errorf("%w: %s", ports.ErrOCRUnreadable, firstLine(stderr.String()))
	}
	if err != nil {
		return "", fmt.Errorf("tesseract: %w: %s", err, firstLine(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// isUndecodable tells Leptonica's refusals of the input from other failures.
func isUndecodable(stderr string) bool {
	for _, s := range []string{"Error in pixReadMem", "Error in pixReadStream", "Unsupported image type", "image file not found",
		"Error in findFileFormatBuffer", "Image too small", "too small to scale"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
