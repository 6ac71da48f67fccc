package channels

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/engagehq/engage/domain/outbound"
	"github.com/engagehq/engage/ports"
)

// Problems a channel test can find, as an admin is told them.
const (
	// ProblemAddressNotAllowed: the server's address is private, local or reserved (production).
	ProblemAddressNotAllowed = "address_not_allowed"
	// ProblemRefused: the provider refused; Provider and Code say how.
	ProblemRefused = "refused"
	// ProblemFailed: anything else; the log has the detail.
	ProblemFailed = "failed"
)

// TestResult is a channel test's outcome as a person is told it: what went wrong (Problem, ""
// when the test passed: a ports.FailureKind, or one of the Problem constants) and, for a
// refusal, the provider and its code. It never holds the provider's own words or an address.
type TestResult struct {
	Problem  string
	Provider string
	Code     string
	// At is when the test ran.
	At time.Time
	// Detail is the adapter's error, for the log only: it may quote the remote server and name
	// addresses. It is never stored.
	Detail error
}

// OK reports whether the test passed.
func (r TestResult) OK() bool { return r.Problem == "" }

// codePattern is what a provider's code may look like to be shown (SMTP's 535, WeChat's 40125,
// Aliyun's isv.SMS_SIGNATURE_ILLEGAL); anything else is not repeated.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// resultOf says what outcome, the error of a verifier, comes to.
func resultOf(outcome error, at time.Time) TestResult {
	r := TestResult{At: at, Detail: outcome}
	if outcome == nil {
		return r
	}
	r.Problem = ProblemFailed
	var refusal *ports.ProviderError
	if errors.As(outcome, &refusal) && codePattern.MatchString(refusal.Code) && codePattern.MatchString(refusal.Provider) {
		r.Problem, r.Provider, r.Code = ProblemRefused, refusal.Provider, refusal.Code
	}
	var kind ports.FailureKind
	if errors.As(outcome, &kind) {
		r.Problem = string(kind)
	}
	if errors.Is(outcome, outbound.ErrNotAllowed) {
		r.Problem = ProblemAddressNotAllowed
	}
	return r
}

// stored is r as the channel's settings keep it: "" for a pass, else the problem with the
// provider and code, colon-separated.
func (r TestResult) stored() string {
	if r.OK() || r.Provider == "" {
		return r.Problem
	}
	return r.Problem + ":" + r.Provider + ":" + r.Code
}

// storedResult reads a stored test back. Text in another form (a test recorded before results
// were kept this way, which may quote a server) reads as ProblemFailed.
func storedResult(s ports.ChannelSettings) TestResult {
	r := TestResult{At: *s.TestedAt}
	if s.TestError == "" {
		return r
	}
	r.Problem = ProblemFailed
	parts := strings.Split(s.TestError, ":")
	switch {
	case len(parts) == 1 && known(parts[0]):
		r.Problem = parts[0]
	case len(parts) == 3 && known(parts[0]) && codePattern.MatchString(parts[1]) && codePattern.MatchString(parts[2]):
		r.Problem, r.Provider, r.Code = parts[0], parts[1], parts[2]
	}
	return r
}

// Problems lists every problem a test can find.
var Problems = []string{ProblemAddressNotAllowed, ProblemRefused, ProblemFailed,
	string(ports.FailureConnectionRefused), string(ports.FailureHostNotFound), string(ports.FailureUnreachable),
	string(ports.FailureNoAnswer), string(ports.FailureTLS), string(ports.FailureCredentials)}

// known reports whether p is a problem a test can find.
func known(p string) bool { return slices.Contains(Problems, p) }
