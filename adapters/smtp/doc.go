// Package smtp is the email adapter: Verifier checks a brand's mail server (it answers, speaks
// the configured TLS mode, accepts the login and the sender) and Sender delivers a message
// through it as MIME multipart/alternative with UTF-8 headers.
//
// Replies the server refuses with are returned as *ports.ProviderError with Provider "smtp" and
// the SMTP reply code as Code ("535" for a wrong password, "550" for a refused sender). Two codes
// are the adapter's own: "starttls_unavailable" when the account requires STARTTLS and the
// server does not offer it, and "auth_unavailable" when the account has a username and the
// server offers no login mechanism this adapter speaks. A server that cannot be reached (refused
// connection, unknown host, timeout, dropped connection) is an ordinary error that says so and
// wraps ErrUnreachable; so is a failed TLS handshake (untrusted certificate, no TLS on the
// port), without ErrUnreachable. Unless AllowPrivate, a server at an address outbound.Check
// refuses is not connected to (outbound.ErrNotAllowed, permanent).
//
// Every error also wraps the ports.FailureKind an admin is told (connection refused, host not
// found, no answer, TLS failed, credentials rejected); its text, which names the server's
// address and may quote the server, is for the log.
package smtp
