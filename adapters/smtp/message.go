package smtp

import (
	"bytes"
	"crypto/rand"
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
	if m.Text == "" || m.HTML == "" {
		contentType, body := "text/plain; charset=utf-8", m.Text
		if m.HTML != "" {
			contentType, body = "text/html; charset=utf-8", m.HTML
		}
		header(&b, "Content-Type", contentType)
		header(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQuotedPrintable(&b, body); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	contentType := mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})
	header(&b, "Content-Type", strings.Replace(contentType, "; ", ";\r\n ", 1))
	b.WriteString("\r\n")
	for _, part := range []struct{ contentType, body string }{
		{"text/plain; charset=utf-8", m.Text},
		{"text/html; charset=utf-8", m.HTML},
	} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.contentType},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQuotedPrintable(w, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
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
