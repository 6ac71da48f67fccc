// Package ocrtest renders receipts as photos for tests: lines of real Chinese text in Noto
// Sans CJK (Debian's fonts-noto-cjk), black on white, so that Tesseract really reads them.
package ocrtest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// FontPath is Noto Sans CJK as Debian's fonts-noto-cjk installs it.
const FontPath = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

var (
	once    sync.Once
	sc      *opentype.Font
	loadErr error
)

// simplifiedChinese returns the Simplified Chinese face of the collection.
func simplifiedChinese() (*opentype.Font, error) {
	once.Do(func() {
		raw, err := os.ReadFile(FontPath)
		if err != nil {
			loadErr = fmt.Errorf("ocrtest: %w (Debian: apt-get install fonts-noto-cjk)", err)
			return
		}
		coll, err := opentype.ParseCollection(raw)
		if err != nil {
			loadErr = err
			return
		}
		for i := range coll.NumFonts() {
			f, err := coll.Font(i)
			if err != nil {
				loadErr = err
				return
			}
			var buf sfnt.Buffer
			name, _ := f.Name(&buf, 4) // the full name: "Noto Sans CJK SC", "Noto Sans CJK JP", ...
			if name == "Noto Sans CJK SC" || name == "Noto Sans CJK SC Regular" {
				sc = f
				return
			}
			if sc == nil {
				sc = f
			}
		}
	})
	return sc, loadErr
}

// Format is how a photo is encoded.
type Format int

// Formats.
const (
	PNG Format = iota
	JPEG
)

// Render draws lines at 32 px, left-aligned on a white receipt 760 px wide, and encodes it.
func Render(lines []string, format Format) ([]byte, error) {
	f, err := simplifiedChinese()
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 32, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	const width, margin, lineHeight = 760, 40, 52
	img := image.NewRGBA(image.Rect(0, 0, width, 2*margin+lineHeight*len(lines)))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face}
	for i, line := range lines {
		d.Dot = fixed.P(margin, margin+lineHeight*i+36)
		d.DrawString(line)
	}
	var buf bytes.Buffer
	switch format {
	case JPEG:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	default:
		err = png.Encode(&buf, img)
	}
	return buf.Bytes(), err
}

// Receipt is a typical supermarket receipt of store on date (2006-01-02 15:04), numbered no,
// totalling total yuan ("128.50").
func Receipt(store, date, no, total string) []string {
	return []string{
		store,
		"地址：上海市静安区南京西路1266号",
		"收银员：015  机号：03",
		"单号：" + no,
		"日期：" + date,
		"--------------------------------",
		"商品名称        数量     金额",
		"农夫山泉550ml    2       4.00",
		"光明鲜牛奶       1      12.80",
		"--------------------------------",
		"合计：" + total,
		"实收：" + total,
		"谢谢惠顾，欢迎再次光临",
	}
}
