package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/bidi"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/outbound"
)

// Status is an endpoint's state.
type Status string

// Endpoint states.
const (
	// Active endpoints receive deliveries.
	Active Status = "active"
	// Paused endpoints keep their deliveries held until resumed.
	Paused Status = "paused"
	// Disabled endpoints get nothing: the receiver answered 410 Gone, or failed too long.
	Disabled Status = "disabled"
)

// Reasons the platform disables an endpoint.
const (
	ReasonGone    = "gone"
	ReasonFailing = "failing"
)

// Endpoint is a URL a brand registered to receive the event types it chose.
type Endpoint struct {
	ID             uuid.UUID
	URL            string
	Description    string
	EventTypes     []string
	Status         Status
	DisabledReason string
	DisabledAt     *time.Time
	// ConsecutiveFailures counts attempts failed since the last success; FailingSince is when
	// the first of them failed.
	ConsecutiveFailures int
	FailingSince        *time.Time
	// LastFailure is the endpoint's last failed attempt (tests aside); nil before the first.
	LastFailure *Failure
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Failure is what went wrong with an attempt: the receiver's answer, or why none came.
type Failure struct {
	At time.Time
	// Status is the receiver's HTTP status; 0 when no answer came.
	Status int
	// Error says why no answer came (a timeout, a refused connection); empty with a Status.
	Error string
}

// MaxFailureError is the longest Failure.Error kept, in characters.
const MaxFailureError = 500

// Errors of endpoint fields.
var (
	ErrURLScheme      = errors.New("the URL must be https (http is accepted outside production)")
	ErrURLCredentials = errors.New("the URL must not carry a user name or password")
	ErrURLHost        = errors.New("the URL must name a public host")
	ErrURLForm        = errors.New("not an absolute URL")
	ErrURLPort        = errors.New("the port must be 1-65535")
	ErrURLCharacters  = errors.New("the URL has characters it must percent-encode (spaces, quotes, <, >, \\, control characters)")
	ErrNoEventTypes   = errors.New("choose at least one event type")
	ErrDescription    = errors.New("descriptions are at most 200 characters, " + bidi.Rule)
)

// URLPolicy is what an endpoint URL may be. Production requires https and public hosts;
// development and tests accept http and local receivers.
type URLPolicy struct {
	AllowHTTP    bool
	AllowPrivate bool
}

// ProductionPolicy is the policy of a production deployment.
var ProductionPolicy = URLPolicy{}

// CheckURL checks raw against p and returns it normalised. A host name is checked as written;
// where it resolves to is checked again when delivering (see outbound.Check).
func (p URLPolicy) CheckURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if strings.ContainsFunc(raw, mustEscape) {
		// url.Parse keeps some of these raw, and a raw `">` would go out in the request line.
		return "", ErrURLCharacters
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" || len(raw) > 2000 {
		return "", ErrURLForm
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", ErrURLPort
		}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && p.AllowHTTP:
	default:
		return "", ErrURLScheme
	}
	if u.User != nil {
		return "", ErrURLCredentials
	}
	u.Fragment = ""
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "", ErrURLForm
	}
	if !p.AllowPrivate {
		if addr, err := netip.ParseAddr(host); err == nil {
			if !outbound.Allowed(addr) {
				return "", ErrURLHost
			}
		} else if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") ||
			strings.HasSuffix(host, ".internal") || !strings.Contains(host, ".") {
			return "", ErrURLHost
		}
	}
	return u.String(), nil
}

// mustEscape reports whether r may appear in a URL only percent-encoded (RFC 3986): spaces and
// other control characters (those that change the direction of text too), quotes, angle
// brackets, the backslash and the other unsafe marks. Other non-ASCII characters are left to
// url.URL, which encodes them in the path.
func mustEscape(r rune) bool {
	return r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || bidi.IsControl(r) || strings.ContainsRune(`"'<>\^`+"`{|}", r)
}

// HostPort is where u's requests go, for dial-time checks.
func HostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// CheckEventTypes checks every name against the catalogue and returns them sorted, once each.
func CheckEventTypes(names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, fielderr.New("event_types", ErrNoEventTypes)
	}
	var errs []error
	out := make([]string, 0, len(names))
	for i, n := range names {
		if _, err := Lookup(n); err != nil {
			errs = append(errs, fielderr.New(fmt.Sprintf("event_types[%d]", i), err))
			continue
		}
		out = append(out, n)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Draft is what a brand sets on an endpoint.
type Draft struct {
	URL         string
	Description string
	EventTypes  []string
}

// Check validates d under policy and returns it normalised, with an error per field at fault.
func (d Draft) Check(policy URLPolicy) (Draft, error) {
	var errs []error
	u, err := policy.CheckURL(d.URL)
	if err != nil {
		errs = append(errs, fielderr.New("url", err))
	}
	d.URL = u
	d.Description = strings.TrimSpace(d.Description)
	if len([]rune(d.Description)) > 200 || bidi.Contains(d.Description) {
		errs = append(errs, fielderr.New("description", ErrDescription))
	}
	types, err := CheckEventTypes(d.EventTypes)
	if err != nil {
		errs = append(errs, err)
	}
	d.EventTypes = types
	return d, errors.Join(errs...)
}
