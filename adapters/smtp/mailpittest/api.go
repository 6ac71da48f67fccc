package mailpittest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// Address is a mailbox as mailpit reports it.
type Address struct {
	// Name is the display name, decoded; empty when there is none.
	Name string
	// Address is the bare email address.
	Address string
}

// Summary is a message in mailpit's list.
type Summary struct {
	// ID is mailpit's database ID, the argument of Message and Raw.
	ID string
	// MessageID is the Message-ID header, without angle brackets.
	MessageID string
	// From is the From header's mailbox.
	From Address
	// To are the To header's mailboxes.
	To []Address
	// Cc are the Cc header's mailboxes.
	Cc []Address
	// Subject is the Subject header, decoded.
	Subject string
	// Created is when mailpit received the message.
	Created time.Time
	// Username is the login the message was sent with. Mailpit records it for AUTH LOGIN
	// sessions only, not for AUTH PLAIN.
	Username string
	// Size is the raw message's size in bytes.
	Size uint64
	// Snippet is the start of the message's text.
	Snippet string
}

// Message is a message in full as mailpit decoded it: headers decoded to UTF-8, the text and
// HTML parts extracted from the MIME structure and decoded.
type Message struct {
	// ID is mailpit's database ID.
	ID string
	// MessageID is the Message-ID header, without angle brackets.
	MessageID string
	// From is the From header's mailbox.
	From Address
	// To are the To header's mailboxes.
	To []Address
	// Cc are the Cc header's mailboxes.
	Cc []Address
	// ReplyTo are the Reply-To header's mailboxes.
	ReplyTo []Address
	// ReturnPath is the envelope sender (MAIL FROM) mailpit recorded.
	ReturnPath string
	// Subject is the Subject header, decoded.
	Subject string
	// Date is the Date header.
	Date time.Time
	// Username is the login the message was sent with (AUTH LOGIN sessions only).
	Username string
	// Text is the plain-text body, decoded.
	Text string
	// HTML is the HTML body, decoded.
	HTML string
	// Size is the raw message's size in bytes.
	Size uint64
	// Attachments are the files attached, as mailpit decoded them.
	Attachments []Attachment
}

// Attachment is a file attached to a message.
type Attachment struct {
	// PartID is the MIME part's ID, the argument of Part.
	PartID      string
	FileName    string
	ContentType string
	Size        uint64
}

// Part returns the decoded content of the message's MIME part partID (an attachment's).
func (m *Mailpit) Part(t testing.TB, id, partID string) []byte {
	t.Helper()
	return m.get(t, "/api/v1/message/"+url.PathEscape(id)+"/part/"+url.PathEscape(partID))
}

// Messages returns the messages mailpit holds, newest first. It fails t when the API does not
// answer.
func (m *Mailpit) Messages(t testing.TB) []Summary {
	t.Helper()
	var list struct {
		Messages []Summary `json:"messages"`
	}
	m.getJSON(t, "/api/v1/messages?limit=1000", &list)
	return list.Messages
}

// Message returns the message with mailpit's ID id. It fails t when there is none.
func (m *Mailpit) Message(t testing.TB, id string) Message {
	t.Helper()
	var msg Message
	m.getJSON(t, "/api/v1/message/"+url.PathEscape(id), &msg)
	return msg
}

// Raw returns the message with mailpit's ID id exactly as it was received.
func (m *Mailpit) Raw(t testing.TB, id string) string {
	t.Helper()
	return string(m.get(t, "/api/v1/message/"+url.PathEscape(id)+"/raw"))
}

func (m *Mailpit) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(m.get(t, path), v); err != nil {
		t.Fatalf("mailpittest: GET %s: %v", path, err)
	}
}

func (m *Mailpit) get(t testing.TB, path string) []byte {
	t.Helper()
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(m.httpURL + path)
	if err != nil {
		t.Fatalf("mailpittest: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("mailpittest: GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpittest: GET %s: %s: %s", path, resp.Status, fmt.Sprintf("%.500s", body))
	}
	return body
}
