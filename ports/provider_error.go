package ports

import "fmt"

// ProviderError is an answer from a third party that refused a request: which provider, its own
// error code (WeChat's 40125, Aliyun's SignatureDoesNotMatch, an SMTP reply code) and message.
type ProviderError struct {
	Provider string
	Code     string
	Message  string
}

func (e *ProviderError) Error() string {
	return fmt.Sprintf("%s error %s: %s", e.Provider, e.Code, e.Message)
}

// FailureKind says in a person's terms what went wrong in talking to a provider, so that a use
// case can tell an admin without repeating the provider's own words or any address (those are
// for the log). Adapters wrap one beside the detail; errors.As finds it.
type FailureKind string

// Kinds of failure.
const (
	// FailureConnectionRefused: the server refused the connection (nothing listens on the port).
	FailureConnectionRefused FailureKind = "connection_refused"
	// FailureHostNotFound: the host name does not resolve.
	FailureHostNotFound FailureKind = "host_not_found"
	// FailureUnreachable: the server could not be connected to for another reason.
	FailureUnreachable FailureKind = "unreachable"
	// FailureNoAnswer: the server did not answer in time, or closed the connection.
	FailureNoAnswer FailureKind = "no_answer"
	// FailureTLS: TLS could not be set up (no TLS on the port, an untrusted certificate).
	FailureTLS FailureKind = "tls_failed"
	// FailureCredentials: the provider refused the credentials (a *ProviderError says how).
	FailureCredentials FailureKind = "credentials_rejected"
)

func (k FailureKind) Error() string {
	switch k {
	case FailureConnectionRefused:
		return "the server refused the connection"
	case FailureHostNotFound:
		return "the host name does not resolve"
	case FailureUnreachable:
		return "the server cannot be reached"
	case FailureNoAnswer:
		return "the server did not answer"
	case FailureTLS:
		return "the TLS handshake failed"
	case FailureCredentials:
		return "the credentials were rejected"
	}
	return string(k)
}
