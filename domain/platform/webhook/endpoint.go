package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// FieldError names the endpoint field at fault.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

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
	ErrNoEventTypes   = errors.New("choose at least one event type")
	ErrDescription    = errors.New("descriptions are at most 200 characters")
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
// where it resolves to is checked again when delivering (see PublicAddr).
func (p URLPolicy) CheckURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" || len(raw) > 2000 {
		return "", ErrURLForm
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
			if !PublicAddr(addr) {
				return "", ErrURLHost
			}
		} else if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") ||
			strings.HasSuffix(host, ".internal") || !strings.Contains(host, ".") {
			return "", ErrURLHost
		}
	}
	return u.String(), nil
}

// PublicAddr reports whether addr is a public unicast address: not loopback, private,
// link-local (cloud metadata services), multicast, unspecified or otherwise reserved.
func PublicAddr(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// reserved are ranges that are neither private nor public in net/netip's sense.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // this network
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // site-local
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2002::/16"),       // 6to4, which can wrap private IPv4
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated
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
		return nil, &FieldError{Field: "event_types", Err: ErrNoEventTypes}
	}
	var errs []error
	out := make([]string, 0, len(names))
	for i, n := range names {
		if _, err := Lookup(n); err != nil {
			errs = append(errs, &FieldError{Field: fmt.Sprintf("event_types[%d]", i), Err: err})
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
		errs = append(errs, &FieldError{Field: "url", Err: err})
	}
	d.URL = u
	d.Description = strings.TrimSpace(d.Description)
	if len([]rune(d.Description)) > 200 {
		errs = append(errs, &FieldError{Field: "description", Err: ErrDescription})
	}
	types, err := CheckEventTypes(d.EventTypes)
	if err != nil {
		errs = append(errs, err)
	}
	d.EventTypes = types
	return d, errors.Join(errs...)
}
