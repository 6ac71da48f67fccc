package ports

import "context"

// Email is a plain-text message to send.
type Email struct {
	To      []string
	Subject string
	Text    string
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
