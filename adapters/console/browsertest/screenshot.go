package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// EnvScreenshots names the environment variable that, when set, is the directory screenshots
// are saved in.
const EnvScreenshots = "ENGAGE_SCREENSHOTS"

// screenshotTimeout bounds taking a screenshot. It runs on a fresh deadline, because the action
// that failed may have used up its own.
const screenshotTimeout = 10 * time.Second

// ScreenshotDir is where screenshots go: $ENGAGE_SCREENSHOTS when set, else .engage/screenshots
// in the repository (the first directory up from the working directory holding go.mod), else
// engage-screenshots in the temporary directory. It is created if missing.
func ScreenshotDir() (string, error) {
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		if root, ok := moduleRoot(); ok {
			dir = filepath.Join(root, ".engage", "screenshots")
		} else {
			dir = filepath.Join(os.TempDir(), "engage-screenshots")
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, nil
}

// moduleRoot finds the nearest directory at or above the working directory holding go.mod.
// `go test` runs in the package's directory, so that is the repository root.
func moduleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// saveScreenshot captures the whole page as PNG and writes it to ScreenshotDir.
func (tab *Tab) saveScreenshot(testName, label string) (string, error) {
	ctx, cancel := context.WithTimeout(tab.Ctx, screenshotTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		return "", fmt.Errorf("capturing: %w", err)
	}
	if len(png) == 0 {
		return "", errors.New("capturing: the browser returned an empty image")
	}
	dir, err := ScreenshotDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, screenshotName(testName, label, time.Now()))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// screenshotName makes a file name from the test's name, a label and a timestamp precise enough
// that two screenshots of one test do not collide.
func screenshotName(testName, label string, at time.Time) string {
	name := safeName(testName)
	if l := safeName(label); l != "" {
		name += "--" + l
	}
	return name + "--" + at.Format("20060102-150405.000000000") + ".png"
}

// safeName keeps letters, digits, '-', '_' and '.', replaces everything else (such as the '/'
// of subtests) with '_', and caps the length.
func safeName(s string) string {
	const maxLen = 120
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		default:
			return '_'
		}
	}, s)
	if len(s) > maxLen {
		s = s[:maxLen]
	}
	return s
}
