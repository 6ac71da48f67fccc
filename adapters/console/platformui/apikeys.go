package platformui

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/platform/apikeys"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/apikey"
	"github.com/engagehq/engage/ports"
)

// funcs are the platform's template functions.
var funcs = template.FuncMap{"zones": zoneGroups, "zone": zoneLabel,
	"invitationStatus": invitationStatus}

type keyRow struct {
	ID, Name, Prefix, Role, Status string
	CreatedAt                      time.Time
	LastUsedAt, ExpiresAt          *time.Time
}

type apiKeysView struct {
	*console.View
	Keys []keyRow
	Form keyForm
	// Secret is shown once, right after creation.
	Secret string
	// RoleOptions are the roles a key may act as: the built-in ones, then the brand's own.
	RoleOptions []roleOption
}

type keyForm struct {
	Name, Role string
	Errors     map[string]string
}

func (h *handlers) keyRows(r *http.Request) ([]keyRow, error) {
	v := console.ViewOf(r)
	keys, err := h.d.APIKeys.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 200})
	rows := make([]keyRow, 0, len(keys))
	now := time.Now()
	for _, k := range keys {
		status := "active"
		switch k.Live(now) {
		case apikey.ErrRevoked:
			status = "revoked"
		case apikey.ErrExpired:
			status = "expired"
		}
		if status == "active" && k.ExpiresAt != nil {
			status = "rotating"
		}
		rows = append(rows, keyRow{ID: k.ID.String(), Name: k.Name, Prefix: k.DisplayPrefix(), Role: k.Role.String(),
			Status: status, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, ExpiresAt: k.ExpiresAt})
	}
	return rows, err
}

func (h *handlers) apiKeys(w http.ResponseWriter, r *http.Request) {
	h.renderKeys(w, r, "page", keyForm{Role: access.RoleStoreStaff.String()}, "")
}

func (h *handlers) renderKeys(w http.ResponseWriter, r *http.Request, block string, form keyForm, secret string) {
	rows, err := h.keyRows(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	opts, err := h.roleOptions(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.RenderBlock(w, r, "api_keys", block, apiKeysView{View: console.ViewOf(r), Keys: rows, Form: form, Secret: secret, RoleOptions: opts})
}

func (h *handlers) createAPIKey(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	form := keyForm{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role"), Errors: map[string]string{}}
	role, err := access.ParseRole(form.Role)
	if err != nil {
		form.Errors["role"] = messages.T(v.Lang, "keys.bad_role")
	}
	if form.Name == "" || len([]rune(form.Name)) > 100 {
		form.Errors["name"] = messages.T(v.Lang, "form.name_length")
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		h.renderKeys(w, r, "keys", form, "")
		return
	}
	if !console.Fresh(r) {
		v.Flash = messages.T(v.Lang, "form.already_submitted")
		h.renderKeys(w, r, "keys", keyForm{Role: form.Role}, "")
		return
	}
	c, err := h.d.APIKeys.Create(r.Context(), v.Tenant.ID, v.Roles, form.Name, role)
	switch {
	case errors.Is(err, apikeys.ErrEscalation):
		form.Errors["role"] = messages.T(v.Lang, "error.escalation")
	case errors.Is(err, apikeys.ErrUnknownRole):
		form.Errors["role"] = messages.T(v.Lang, "keys.bad_role")
	case errors.Is(err, apikey.ErrName):
		form.Errors["name"] = messages.T(v.Lang, "form.name_length")
	case err != nil:
		console.Internal(w, r, err)
		return
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		h.renderKeys(w, r, "keys", form, "")
		return
	}
	v.Flash = messages.T(v.Lang, "keys.created")
	h.renderKeys(w, r, "keys", keyForm{Role: form.Role}, c.Token)
}

func (h *handlers) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	if _, err := h.d.APIKeys.Revoke(r.Context(), v.Tenant.ID, id); errors.Is(err, apikey.ErrNotFound) {
		console.NotFound(w, r)
		return
	} else if err != nil {
		console.Internal(w, r, err)
		return
	}
	v.Flash = messages.T(v.Lang, "keys.revoked")
	h.renderKeys(w, r, "keys", keyForm{Role: access.RoleStoreStaff.String()}, "")
}

func (h *handlers) rotateAPIKey(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	hours, err := strconv.Atoi(r.PostFormValue("overlap_hours"))
	if err != nil || hours < 0 || hours > 168 {
		hours = 24
	}
	c, err := h.d.APIKeys.Rotate(r.Context(), v.Tenant.ID, id, time.Duration(hours)*time.Hour)
	switch {
	case errors.Is(err, apikey.ErrNotFound):
		console.NotFound(w, r)
		return
	case errors.Is(err, apikey.ErrRevoked), errors.Is(err, apikey.ErrExpired):
		console.Fail(w, r, http.StatusConflict, messages.T(v.Lang, "keys.not_live"))
		return
	case err != nil:
		console.Internal(w, r, err)
		return
	}
	v.Flash = messages.T(v.Lang, "keys.rotated")
	h.renderKeys(w, r, "keys", keyForm{Role: access.RoleStoreStaff.String()}, c.Token)
}
