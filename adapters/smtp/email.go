package smtp

import (
	"context"

	"github.com/engagehq/engage/ports"
)

var _ ports.EmailSender = Sender{}

// SendEmail implements ports.EmailSender with Send.
func (s Sender) SendEmail(ctx context.Context, account ports.SMTPAccount, password string, e ports.Email) error {
	return s.Send(ctx, account, password, Message{To: e.To, Subject: e.Subject, Text: e.Text, Attachments: e.Attachments})
}
