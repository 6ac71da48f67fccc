package console

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
)

// module is a module as the console keeps it: what it declared, and its parsed pages.
type module struct {
	Module
	pages *pages
}

// route, menuEntry and part are a module's declarations with the module they came from.
type (
	route struct {
		Route
		module *module
	}
	menuEntry struct {
		MenuEntry
		module *module
	}
	part struct {
		Part
		module *module
	}
)

// kitRoutes are the console's own routes, which no module may take.
var kitRoutes = func() []string {
	out := []string{"GET /login", "POST /language", "POST /logout", "POST /switch"}
	for _, path := range AuthPages {
		out = append(out, "GET "+strings.TrimPrefix(path, "/console"))
	}
	return out
}()

// load checks the modules (and that no two define a route or a message), parses their
// templates and gathers their menu entries and parts.
func (s *Server) load(ms []Module) ([]*module, error) {
	owner := map[string]string{}
	for _, m := range messages {
		for k := range m {
			owner[k] = "the console"
		}
	}
	served := map[string]string{}
	for _, at := range kitRoutes {
		served[at] = "the console"
	}
	out := make([]*module, 0, len(ms))
	for i, m := range ms {
		if err := check(m); err != nil {
			return nil, fmt.Errorf("console: module %s: %w", m.Name, err)
		}
		for _, rt := range m.Routes {
			at := rt.Method + " " + rt.Pattern
			if o, ok := served[at]; ok {
				return nil, fmt.Errorf("console: module %s: %s is %s's already", m.Name, at, o)
			}
			served[at] = m.Name
		}
		// The module's number tells its keys apart from another module's of the same name.
		self := fmt.Sprintf("%s (module %d)", m.Name, i)
		for lang, keys := range m.Messages {
			if _, ok := messages[lang]; !ok {
				return nil, fmt.Errorf("console: module %s: messages in %q, which the console does not speak", m.Name, lang)
			}
			for k := range keys {
				if o, ok := owner[k]; ok && o != self {
					return nil, fmt.Errorf("console: module %s: message %q is %s's already", m.Name, k, o)
				}
				owner[k] = self
			}
		}
		mod := &module{Module: m, pages: &pages{sets: map[string]*template.Template{}}}
		if m.Templates != nil {
			p, err := parsePages(m.Templates, m.Messages, m.Funcs)
			if err != nil {
				return nil, fmt.Errorf("console: module %s: %w", m.Name, err)
			}
			mod.pages = p
		}
		for _, e := range m.Menu {
			s.menu = append(s.menu, menuEntry{e, mod})
		}
		for _, p := range m.Parts {
			s.parts[p.Slot] = append(s.parts[p.Slot], part{p, mod})
		}
		out = append(out, mod)
	}
	slices.SortStableFunc(s.menu, func(a, b menuEntry) int { return cmp.Compare(a.Order, b.Order) })
	return out, nil
}

// check refuses what a module must not declare: above all anything without its gate.
func check(m Module) error {
	var errs []error
	for _, rt := range m.Routes {
		at := rt.Method + " " + rt.Pattern
		operator := rt.Pattern == operatorPrefix || strings.HasPrefix(rt.Pattern, operatorPrefix+"/")
		switch {
		case rt.Method == "" || !strings.HasPrefix(rt.Pattern, "/") || rt.Handler == nil:
			errs = append(errs, fmt.Errorf("route %q needs a method, a pattern from / and a handler", at))
		case !rt.Gate.declared():
			errs = append(errs, fmt.Errorf("route %s declares no gate (Needs a permission, AnyAdmin or Operator)", at))
		case operator != (rt.Gate == Operator):
			errs = append(errs, fmt.Errorf("route %s: Operator routes, and only they, live under %s", at, operatorPrefix))
		}
	}
	for _, e := range m.Menu {
		if !e.Gate.declared() || e.Gate == Operator || e.Label == "" || e.Path == "" {
			errs = append(errs, fmt.Errorf("menu entry %q needs a label, a path and an admin's gate", e.Label))
		}
	}
	for _, p := range m.Parts {
		if !p.Gate.declared() || p.Gate == Operator || p.Slot == "" || p.Render == nil {
			errs = append(errs, fmt.Errorf("part of slot %q needs a slot, an admin's gate and a renderer", p.Slot))
		}
	}
	return errors.Join(errs...)
}

// declared reports whether the gate was chosen, and with a permission when it needs one.
func (g Gate) declared() bool {
	return g.kind != gateUndeclared && (g.kind != gatePermission || g.permission != "")
}

// routesOf is every module's routes whose gate keep accepts.
func routesOf(mods []*module, keep func(Gate) bool) []route {
	var out []route
	for _, m := range mods {
		for _, rt := range m.Routes {
			if keep(rt.Gate) {
				out = append(out, route{rt, m})
			}
		}
	}
	return out
}

// serve runs a route's handler once the admin passes its gate: the menu hides what they may
// not open, and this refuses it anyway. Operator routes were admitted by requirePlatform.
func (s *Server) serve(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := ViewOf(r)
		v.module = rt.module
		if rt.Gate != Operator && !v.admits(rt.Gate) {
			Fail(w, r, http.StatusForbidden, messages.T(v.Lang, "error.forbidden"))
			return
		}
		rt.Handler(w, r)
	}
}

// menuFor is the sidebar of v's admin: the entries they may open, in their language.
func (s *Server) menuFor(v *View) []MenuItem {
	var items []MenuItem
	for _, e := range s.menu {
		if v.admits(e.Gate) {
			items = append(items, MenuItem{Label: e.module.Messages.T(v.Lang, e.Label), Path: e.Path, ID: e.ID, Current: v.Path == e.Path})
		}
	}
	return items
}

// Parts are the parts modules add to slot that r's admin may see, rendered in module order.
func Parts(r *http.Request, slot Slot) ([]template.HTML, error) {
	v := ViewOf(r)
	var out []template.HTML
	for _, p := range v.srv.parts[slot] {
		if !v.admits(p.Gate) {
			continue
		}
		pv := *v
		pv.module = p.module
		html, err := p.Render(withView(r, &pv))
		if err != nil {
			return nil, err
		}
		if html != "" {
			out = append(out, html)
		}
	}
	return out, nil
}
