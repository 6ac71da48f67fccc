package customerimport

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Encodings a file may declare. Excel in China saves "CSV" in GB18030 (which GBK is a part of).
const (
	UTF8    = "utf-8"
	GB18030 = "gb18030"
)

// ErrUnknownEncoding is returned for an encoding other than UTF8, GB18030 and their aliases.
var ErrUnknownEncoding = errors.New("unknown encoding: use utf-8 or gb18030")

// normaliseEncoding returns the canonical name of a declared encoding ("" is UTF-8).
func normaliseEncoding(name string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "utf-8", "utf8":
		return UTF8, nil
	case "gb18030", "gbk", "gb2312", "cp936":
		return GB18030, nil
	}
	return "", ErrUnknownEncoding
}

// lineDecoder turns a file in a declared encoding into UTF-8 line by line, so that a byte
// sequence that is not valid in the encoding is reported with the line it is on. A byte-order
// mark at the start is dropped. It counts bytes read and stops past limit.
type lineDecoder struct {
	in       *bufio.Reader
	decoder  *encoding.Decoder // nil for UTF-8
	encoding string
	line     int
	read     int64
	limit    int64
	pending  []byte
	err      error
}

// newLineDecoder reads r in encoding (a canonical name), failing past limit bytes.
func newLineDecoder(r io.Reader, enc string, limit int64) *lineDecoder {
	// Reading stops one byte past the limit, however long a line.
	d := &lineDecoder{in: bufio.NewReaderSize(io.LimitReader(r, limit+1), 64<<10), encoding: enc, limit: limit}
	if enc == GB18030 {
		d.decoder = simplifiedchinese.GB18030.NewDecoder()
	}
	return d
}

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	gb18030BOM = []byte{0x84, 0x31, 0x95, 0x33}
)

// Read implements io.Reader.
func (d *lineDecoder) Read(p []byte) (int, error) {
	for len(d.pending) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		d.next()
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

// next decodes the next physical line into pending, or sets err.
func (d *lineDecoder) next() {
	raw, err := d.in.ReadBytes('\n')
	d.read += int64(len(raw))
	if d.read > d.limit {
		d.err = ErrTooLarge
		return
	}
	if err != nil && !errors.Is(err, io.EOF) {
		d.err = err
		return
	}
	if len(raw) > 0 {
		d.line++
		if d.line == 1 {
			raw = bytes.TrimPrefix(bytes.TrimPrefix(raw, utf8BOM), gb18030BOM)
		}
		if d.decoder == nil {
			if !utf8.Valid(raw) {
				d.err = &FileError{Code: CodeBadEncoding, Line: d.line, Message: "not valid " + d.encoding + "; declare the file's encoding (utf-8 or gb18030)"}
				return
			}
			d.pending = raw
		} else {
			decoded, derr := d.decoder.Bytes(raw)
			// The decoder puts U+FFFD in place of bytes that are not GB18030 (a file that means
			// U+FFFD itself, which GB18030 can encode, is refused too: a price worth paying).
			if derr != nil || bytes.ContainsRune(decoded, utf8.RuneError) {
				d.err = &FileError{Code: CodeBadEncoding, Line: d.line, Message: "not valid " + d.encoding + "; declare the file's encoding (utf-8 or gb18030)"}
				return
			}
			d.pending = decoded
		}
		// Text files hold no NUL characters (and PostgreSQL cannot store one): this is none.
		if bytes.IndexByte(d.pending, 0) >= 0 {
			d.pending, d.err = nil, &FileError{Code: CodeBadEncoding, Line: d.line, Message: "holds NUL characters: not a text file"}
			return
		}
	}
	if errors.Is(err, io.EOF) {
		d.err = io.EOF
	}
}
