package kratostest

import (
	client "github.com/ory/kratos-client-go"
)

// Kratos's message IDs the flows' forms use (text/id.go in Kratos).
const (
	labelSignIn   = 1010001
	labelSignUp   = 1040001
	labelPassword = 1070001
	labelTitle    = 1070002 // the identity schema's title of a trait
	labelSave     = 1070003
	labelID       = 1070004
	labelSubmit   = 1070005
	labelEmail    = 1070007
)

// model is f as Kratos serves it, in the client's model of its kind; the caller holds s.mu.
func (s *Server) model(f *flow) any {
	ui := *client.NewUiContainer(s.srv.URL+"/self-service/"+f.kind+"?flow="+f.id, "POST", s.nodes(f))
	if len(f.messages) > 0 {
		ui.SetMessages(f.messages)
	}
	var m interface {
		SetReturnTo(string)
	}
	switch f.kind {
	case "login":
		lf := client.NewLoginFlow(f.expiresAt, f.id, f.issuedAt, f.requestURL, "choose_method", "browser", ui)
		lf.SetRefresh(false)
		lf.SetRequestedAal(client.AUTHENTICATORASSURANCELEVEL_AAL1)
		m = lf
	case "registration":
		m = client.NewRegistrationFlow(f.expiresAt, f.id, f.issuedAt, f.requestURL, "choose_method", "browser", ui)
	case "recovery":
		m = client.NewRecoveryFlow(f.expiresAt, f.id, f.issuedAt, f.requestURL, "choose_method", "browser", ui)
	case "verification":
		vf := client.NewVerificationFlow(f.id, "choose_method", "browser", ui)
		vf.SetExpiresAt(f.expiresAt)
		vf.SetIssuedAt(f.issuedAt)
		vf.SetRequestUrl(f.requestURL)
		m = vf
	case "settings":
		m = client.NewSettingsFlow(f.expiresAt, f.id, s.sessions[f.session].identity(), f.issuedAt, f.requestURL, "show_form", "browser", ui)
	}
	if f.returnTo != "" {
		m.SetReturnTo(f.returnTo)
	}
	return m
}

// nodes are the form of f's kind as Kratos builds it with the password and code methods and
// Engage's identity schema (traits email and name); the caller holds s.mu.
func (s *Server) nodes(f *flow) []client.UiNode {
	out := []client.UiNode{input("default", "csrf_token", "hidden", f.csrf, true, "", nil)}
	switch f.kind {
	case "login":
		out = append(out,
			input("default", "identifier", "text", f.identifier, true, "username", label(labelID, "ID")),
			input("password", "password", "password", nil, true, "current-password", label(labelPassword, "Password")),
			input("password", "method", "submit", "password", false, "", label(labelSignIn, "Sign in")))
	case "registration":
		out = append(out,
			input("default", "traits.email", "email", nil, true, "email", title("Email")),
			input("default", "traits.name", "text", nil, true, "name", title("Name")),
			input("password", "password", "password", nil, true, "new-password", label(labelPassword, "Password")),
			input("password", "method", "submit", "password", false, "", label(labelSignUp, "Sign up")))
	case "recovery", "verification":
		out = append(out,
			input("code", "email", "email", nil, true, "email", label(labelEmail, "Email")),
			input("code", "method", "submit", "code", false, "", label(labelSubmit, "Submit")))
	case "settings":
		traits := s.sessions[f.session].identity().Traits.(map[string]any)
		out = append(out,
			input("profile", "traits.email", "email", traits["email"], true, "email", title("Email")),
			input("profile", "traits.name", "text", traits["name"], true, "name", title("Name")),
			input("profile", "method", "submit", "profile", false, "", label(labelSave, "Save")),
			input("password", "password", "password", nil, true, "new-password", label(labelPassword, "Password")),
			input("password", "method", "submit", "password", false, "", label(labelSave, "Save")))
	}
	return out
}

// input is an input node; value and autocomplete are left out when empty.
func input(group, name, typ string, value any, required bool, autocomplete string, lbl *client.UiText) client.UiNode {
	a := client.NewUiNodeInputAttributes(false, name, "input", typ)
	if value != nil && value != "" {
		a.SetValue(value)
	}
	if required {
		a.SetRequired(true)
	}
	if autocomplete != "" {
		a.SetAutocomplete(autocomplete)
	}
	meta := client.UiNodeMeta{}
	if lbl != nil {
		meta.SetLabel(*lbl)
	}
	return *client.NewUiNode(client.UiNodeInputAttributesAsUiNodeAttributes(a), group, []client.UiText{}, meta, "input")
}

func label(id int64, text string) *client.UiText { return client.NewUiText(id, text, "info") }

// title is the label Kratos generates from a trait's title in the identity schema.
func title(t string) *client.UiText {
	l := label(labelTitle, t)
	l.SetContext(map[string]any{"title": t})
	return l
}
