package ports

import "context"

// Email is a plain-text message to send.
type Email struct {
	To      []string
	Subject string
	Text    string
}

// EmailSender sends email through a brand's own mail server (its SMTP channel), from the
// account's From address.
type EmailSender interface {
	SendEmail(ctx context.Context, account SMTPAccount, password string, e Email) error
}
