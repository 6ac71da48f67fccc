package console

import (
	"context"
	"net/http"
	"strings"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// View is what every page knows about the request: the admin, the brand, their permissions,
// the tokens forms send back and the menu. Pages embed it in their own views.
type View struct {
	// Lang is the admin's language, "zh-CN" or "en".
	Lang string
	// User is the signed-in admin; Tenant the brand they work on, one of Brands (for the switcher).
	User   ports.AdminUser
	Tenant tenants.Tenant
	Brands []Brand
	// Roles are the admin's roles in the brand, and Permissions what they grant.
	Roles       []access.Role
	Permissions map[access.Permission]bool
	// CSRF is the token every form and htmx request sends back.
	CSRF string
	// Nonce tells one submission of a form from another, so that a double submit does one
	// thing (see Fresh).
	Nonce string
	// Path is the request's path, for the language switch to come back to.
	Path string
	// Menu is the sidebar: the entries the admin may open.
	Menu []MenuItem
	// Flash is a one-line notice for the top of the page.
	Flash string

	srv *Server
	// module serves the request (or renders the part), for Render and Fragment.
	module *module
}

// Brand is one of the admin's brands: its slug and name, and whether it is the current one.
type Brand struct {
	Slug, Name string
	Current    bool
}

// MenuItem is a menu entry as the layout shows it: its label translated, its path and ID as
// the entry gave them, and Current on the entry's own page.
type MenuItem struct {
	Label, Path, ID string
	Current         bool
}

// Can reports whether the admin holds the permission named p, for templates.
func (v *View) Can(p string) bool { return v.Permissions[access.Permission(p)] }

// admits reports whether the admin passes g; the operator's gate is checked before a view exists.
func (v *View) admits(g Gate) bool {
	return g.kind == gateAnyAdmin || g.kind == gatePermission && v.Permissions[g.permission]
}

type viewKey struct{}

// ViewOf is the view of a request the console serves.
func ViewOf(r *http.Request) *View {
	v, _ := r.Context().Value(viewKey{}).(*View)
	return v
}

func withView(r *http.Request, v *View) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), viewKey{}, v))
}

// AbsoluteURL is path on the console's public URL, or on the request's own origin when none
// is configured: for links that leave the browser, such as an invitation's.
func AbsoluteURL(r *http.Request, path string) string {
	if base := strings.TrimRight(ViewOf(r).srv.d.PublicURL, "/"); base != "" {
		return base + path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}
