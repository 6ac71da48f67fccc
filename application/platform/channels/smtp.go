package channels

import (
	"context"
	"errors"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// SMTPCredentials returns the brand's mail server and its password, for use cases that send
// mail as the brand. It returns ports.ErrChannelNotConfigured when no mail server is set up; a
// server without a login has an empty password.
func (s *Service) SMTPCredentials(ctx context.Context, tenant tenants.ID) (ports.SMTPAccount, string, error) {
	settings, err := s.Get(ctx, tenant)
	if err != nil {
		return ports.SMTPAccount{}, "", err
	}
	if settings.SMTP == nil {
		return ports.SMTPAccount{}, "", ports.ErrChannelNotConfigured
	}
	password, err := s.secrets.Reveal(ctx, tenant, secretNames[ports.ChannelSMTP])
	switch {
	case errors.Is(err, ports.ErrSecretNotFound) && settings.SMTP.Username == "":
		return *settings.SMTP, "", nil
	case errors.Is(err, ports.ErrSecretNotFound):
		return ports.SMTPAccount{}, "", ErrNoSecret
	case err != nil:
		return ports.SMTPAccount{}, "", err
	}
	return *settings.SMTP, password, nil
}
