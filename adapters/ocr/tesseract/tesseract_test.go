package tesseract_test

import (
	"errors"
	"os/exec"
	"testing"
	"time"

	"github.com/engagehq/engage/adapters/ocr/ocrtest"
	"github.com/engagehq/engage/adapters/ocr/tesseract"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/ports"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func needTesseract(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Fatal("tesseract is missing: make ocr installs it (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
	}
}

// TestReadsRenderedReceipts reads receipts rendered with real Chinese text, as PNG and as
// JPEG, and parses their fields out of what Tesseract read.
func TestReadsRenderedReceipts(t *testing.T) {
	needTesseract(t)
	for _, c := range []struct {
		name   string
		lines  []string
		format ocrtest.Format
		want   receipts.Fields
	}{
		{"convenience store, PNG", ocrtest.Receipt("全家便利店（南京西路店）", "2026-12-01 14:32", "20261201031588", "16.80"), ocrtest.PNG,
			receipts.Fields{Store: "全家便利店(南京西路店)", AmountFen: 1680, Date: time.Date(2026, 12, 1, 14, 32, 0, 0, shanghai), Number: "20261201031588"}},
		{"supermarket, JPEG", ocrtest.Receipt("联华超市曹杨路店", "2026年11月28日 09:05", "0031-20261128-0457", "1,286.50元"), ocrtest.JPEG,
			receipts.Fields{Store: "联华超市曹杨路店", AmountFen: 128650, Date: time.Date(2026, 11, 28, 9, 5, 0, 0, shanghai), Number: "0031-20261128-0457"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			img, err := ocrtest.Render(c.lines, c.format)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			text, err := tesseract.OCR{}.Read(t.Context(), img)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("read %d bytes in %s", len(img), time.Since(start).Round(time.Millisecond))
			got := receipts.Parse(text, shanghai)
			if got.Store != c.want.Store || got.AmountFen != c.want.AmountFen || !got.Date.Equal(c.want.Date) || got.Number != c.want.Number {
				t.Errorf("text:\n%s\n got %+v\nwant %+v", text, got, c.want)
			}
		})
	}
}

// TestRefusals: what is not an image (Tesseract would take text for a list of files to
// read), a broken image, a timeout and a missing command.
func TestRefusals(t *testing.T) {
	needTesseract(t)
	img, err := ocrtest.Render([]string{"合计：16.80"}, ocrtest.PNG)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"a list of files": []byte("/etc/passwd\n"), "half a PNG": img[:300], "nothing": nil} {
		if _, err := (tesseract.OCR{}).Read(t.Context(), data); !errors.Is(err, ports.ErrOCRUnreadable) {
			t.Errorf("%s: %v, want ErrOCRUnreadable", name, err)
		}
	}
	if _, err := (tesseract.OCR{Timeout: time.Millisecond}).Read(t.Context(), img); err == nil || errors.Is(err, ports.ErrOCRUnreadable) {
		t.Errorf("timeout: %v, want an error worth retrying", err)
	}
	if _, err := (tesseract.OCR{Path: "/nonexistent/tesseract"}).Read(t.Context(), img); err == nil || errors.Is(err, ports.ErrOCRUnreadable) {
		t.Errorf("missing command: %v, want an error worth retrying", err)
	}
}
