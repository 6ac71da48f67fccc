package customersui

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/ports"
)

// wechatAccountsView is the WeChat accounts block of a customer's 360° page.
type wechatAccountsView struct {
	*console.View
	CustomerID uuid.UUID
	Accounts   []wechataccounts.Link
	// Error is a refusal to show above the list; Form holds the link form's input and errors.
	Error string
	Form  customerForm
}

// renderWeChatAccounts renders the block with the customer's current accounts.
func (h *handlers) renderWeChatAccounts(w http.ResponseWriter, r *http.Request, out wechatAccountsView) {
	links, err := h.d.WeChatAccounts.List(r.Context(), out.Tenant.ID, out.CustomerID)
	if errors.Is(err, ports.ErrCustomerNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out.Accounts = links
	if out.Form.Values == nil {
		out.Form = customerForm{Values: map[string]string{}, Errors: map[string]string{}}
	}
	console.RenderBlock(w, r, "customer", "wechat-accounts", out)
}

// wechatAccounts is the block, loaded into the 360° page.
func (h *handlers) wechatAccounts(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	h.renderWeChatAccounts(w, r, wechatAccountsView{View: console.ViewOf(r), CustomerID: id})
}

// wechatAccountAction disconnects or re-authorises one account, then shows the block again.
func (h *handlers) wechatAccountAction(reauthorize bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := console.PathID(w, r)
		if !ok {
			return
		}
		v := console.ViewOf(r)
		openID := chi.URLParam(r, "openid")
		act, done := h.d.WeChatAccounts.Disconnect, "wechat.disconnected"
		if reauthorize {
			act, done = h.d.WeChatAccounts.Reauthorize, "wechat.reauthorized"
		}
		out := wechatAccountsView{View: v, CustomerID: id}
		switch err := act(r.Context(), v.Tenant.ID, id, openID); {
		case errors.Is(err, ports.ErrWeChatAccountNotFound):
			out.Error = messages.T(v.Lang, "wechat.not_found")
		case err != nil:
			console.Internal(w, r, err)
			return
		default:
			v.Flash = messages.T(v.Lang, done)
		}
		h.renderWeChatAccounts(w, r, out)
	}
}

// linkWeChatAccount moves the WeChat account an admin names to this customer.
func (h *handlers) linkWeChatAccount(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	values := map[string]string{"open_id": strings.TrimSpace(r.PostFormValue("open_id")), "app_id": strings.TrimSpace(r.PostFormValue("app_id"))}
	out := wechatAccountsView{View: v, CustomerID: id, Form: customerForm{Values: values, Errors: map[string]string{}}}
	if values["open_id"] == "" || len(values["open_id"]) > 128 {
		out.Form.Errors["open_id"] = messages.T(v.Lang, "wechat.bad_open_id")
	} else {
		_, err := h.d.WeChatAccounts.Move(r.Context(), v.Tenant.ID, values["app_id"], values["open_id"], id)
		switch {
		case errors.Is(err, ports.ErrWeChatAccountNotFound):
			out.Form.Errors["open_id"] = messages.T(v.Lang, "wechat.not_found")
		case errors.Is(err, wechataccounts.ErrAmbiguousOpenID):
			out.Form.Errors["app_id"] = messages.T(v.Lang, "wechat.app_required")
		case errors.Is(err, ports.ErrWeChatAppTaken):
			out.Form.Errors["open_id"] = messages.T(v.Lang, "wechat.app_taken")
		case err != nil:
			console.Internal(w, r, err)
			return
		default:
			v.Flash = messages.T(v.Lang, "wechat.linked")
			out.Form.Values = map[string]string{}
		}
	}
	if len(out.Form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	h.renderWeChatAccounts(w, r, out)
}

// fanTagsView is the fan tag import block of the channels page.
type fanTagsView struct {
	*console.View
	Imports []ports.FanTagImport
	// Running is true while an import is queued or running: the block refreshes itself.
	Running bool
	Error   string
}

// renderFanTags renders the block with the latest imports.
func (h *handlers) renderFanTags(w http.ResponseWriter, r *http.Request, out fanTagsView) {
	imports, err := h.d.WeChatAccounts.RecentFanTagImports(r.Context(), out.Tenant.ID, 5)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out.Imports = imports
	for _, i := range imports {
		out.Running = out.Running || i.Status == wechataccounts.ImportQueued || i.Status == wechataccounts.ImportRunning
	}
	// The block is a partial, which every page of the module parses.
	console.RenderBlock(w, r, "customer", "wechat-fan-tags", out)
}

// fanTagsSection is the place of the block on the channels page, which loads it (fanTags).
func fanTagsSection(r *http.Request) (template.HTML, error) {
	return console.Fragment(r, "wechat-fan-tags-section", nil)
}

// fanTags is the block, loaded into the channels page.
func (h *handlers) fanTags(w http.ResponseWriter, r *http.Request) {
	h.renderFanTags(w, r, fanTagsView{View: console.ViewOf(r)})
}

// importFanTags queues an import of the Official Account's fan tags.
func (h *handlers) importFanTags(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out := fanTagsView{View: v}
	switch _, err := h.d.WeChatAccounts.RequestFanTagImport(r.Context(), v.Tenant.ID); {
	case errors.Is(err, wechataccounts.ErrNotConfigured):
		out.Error = messages.T(v.Lang, "wechat.oa_not_configured")
	case err != nil:
		console.Internal(w, r, err)
		return
	default:
		v.Flash = messages.T(v.Lang, "wechat.import_requested")
	}
	h.renderFanTags(w, r, out)
}
