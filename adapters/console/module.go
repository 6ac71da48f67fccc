package console

import (
	"html/template"
	"io/fs"
	"net/http"

	"github.com/engagehq/engage/domain/access"
)

// Module is what a module adds to the console: the routes of its pages, its menu entries, its
// messages and templates, and the parts it adds to pages. The console is built from a list of
// them, so a new module adds pages without editing the kit.
type Module struct {
	// Name names the module in the console's complaints about it, e.g. "customers".
	Name string
	// Routes are the module's pages, fragments and form posts.
	Routes []Route
	// Menu are the module's entries in the sidebar.
	Menu []MenuEntry
	// Messages are every string the module's pages show, in each language the console speaks.
	// A key belongs to one module; the console's own messages (errors, form words) serve all.
	Messages Messages
	// Templates holds the module's pages, one per .html file at its root (each defines
	// "title" and "content" for the layout, or "page" to stand alone), and under partials/
	// the blocks its pages and parts share.
	Templates fs.FS
	// Funcs are template functions the module's templates call besides the console's.
	Funcs template.FuncMap
	// Parts are what the module adds to slots of pages, its own or another module's.
	Parts []Part
}

// TemplatesOf is the templates folder of a module's embedded files, for Module.Templates: a
// module embeds it with //go:embed templates.
func TemplatesOf(files fs.FS) fs.FS {
	t, err := fs.Sub(files, "templates")
	if err != nil {
		panic(err) // fs.Sub refuses only a malformed name, and "templates" is not one.
	}
	return t
}

// Route is one handler of a module and who may call it.
type Route struct {
	// Method is the HTTP method, GET or POST.
	Method string
	// Pattern is the chi pattern under /console, e.g. "/customers/{id}".
	Pattern string
	// Gate is who may call the route: the console checks it before Handler runs.
	Gate Gate
	// Handler serves the route; ViewOf gives it the admin's view.
	Handler http.HandlerFunc
}

// Get is a GET route.
func Get(pattern string, gate Gate, h http.HandlerFunc) Route {
	return Route{Method: http.MethodGet, Pattern: pattern, Gate: gate, Handler: h}
}

// Post is a POST route.
func Post(pattern string, gate Gate, h http.HandlerFunc) Route {
	return Route{Method: http.MethodPost, Pattern: pattern, Gate: gate, Handler: h}
}

// Gate is who may call a route or see a menu entry or a part. The zero Gate is not a choice:
// the console refuses to be built with it, so everything says what it needs.
type Gate struct {
	kind       gateKind
	permission access.Permission
}

type gateKind int

const (
	gateUndeclared gateKind = iota
	gatePermission
	gateAnyAdmin
	gateOperator
)

// Needs admits a signed-in admin whose roles in the current brand grant p; the console
// refuses everyone else with 403.
func Needs(p access.Permission) Gate { return Gate{kind: gatePermission, permission: p} }

// AnyAdmin admits every admin signed in to a brand: for what needs no permission, such as the
// dashboard (which shows each role only what it may see) or the brand's logo.
var AnyAdmin = Gate{kind: gateAnyAdmin}

// Operator admits the platform operator, whose password is the platform key; operator routes
// live under /platform and carry a CSRF token of their own.
var Operator = Gate{kind: gateOperator}

// MenuEntry is one link of the sidebar.
type MenuEntry struct {
	// Label is the message key of the link's text.
	Label string
	// Path is where the link leads, e.g. "/console/customers"; the entry is current there.
	Path string
	// ID names the entry for tests and styles (data-nav); empty for none.
	ID string
	// Gate is who sees the entry: the menu shows only what the admin may open.
	Gate Gate
	// Order places the entry among every module's, lowest first.
	Order int
}

// Slot names a place on a page where modules add parts; the module of the page declares it.
type Slot string

// Part is what a module adds to a slot: a notice on the dashboard, a section of a settings page.
type Part struct {
	// Slot is where the part goes.
	Slot Slot
	// Gate is who sees the part.
	Gate Gate
	// Render is the part's HTML for the request, empty when it has nothing to show. It renders
	// with its own module's templates (Fragment).
	Render func(r *http.Request) (template.HTML, error)
}
