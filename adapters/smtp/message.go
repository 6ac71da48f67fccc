package smtp

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/engagehq/engage/ports"
)

// ErrInvalidMessage is wrapped by Send's errors about a message that cannot be sent as it is
// (no recipient, no body, a malformed address); sending it again will not help.
var ErrInvalidMessage = errors.New("smtp: invalid message")

// Message is an email to send. Text and HTML may both be set (the message is then
// multipart/alternative and clients show the HTML part when they can); at least one must be.
type Message struct {
	// From is the From header, a mailbox with or without a display name, such as
	// "莲花茶饮 <hello@lotus.example>"; empty means the account's From. The envelope sender
	// (MAIL FROM) is always the account's From.
	From string
	// To are the recipients, each a mailbox with or without a display name.
	To []string
	// Subject is any UTF-8 text; non-ASCII subjects are encoded as RFC 2047 Q encoded-words.
	Subject string
	// Text is the plain-text body.
	Text string
	// HTML is the HTML body.
	HTML string
	// Attachments are files sent with the body (the message is then multipart/mixed).
	Attachments []ports.Attachment
}

// envelope is a checked message ready to render.
type envelope struct {
	from *mail.Address
	to   []*mail.Address
}

// check parses the message's addresses, defaulting From to accountFrom.
func (m Message) check(accountFrom string) (envelope, error) {
	var env envelope
	if len(m.To) == 0 {
		return env, fmt.Errorf("%w: no recipient", ErrInvalidMessage)
	}
	if m.Text == "" && m.HTML == "" {
		return env, fmt.Errorf("%w: neither a text nor an HTML body", ErrInvalidMessage)
	}
	from := m.From
	if from == "" {
		from = accountFrom
	}
	addr, err := parseAddress("From", from)
	if err != nil {
		return env, fmt.Errorf("%w: %w", ErrInvalidMessage, err)
	}
	env.from = addr
	for _, to := range m.To {
		addr, err := parseAddress("To", to)
		if err != nil {
			return env, fmt.Errorf("%w: %w", ErrInvalidMessage, err)
		}
		env.to = append(env.to, addr)
	}
	return env, nil
}

// render writes the message in RFC 5322 form with MIME bodies, CRLF line ends and only 7-bit
// characters: headers as encoded-words, bodies quoted-printable.
func (m Message) render(env envelope, date time.Time) ([]byte, error) {
	var b bytes.Buffer
	header(&b, "From", env.from.String())
	header(&b, "To", joinAddresses(env.to))
	header(&b, "Subject", encodeSubject(m.Subject))
	header(&b, "Date", date.Format(time.RFC1123Z))
	header(&b, "Message-ID", newMessageID(env.from.Address))
	header(&b, "MIME-Version", "1.0")
	contentType, encoding, body, err := m.body()
	if err != nil {
		return nil, err
	}
	if len(m.Attachments) == 0 {
		if encoding == "" { // a multipart's boundary goes on a line of its own
			contentType = strings.Replace(contentType, "; ", ";\r\n ", 1)
		}
		header(&b, "Content-Type", contentType)
		if encoding != "" {
			header(&b, "Content-Transfer-Encoding", encoding)
		}
		b.WriteString("\r\n")
		b.Write(body)
		return b.Bytes(), nil
	}
	mixed := multipart.NewWriter(&b)
	header(&b, "Content-Type", strings.Replace(mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mixed.Boundary()}),
		"; ", ";\r\n ", 1))
	b.WriteString("\r\n")
	h := textproto.MIMEHeader{"Content-Type": {contentType}}
	if encoding != "" {
		h.Set("Content-Transfer-Encoding", encoding)
	}
	w, err := mixed.CreatePart(h)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	for _, a := range m.Attachments {
		contentType := a.ContentType
		if contentType == "" {
			contentType = "application/octet-stream"
		}
		w, err := mixed.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {contentType},
			"Content-Transfer-Encoding": {"base64"},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})},
		})
		if err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(a.Content)
		for len(enc) > 76 {
			if _, err := io.WriteString(w, enc[:76]+"\r\n"); err != nil {
				return nil, err
			}
			enc = enc[76:]
		}
		if _, err := io.WriteString(w, enc+"\r\n"); err != nil {
			return nil, err
		}
	}
	if err := mixed.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// body renders the message's text and HTML: one quoted-printable part, or both as
// multipart/alternative. It returns the body's content type, its transfer encoding (empty
// for a multipart) and the encoded body.
func (m Message) body() (contentType, encoding string, body []byte, err error) {
	var b bytes.Buffer
	if m.Text == "" || m.HTML == "" {
		contentType, text := "text/plain; charset=utf-8", m.Text
		if m.HTML != "" {
			contentType, text = "text/html; charset=utf-8", m.HTML
		}
		if err := writeQuotedPrintable(&b, text); err != nil {
			return "", "", nil, err
		}
		return contentType, "quoted-printable", b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	contentType = mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})
	for _, part := range []struct{ contentType, body string }{
		{"text/plain; charset=utf-8", m.Text},
		{"text/html; charset=utf-8", m.HTML},
	} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.contentType},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return "", "", nil, err
		}
		if err := writeQuotedPrintable(w, part.body); err != nil {
			return "", "", nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return "", "", nil, err
	}
	return contentType, "", b.Bytes(), nil
}

// header writes one header field; a value that starts with a fold starts on the next line.
func header(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteString(":")
	if !strings.HasPrefix(value, "\r\n ") {
		b.WriteString(" ")
	}
	b.WriteString(value)
	b.WriteString("\r\n")
}

// encodeSubject returns subject as is when it is printable ASCII, else as Q encoded-words
// (RFC 2047), each on a line of its own: an encoded-word is at most 75 characters, so each
// line stays within the 76 that RFC 2047 allows for lines with encoded-words.
func encodeSubject(subject string) string {
	encoded := mime.QEncoding.Encode("utf-8", subject)
	if encoded == subject {
		return subject
	}
	// Encoded-words never contain spaces (Q encodes them as "_"), so "?= =?" only ever
	// separates two words, where a fold is allowed and decoders drop the white space.
	return "\r\n " + strings.ReplaceAll(encoded, "?= =?", "?=\r\n =?")
}

// joinAddresses lists addresses for a header, one per folded line.
func joinAddresses(addrs []*mail.Address) string {
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		parts[i] = a.String()
	}
	return strings.Join(parts, ",\r\n ")
}

func writeQuotedPrintable(w io.Writer, body string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, body); err != nil {
		return err
	}
	return qp.Close()
}

// newMessageID returns a unique Message-ID in the sender's domain.
func newMessageID(sender string) string {
	domain := "localhost"
	if at := strings.LastIndexByte(sender, '@'); at >= 0 && at < len(sender)-1 {
		domain = sender[at+1:]
	}
	return "<" + hex.EncodeToString(randomBytes(16)) + "@" + domain + ">"
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return b
}
