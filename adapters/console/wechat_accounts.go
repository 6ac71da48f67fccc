package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/application/wechataccounts"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// wechatAccountsView is the WeChat accounts block of a customer's 360° page.
type wechatAccountsView struct {
	*view
	CustomerID uuid.UUID
	Accounts   []wechataccounts.Link
	// Error is a refusal to show above the list; Form holds the link form's input and errors.
	Error string
	Form  customerForm
}

// renderWeChatAccounts renders the block with the customer's current accounts.
func (s *Server) renderWeChatAccounts(w http.ResponseWriter, r *http.Request, out wechatAccountsView) {
	links, err := s.d.WeChatAccounts.List(r.Context(), out.Tenant.ID, out.CustomerID)
	if errors.Is(err, ports.ErrCustomerNotFound) {
		s.fail(w, r, http.StatusNotFound, tr(out.Lang, "error.not_found"))
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out.Accounts = links
	if out.Form.Values == nil {
		out.Form = customerForm{Values: map[string]string{}, Errors: map[string]string{}}
	}
	s.pages.renderBlock(w, "customer", "wechat-accounts", out)
}

// wechatAccounts is the block, loaded into the 360° page.
func (s *Server) wechatAccounts(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersRead) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.renderWeChatAccounts(w, r, wechatAccountsView{view: viewFrom(r.Context()), CustomerID: id})
}

// wechatAccountAction disconnects or re-authorises one account, then shows the block again.
func (s *Server) wechatAccountAction(reauthorize bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.allowed(w, r, access.PermCustomersWrite) {
			return
		}
		id, ok := s.pathID(w, r)
		if !ok {
			return
		}
		v := viewFrom(r.Context())
		openID := chi.URLParam(r, "openid")
		act, done := s.d.WeChatAccounts.Disconnect, "wechat.disconnected"
		if reauthorize {
			act, done = s.d.WeChatAccounts.Reauthorize, "wechat.reauthorized"
		}
		out := wechatAccountsView{view: v, CustomerID: id}
		switch err := act(r.Context(), v.Tenant.ID, id, openID); {
		case errors.Is(err, ports.ErrWeChatAccountNotFound):
			out.Error = tr(v.Lang, "wechat.not_found")
		case err != nil:
			s.internal(w, r, err)
			return
		default:
			v.Flash = tr(v.Lang, done)
		}
		s.renderWeChatAccounts(w, r, out)
	}
}

// linkWeChatAccount moves the WeChat account an admin names to this customer.
func (s *Server) linkWeChatAccount(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	values := map[string]string{"open_id": strings.TrimSpace(r.PostFormValue("open_id")), "app_id": strings.TrimSpace(r.PostFormValue("app_id"))}
	out := wechatAccountsView{view: v, CustomerID: id, Form: customerForm{Values: values, Errors: map[string]string{}}}
	if values["open_id"] == "" || len(values["open_id"]) > 128 {
		out.Form.Errors["open_id"] = tr(v.Lang, "wechat.bad_open_id")
	} else {
		_, err := s.d.WeChatAccounts.Move(r.Context(), v.Tenant.ID, values["app_id"], values["open_id"], id)
		switch {
		case errors.Is(err, ports.ErrWeChatAccountNotFound):
			out.Form.Errors["open_id"] = tr(v.Lang, "wechat.not_found")
		case errors.Is(err, wechataccounts.ErrAmbiguousOpenID):
			out.Form.Errors["app_id"] = tr(v.Lang, "wechat.app_required")
		case errors.Is(err, ports.ErrWeChatAppTaken):
			out.Form.Errors["open_id"] = tr(v.Lang, "wechat.app_taken")
		case err != nil:
			s.internal(w, r, err)
			return
		default:
			v.Flash = tr(v.Lang, "wechat.linked")
			out.Form.Values = map[string]string{}
		}
	}
	if len(out.Form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	s.renderWeChatAccounts(w, r, out)
}

// fanTagsView is the fan tag import block of the channels page.
type fanTagsView struct {
	*view
	Imports []ports.FanTagImport
	// Running is true while an import is queued or running: the block refreshes itself.
	Running bool
	Error   string
}

// renderFanTags renders the block with the latest imports.
func (s *Server) renderFanTags(w http.ResponseWriter, r *http.Request, out fanTagsView) {
	imports, err := s.d.WeChatAccounts.RecentFanTagImports(r.Context(), out.Tenant.ID, 5)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out.Imports = imports
	for _, i := range imports {
		out.Running = out.Running || i.Status == wechataccounts.ImportQueued || i.Status == wechataccounts.ImportRunning
	}
	s.pages.renderBlock(w, "channels", "wechat-fan-tags", out)
}

// fanTags is the block, loaded into the channels page.
func (s *Server) fanTags(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersRead) {
		return
	}
	s.renderFanTags(w, r, fanTagsView{view: viewFrom(r.Context())})
}

// importFanTags queues an import of the Official Account's fan tags.
func (s *Server) importFanTags(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersWrite) {
		return
	}
	v := viewFrom(r.Context())
	out := fanTagsView{view: v}
	switch _, err := s.d.WeChatAccounts.RequestFanTagImport(r.Context(), v.Tenant.ID); {
	case errors.Is(err, wechataccounts.ErrNotConfigured):
		out.Error = tr(v.Lang, "wechat.oa_not_configured")
	case err != nil:
		s.internal(w, r, err)
		return
	default:
		v.Flash = tr(v.Lang, "wechat.import_requested")
	}
	s.renderFanTags(w, r, out)
}
