package kratos

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	client "github.com/ory/kratos-client-go"

	"github.com/engagehq/engage/ports"
)

var _ ports.SelfService = (*Provider)(nil)

// Flow implements ports.SelfService: it asks Kratos for the browser flow with the browser's
// cookies, as Kratos requires of a UI rendered on a server.
func (p *Provider) Flow(ctx context.Context, kind ports.FlowKind, id, cookie string) (ports.AuthFlow, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var (
		ui   *client.UiContainer
		resp *http.Response
		err  error
	)
	api := p.api.FrontendAPI
	switch kind {
	case ports.FlowLogin:
		var f *client.LoginFlow
		if f, resp, err = api.GetLoginFlow(ctx).Id(id).Cookie(cookie).Execute(); f != nil {
			ui = &f.Ui
		}
	case ports.FlowRegistration:
		var f *client.RegistrationFlow
		if f, resp, err = api.GetRegistrationFlow(ctx).Id(id).Cookie(cookie).Execute(); f != nil {
			ui = &f.Ui
		}
	case ports.FlowRecovery:
		var f *client.RecoveryFlow
		if f, resp, err = api.GetRecoveryFlow(ctx).Id(id).Cookie(cookie).Execute(); f != nil {
			ui = &f.Ui
		}
	case ports.FlowVerification:
		var f *client.VerificationFlow
		if f, resp, err = api.GetVerificationFlow(ctx).Id(id).Cookie(cookie).Execute(); f != nil {
			ui = &f.Ui
		}
	case ports.FlowSettings:
		var f *client.SettingsFlow
		if f, resp, err = api.GetSettingsFlow(ctx).Id(id).Cookie(cookie).Execute(); f != nil {
			ui = &f.Ui
		}
	default:
		return ports.AuthFlow{}, fmt.Errorf("kratos: no %q flow", kind)
	}
	if err := flowErr(resp, err); err != nil {
		return ports.AuthFlow{}, fmt.Errorf("kratos: reading the %s flow: %w", kind, err)
	}
	if ui == nil {
		return ports.AuthFlow{}, fmt.Errorf("kratos: reading the %s flow: empty answer", kind)
	}
	return authFlow(*ui), nil
}

// FlowError implements ports.SelfService.
func (p *Provider) FlowError(ctx context.Context, id string) (ports.AuthError, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fe, resp, err := p.api.FrontendAPI.GetFlowError(ctx).Id(id).Execute()
	if err := flowErr(resp, err); err != nil {
		return ports.AuthError{}, fmt.Errorf("kratos: reading flow error: %w", err)
	}
	if fe == nil {
		return ports.AuthError{}, errors.New("kratos: reading flow error: empty answer")
	}
	e := fe.GetError()
	out := ports.AuthError{ID: str(e["id"]), Reason: str(e["reason"]), Message: str(e["message"])}
	if code, ok := e["code"].(float64); ok {
		out.Code = int(code)
	}
	return out, nil
}

// LogoutURL implements ports.SelfService: it creates Kratos's browser logout flow for the
// session cookie (and only that cookie is sent).
func (p *Provider) LogoutURL(ctx context.Context, cookie, returnTo string) (string, error) {
	cookie = p.sessionCookie(cookie)
	if cookie == "" {
		return "", ports.ErrNoSession
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req := p.api.FrontendAPI.CreateBrowserLogoutFlow(ctx).Cookie(cookie)
	if returnTo != "" {
		req = req.ReturnTo(returnTo)
	}
	lf, resp, err := req.Execute()
	if resp != nil && resp.StatusCode == http.StatusUnauthorized {
		return "", ports.ErrNoSession
	}
	if err != nil {
		return "", fmt.Errorf("kratos: creating the logout flow: %w", err)
	}
	if lf == nil || lf.LogoutUrl == "" {
		return "", errors.New("kratos: creating the logout flow: no logout URL")
	}
	return lf.LogoutUrl, nil
}

// flowErr maps Kratos's answers about a flow: 404 and 410 (unknown, expired) are
// ports.ErrFlowGone, 403 (another browser's flow) ports.ErrFlowRefused, 401 ports.ErrNoSession.
func flowErr(resp *http.Response, err error) error {
	if resp != nil {
		switch resp.StatusCode {
		case http.StatusNotFound, http.StatusGone:
			return ports.ErrFlowGone
		case http.StatusForbidden:
			return ports.ErrFlowRefused
		case http.StatusUnauthorized:
			return ports.ErrNoSession
		}
	}
	return err
}

// authFlow is Kratos's UI container as the console reads it.
func authFlow(ui client.UiContainer) ports.AuthFlow {
	out := ports.AuthFlow{Action: ui.Action, Method: ui.Method, Messages: texts(ui.Messages)}
	for _, n := range ui.Nodes {
		node := ports.AuthNode{Group: n.Group, Type: n.Type, Messages: texts(n.Messages)}
		if l := n.Meta.Label; l != nil {
			node.Label = text(*l)
		}
		switch a := n.Attributes; {
		case a.UiNodeInputAttributes != nil:
			in := a.UiNodeInputAttributes
			node.Name, node.InputType, node.Disabled = in.Name, in.Type, in.Disabled
			node.Required, node.Autocomplete = in.GetRequired(), in.GetAutocomplete()
			if in.Value != nil {
				node.Value = fmt.Sprint(in.Value)
			}
		case a.UiNodeTextAttributes != nil:
			node.Text = text(a.UiNodeTextAttributes.Text)
		case a.UiNodeAnchorAttributes != nil:
			node.Href, node.Text = a.UiNodeAnchorAttributes.Href, text(a.UiNodeAnchorAttributes.Title)
		}
		out.Nodes = append(out.Nodes, node)
	}
	return out
}

func texts(ts []client.UiText) []ports.AuthText {
	var out []ports.AuthText
	for _, t := range ts {
		out = append(out, text(t))
	}
	return out
}

func text(t client.UiText) ports.AuthText {
	return ports.AuthText{ID: t.Id, Type: t.Type, Text: t.Text, Context: t.Context}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
