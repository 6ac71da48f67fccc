package smtp

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRenderRoundTrips parses the rendered message with the standard library's mail and MIME
// readers and gets back exactly what went in.
func TestRenderRoundTrips(t *testing.T) {
	t.Parallel()
	msg := Message{
		From:    "莲花茶饮 <hello@lotus.example>",
		To:      []string{"王小明 <xiaoming@example.com>", `"Lee, Ada" <ada@example.com>`},
		Subject: "【莲花茶饮】您的 1,200 积分 = 12 元优惠券？ Subject with \"quotes\" and =?not-a-word?=",
		Text:    "第一行\n第二行 with trailing space \n=3D is not an escape\n" + strings.Repeat("长", 100),
		HTML:    "<p>" + strings.Repeat("网页", 60) + "</p>",
	}
	env, err := msg.check("fallback@lotus.example")
	require.NoError(t, err)
	date := time.Date(2026, 11, 23, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	raw, err := msg.render(env, date)
	require.NoError(t, err)

	parsed, err := mail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err)
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(parsed.Header.Get("Subject"))
	require.NoError(t, err)
	require.Equal(t, msg.Subject, subject)
	from, err := parsed.Header.AddressList("From")
	require.NoError(t, err)
	require.Equal(t, []*mail.Address{{Name: "莲花茶饮", Address: "hello@lotus.example"}}, from)
	to, err := parsed.Header.AddressList("To")
	require.NoError(t, err)
	require.Equal(t, []*mail.Address{{Name: "王小明", Address: "xiaoming@example.com"}, {Name: "Lee, Ada", Address: "ada@example.com"}}, to)
	sent, err := parsed.Header.Date()
	require.NoError(t, err)
	require.True(t, sent.Equal(date))
	require.Regexp(t, `^<[0-9a-f]{32}@lotus\.example>$`, parsed.Header.Get("Message-ID"))
	require.Equal(t, "1.0", parsed.Header.Get("MIME-Version"))

	mediaType, params, err := mime.ParseMediaType(parsed.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mediaType)
	mr := multipart.NewReader(parsed.Body, params["boundary"])
	var bodies []string
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(part)
		require.NoError(t, err)
		bodies = append(bodies, part.Header.Get("Content-Type")+"|"+string(b))
	}
	require.Equal(t, []string{
		"text/plain; charset=utf-8|" + strings.ReplaceAll(msg.Text, "\n", "\r\n"),
		"text/html; charset=utf-8|" + msg.HTML,
	}, bodies)

	for _, line := range strings.Split(string(raw), "\r\n") {
		require.LessOrEqual(t, len(line), 78, line)
		require.NotContains(t, line, "\n")
	}
}

func TestRenderKeepsASCIISubjectReadable(t *testing.T) {
	t.Parallel()
	msg := Message{To: []string{"ada@example.com"}, Subject: "Your points", Text: "hi"}
	env, err := msg.check("hello@lotus.example")
	require.NoError(t, err)
	raw, err := msg.render(env, time.Now())
	require.NoError(t, err)
	require.Contains(t, string(raw), "\r\nSubject: Your points\r\n")
	require.Contains(t, string(raw), "\r\nContent-Type: text/plain; charset=utf-8\r\n")
	require.True(t, strings.HasPrefix(string(raw), "From: <hello@lotus.example>\r\n"))
}
