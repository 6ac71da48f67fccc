package smtp

import (
	"fmt"
	"net/mail"
	"strings"
)

// envelopeSender returns the bare address of from ("莲花茶饮 <hi@lotus.example>" gives
// hi@lotus.example), the reverse path of MAIL FROM.
func envelopeSender(from string) (string, error) {
	addr, err := parseAddress("From", from)
	if err != nil {
		return "", err
	}
	return addr.Address, nil
}

// parseAddress parses one mailbox, with or without a display name.
func parseAddress(field, value string) (*mail.Address, error) {
	if strings.TrimSpace(value) == "" {
		return nil, fmt.Errorf("smtp: %s address is empty", field)
	}
	addr, err := mail.ParseAddress(value)
	if err != nil {
		return nil, fmt.Errorf("smtp: %s %q is not an email address: %w", field, value, err)
	}
	return addr, nil
}
