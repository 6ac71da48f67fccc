package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/apikey"
	"github.com/engagehq/engage/ports"
)

// roleOptions are the roles forms offer.
var roleOptions = access.RoleNames()

type keyRow struct {
	ID, Name, Prefix, Role, Status string
	CreatedAt                      time.Time
	LastUsedAt, ExpiresAt          *time.Time
}

type apiKeysView struct {
	*view
	Keys []keyRow
	Form keyForm
	// Secret is shown once, right after creation.
	Secret string
}

type keyForm struct {
	Name, Role string
	Errors     map[string]string
}

func (s *Server) keyRows(r *http.Request) ([]keyRow, error) {
	v := viewFrom(r.Context())
	keys, err := s.d.APIKeys.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 200})
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

func (s *Server) apiKeys(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermAPIKeysRead) {
		return
	}
	s.renderKeys(w, r, "page", keyForm{Role: access.RoleStoreStaff.String()}, "")
}

func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, block string, form keyForm, secret string) {
	rows, err := s.keyRows(r)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.pages.renderBlock(w, "api_keys", block, apiKeysView{view: viewFrom(r.Context()), Keys: rows, Form: form, Secret: secret})
}

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermAPIKeysWrite) {
		return
	}
	v := viewFrom(r.Context())
	form := keyForm{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role"), Errors: map[string]string{}}
	role, err := access.ParseRole(form.Role)
	if err != nil {
		form.Errors["role"] = tr(v.Lang, "keys.bad_role")
	}
	if form.Name == "" || len([]rune(form.Name)) > 100 {
		form.Errors["name"] = tr(v.Lang, "form.name_length")
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.renderKeys(w, r, "keys", form, "")
		return
	}
	if !s.fresh(r.PostFormValue("_nonce")) {
		v.Flash = tr(v.Lang, "form.already_submitted")
		s.renderKeys(w, r, "keys", keyForm{Role: form.Role}, "")
		return
	}
	c, err := s.d.APIKeys.Create(r.Context(), v.Tenant.ID, v.Roles, form.Name, role)
	switch {
	case errors.Is(err, apikeys.ErrEscalation):
		form.Errors["role"] = tr(v.Lang, "error.escalation")
	case errors.Is(err, apikeys.ErrUnknownRole):
		form.Errors["role"] = tr(v.Lang, "keys.bad_role")
	case err != nil:
		s.internal(w, r, err)
		return
	}
	if len(form.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.renderKeys(w, r, "keys", form, "")
		return
	}
	v.Flash = tr(v.Lang, "keys.created")
	s.renderKeys(w, r, "keys", keyForm{Role: form.Role}, c.Token)
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermAPIKeysWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	if _, err := s.d.APIKeys.Revoke(r.Context(), v.Tenant.ID, id); errors.Is(err, apikey.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
		return
	} else if err != nil {
		s.internal(w, r, err)
		return
	}
	v.Flash = tr(v.Lang, "keys.revoked")
	s.renderKeys(w, r, "keys", keyForm{Role: access.RoleStoreStaff.String()}, "")
}

func (s *Server) rotateAPIKey(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermAPIKeysWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	hours, err := strconv.Atoi(r.PostFormValue("overlap_hours"))
	if err != nil || hours < 0 || hours > 168 {
		hours = 24
	}
	c, err := s.d.APIKeys.Rotate(r.Context(), v.Tenant.ID, id, time.Duration(hours)*time.Hour)
	switch {
	case errors.Is(err, apikey.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
		return
	case errors.Is(err, apikey.ErrRevoked), errors.Is(err, apikey.ErrExpired):
		s.fail(w, r, http.StatusConflict, tr(v.Lang, "keys.not_live"))
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	v.Flash = tr(v.Lang, "keys.rotated")
	s.renderKeys(w, r, "keys", keyForm{Role: access.RoleStoreStaff.String()}, c.Token)
}
