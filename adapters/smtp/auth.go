package smtp

import (
	"errors"
	netsmtp "net/smtp"
	"strings"
)

// pickAuth returns the mechanism to log in with among those the server offers (the AUTH
// extension's parameter), preferring PLAIN, then LOGIN, then CRAM-MD5; nil when none fits.
func pickAuth(offered, username, password string) netsmtp.Auth {
	has := map[string]bool{}
	for _, m := range strings.Fields(offered) {
		has[strings.ToUpper(m)] = true
	}
	switch {
	case has["PLAIN"]:
		return plainAuth{username: username, password: password}
	case has["LOGIN"]:
		return &loginAuth{username: username, password: password}
	case has["CRAM-MD5"]:
		return netsmtp.CRAMMD5Auth(username, password)
	}
	return nil
}

// plainAuth is RFC 4616 PLAIN with an initial response. Unlike net/smtp's PlainAuth it also
// logs in over an unencrypted connection, which only an account with TLS "none" reaches.
type plainAuth struct {
	username, password string
}

// Start sends the credentials with the AUTH command.
func (a plainAuth) Start(*netsmtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.username + "\x00" + a.password), nil
}

// Next refuses any challenge: PLAIN has none.
func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("smtp: unexpected challenge after AUTH PLAIN")
	}
	return nil, nil
}

// loginAuth is the LOGIN mechanism: the server prompts for the username, then the password.
type loginAuth struct {
	username, password string
	step               int
}

// Start sends AUTH LOGIN and waits for the prompts.
func (a *loginAuth) Start(*netsmtp.ServerInfo) (string, []byte, error) {
	a.step = 0
	return "LOGIN", nil, nil
}

// Next answers the username prompt, then the password prompt.
func (a *loginAuth) Next(challenge []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	prompt := strings.ToLower(string(challenge))
	a.step++
	switch {
	case strings.HasPrefix(prompt, "user"):
		return []byte(a.username), nil
	case strings.HasPrefix(prompt, "pass"):
		return []byte(a.password), nil
	case a.step == 1:
		return []byte(a.username), nil
	case a.step == 2:
		return []byte(a.password), nil
	}
	return nil, errors.New("smtp: unexpected AUTH LOGIN challenge " + string(challenge))
}
