package ports

import "context"

// Email is a plain-text message to send, with files attached.
type Email struct {
	To          []string
	Subject     string
	Text        string
	Attachments []Attachment
}

// Attachment is a file attached to an email.
type Attachment struct {
	// Name is the file's name, any UTF-8 text.
	Name        string
	ContentType string
	Content     []byte
}

// MailServer is a mail server with the password of its account: the platform's own, which the
// operator configures, for mail a brand without a mail server of its own still needs
// (invitations to its console).
type MailServer struct {
	Account  SMTPAccount
	Password string
}

// EmailSender sends email through a brand's own mail server (its SMTP channel), from the
// account's From address.
type EmailSender interface {
	SendEmail(ctx context.Context, account SMTPAccount, password string, e Email) error
}
