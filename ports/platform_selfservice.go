package ports

import (
	"context"
	"errors"
)

// Errors of self-service flows.
var (
	// ErrFlowGone is a flow (or flow error) the provider does not know or that has expired:
	// the browser starts a new one.
	ErrFlowGone = errors.New("self-service flow unknown or expired")
	// ErrFlowRefused is a flow the provider will not show this browser: another browser
	// started it (its anti-CSRF cookie does not match).
	ErrFlowRefused = errors.New("self-service flow refused to this browser")
)

// FlowKind names a self-service flow.
type FlowKind string

// The self-service flows the console shows.
const (
	FlowLogin        FlowKind = "login"
	FlowRegistration FlowKind = "registration"
	FlowRecovery     FlowKind = "recovery"
	FlowVerification FlowKind = "verification"
	FlowSettings     FlowKind = "settings"
)

// FlowKinds are every FlowKind, in the order the console lists its pages.
var FlowKinds = []FlowKind{FlowLogin, FlowRegistration, FlowRecovery, FlowVerification, FlowSettings}

// SelfService is the identity provider's self-service browser flows (Ory Kratos's), whose
// forms the console renders and the browser posts to the provider itself. Each call forwards
// the browser's whole Cookie header: the provider finds its anti-CSRF and session cookies in it.
type SelfService interface {
	// Flow reads the flow of kind with id for the browser whose Cookie header is cookie:
	// ErrFlowGone when unknown or expired, ErrFlowRefused when it is not this browser's,
	// ErrNoSession for settings without a session.
	Flow(ctx context.Context, kind FlowKind, id, cookie string) (AuthFlow, error)
	// FlowError reads the error the provider sent a browser to the error page with;
	// ErrFlowGone when unknown.
	FlowError(ctx context.Context, id string) (AuthError, error)
	// LogoutURL is where the browser ends the session in its cookie, then comes back to
	// returnTo; ErrNoSession when the cookie carries none.
	LogoutURL(ctx context.Context, cookie, returnTo string) (string, error)
}

// AuthFlow is a self-service flow's form: where it posts, what it says and its fields.
type AuthFlow struct {
	Action, Method string
	Messages       []AuthText
	Nodes          []AuthNode
}

// AuthNode is one element of a flow's form.
type AuthNode struct {
	// Group is the method the node belongs to ("default", "password", "code", "profile", ...).
	Group string
	// Type is "input", "text", "a", "img" or "script".
	Type string
	// Name, InputType, Value, Autocomplete, Required and Disabled describe an input.
	Name, InputType, Value, Autocomplete string
	Required, Disabled                   bool
	// Href is an anchor's target; Text is a text node's text or an anchor's title.
	Href string
	Text AuthText
	// Label labels an input (zero ID and empty Text: none); Messages are said about it.
	Label    AuthText
	Messages []AuthText
}

// AuthText is a message of the provider: its stable ID (Kratos's message IDs), type
// ("info", "error", "success"), its English text and the values the text was made with.
type AuthText struct {
	ID      int64
	Type    string
	Text    string
	Context map[string]any
}

// AuthError is the error a flow ended in.
type AuthError struct {
	// Code is the HTTP status the provider gave it; ID its stable ID when it has one
	// (e.g. "security_csrf_violation"); Reason and Message its English explanation.
	Code                int
	ID, Reason, Message string
}
