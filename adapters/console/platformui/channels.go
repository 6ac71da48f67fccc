package platformui

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
)

// channelForm is one channel's form: what was typed (or stored) and what is wrong with it.
type channelForm struct {
	Channel string
	Values  map[string]string
	Errors  map[string]string
	// Hint is the masked stored secret, "" when none.
	Hint string
	// Test is the last connection test, shown to those who may change the settings only: ""
	// untested (or not to be shown), "ok", or what went wrong in the admin's language.
	Test  string
	Saved bool
}

type channelsView struct {
	*console.View
	Forms map[string]channelForm
	// Parts are what modules set up over the channels (ChannelSettings).
	Parts []template.HTML
}

// channelFields lists each channel's fields in form order.
var channelFields = map[string][]string{
	ports.ChannelWeChatOfficialAccount: {"app_id"},
	ports.ChannelWeChatMiniProgram:     {"app_id"},
	ports.ChannelSMS:                   {"provider", "access_key_id", "sign_name", "region", "sdk_app_id"},
	ports.ChannelSMTP:                  {"host", "port", "username", "from", "tls"},
}

// storedForms are the forms of the stored settings, as v sees them: the last tests only for
// those who may change the settings (and test them).
func storedForms(v *console.View, st channels.Settings) map[string]channelForm {
	forms := map[string]channelForm{}
	for channel := range channelFields {
		f := channelForm{Channel: channel, Values: map[string]string{}, Errors: map[string]string{}, Hint: st.Secrets[channel]}
		if t, ok := st.Tests[channel]; ok && v.Can(string(access.PermSettingsWrite)) {
			f.Test = "ok"
			if !t.OK() {
				f.Test = testText(v.Lang, t)
			}
		}
		forms[channel] = f
	}
	if a := st.OfficialAccount; a != nil {
		forms[ports.ChannelWeChatOfficialAccount].Values["app_id"] = a.AppID
	}
	if a := st.MiniProgram; a != nil {
		forms[ports.ChannelWeChatMiniProgram].Values["app_id"] = a.AppID
	}
	if a := st.SMS; a != nil {
		v := forms[ports.ChannelSMS].Values
		v["provider"], v["access_key_id"], v["sign_name"], v["region"], v["sdk_app_id"] = a.Provider, a.AccessKeyID, a.SignName, a.Region, a.SDKAppID
	} else {
		forms[ports.ChannelSMS].Values["provider"] = "aliyun"
	}
	if a := st.SMTP; a != nil {
		v := forms[ports.ChannelSMTP].Values
		v["host"], v["port"], v["username"], v["from"], v["tls"] = a.Host, strconv.Itoa(a.Port), a.Username, a.From, a.TLS
	} else {
		forms[ports.ChannelSMTP].Values["port"], forms[ports.ChannelSMTP].Values["tls"] = "465", "tls"
	}
	return forms
}

func (h *handlers) channels(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	st, err := h.d.Channels.Get(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	parts, err := console.Parts(r, ChannelSettings)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "channels", channelsView{View: v, Forms: storedForms(v, st), Parts: parts})
}

// channelConfig reads a channel's form into its configuration type.
func channelConfig(channel string, values map[string]string) (any, error) {
	switch channel {
	case ports.ChannelWeChatOfficialAccount, ports.ChannelWeChatMiniProgram:
		return channels.WeChatApp{AppID: values["app_id"]}, nil
	case ports.ChannelSMS:
		return ports.SMSAccount{Provider: values["provider"], AccessKeyID: values["access_key_id"], SignName: values["sign_name"],
			Region: values["region"], SDKAppID: values["sdk_app_id"]}, nil
	case ports.ChannelSMTP:
		port, err := strconv.Atoi(values["port"])
		if err != nil {
			return nil, fielderr.New("port", err)
		}
		return ports.SMTPAccount{Host: values["host"], Port: port, Username: values["username"], From: values["from"], TLS: values["tls"]}, nil
	}
	return nil, errors.New("unknown channel")
}

func (h *handlers) saveChannel(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	channel := chi.URLParam(r, "channel")
	fields, ok := channelFields[channel]
	if !ok {
		console.NotFound(w, r)
		return
	}
	form := channelForm{Channel: channel, Values: map[string]string{}, Errors: map[string]string{}}
	for _, f := range fields {
		form.Values[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	cfg, err := channelConfig(channel, form.Values)
	if err == nil {
		err = h.d.Channels.Save(r.Context(), v.Tenant.ID, channel, cfg, r.PostFormValue("secret"))
	}
	for _, fe := range fielderr.All(err) {
		key := fe.Field
		if key == "value" {
			key = "secret"
		}
		form.Errors[key] = messages.TOr(v.Lang, "channels.bad_"+key, "form.invalid")
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		renderChannel(w, r, v, form)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	st, err := h.d.Channels.Get(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	saved := storedForms(v, st)[channel]
	saved.Saved = true
	renderChannel(w, r, v, saved)
}

func renderChannel(w http.ResponseWriter, r *http.Request, v *console.View, form channelForm) {
	console.RenderBlock(w, r, "channels", "channel-"+form.Channel, channelsView{View: v, Forms: map[string]channelForm{form.Channel: form}})
}

func (h *handlers) testChannel(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	channel := chi.URLParam(r, "channel")
	if _, ok := channelFields[channel]; !ok {
		console.NotFound(w, r)
		return
	}
	res, err := h.d.Channels.Test(r.Context(), v.Tenant.ID, channel)
	out := testResult{OK: res.OK(), Text: messages.T(v.Lang, "channels.test_ok")}
	switch {
	case errors.Is(err, channels.ErrNoSecret), errors.Is(err, ports.ErrChannelNotConfigured):
		out = testResult{Text: messages.T(v.Lang, "channels.test_incomplete")}
	case err != nil:
		console.Internal(w, r, err)
		return
	case !res.OK():
		// The detail may quote the server and name addresses: the log has it, the page does not.
		console.Logger(r).WarnContext(r.Context(), "channel test failed", "channel", channel, "problem", res.Problem, "error", res.Detail)
		out.Text = testText(v.Lang, res)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	console.RenderBlock(w, r, "channels", "test-result", out)
}

// testText says in lang what a failed test found: the problem, and the provider's code.
func testText(lang string, r channels.TestResult) string {
	text := messages.TOr(lang, "channels.problem_"+r.Problem, "channels.problem_failed")
	if r.Provider != "" {
		text += " (" + r.Provider + " " + r.Code + ")"
	}
	return text
}

type testResult struct {
	OK   bool
	Text string
}
