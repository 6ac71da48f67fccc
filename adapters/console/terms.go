package console

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/engagehq/engage/domain/access"
)

// Terms are the names a module gives its codes, in each language the console speaks, for
// every module's pages to show in place of the codes: its permissions and their areas, its
// audit actions and target types, its jobs. Unlike Messages, which belong to a module's pages,
// terms serve every page (the platform's roles page names the points module's permissions),
// and a module without pages has them too. Keys are the kind of code, a dot and the code:
//
//	perm.customers:read        a permission's name
//	perm.customers:read.help   what it allows, in a short sentence
//	area.customers             the area of the permissions of resource customers
//	role.marketer              a built-in role's name (role.marketer.help: what it is for)
//	action.customer.update     an audit action
//	target.customer            an audit target type
//	actor.api_key              a kind of actor
//	job.lifecycle_recompute    a background job or subscriber that changes things by itself
type Terms = Messages

// Kinds of term, the first part of their keys.
const (
	TermPermission = "perm"
	TermArea       = "area"
	TermRole       = "role"
	TermAction     = "action"
	TermTarget     = "target"
	TermJob        = "job"
	TermActor      = "actor"
)

// TermKey is the key of code's term of kind: "perm.customers:read".
func TermKey(kind, code string) string { return kind + "." + code }

// mergeTerms puts every module's terms in one set, refusing a language the console does not
// speak and a key two modules define.
func mergeTerms(all []Terms) (Terms, error) {
	out := Terms{}
	owner := map[string]string{}
	for lang := range messages {
		out[lang] = map[string]string{}
	}
	for i, ts := range all {
		name := fmt.Sprintf("terms %d", i)
		for lang, keys := range ts {
			if _, ok := out[lang]; !ok {
				return nil, fmt.Errorf("console: %s: terms in %q, which the console does not speak", name, lang)
			}
			for k, s := range keys {
				if o, ok := owner[lang+" "+k]; ok {
					return nil, fmt.Errorf("console: %s: term %q is %s's already", name, k, o)
				}
				owner[lang+" "+k] = name
				out[lang][k] = s
			}
		}
	}
	return out, nil
}

// Term is the name of code, a code of kind (TermPermission, TermAction, ...), in the admin's
// language, as the module that owns the code named it; a code no module named shows as
// itself (tests keep every declared code named in both languages).
func (v *View) Term(kind, code string) string {
	s, _ := v.term(kind, code)
	return s
}

// TermOr is Term, or fallback when no module named code: a custom role shows its own name.
func (v *View) TermOr(kind, code, fallback string) string {
	if s, ok := v.term(kind, code); ok {
		return s
	}
	return fallback
}

// HasTerm reports whether a module named code.
func (v *View) HasTerm(kind, code string) bool {
	_, ok := v.term(kind, code)
	return ok
}

func (v *View) term(kind, code string) (string, bool) {
	if v == nil || v.srv == nil {
		return code, false
	}
	s, ok := v.srv.terms[v.Lang][TermKey(kind, code)]
	if !ok {
		return code, false
	}
	return s, true
}

// RoleName is a role's name in the admin's language: a built-in role's term, a custom role's
// own name.
func (v *View) RoleName(role string) string { return v.TermOr(TermRole, role, role) }

// PermissionArea is one area of the permission catalogue: the permissions of one resource
// (customers, webhooks, points), named.
type PermissionArea struct {
	// Area is the resource, e.g. "customers"; Name its name in the admin's language.
	Area, Name  string
	Permissions []PermissionTerm
}

// PermissionTerm is one permission with its name and what it allows.
type PermissionTerm struct {
	// Permission is the code, e.g. "customers:read", the value forms send.
	Permission, Name, Help string
}

// PermissionAreas is the permission catalogue grouped by area, in the order the areas'
// first permissions were registered, with the names the modules gave them, for role editors.
func (v *View) PermissionAreas() []PermissionArea {
	var out []PermissionArea
	for _, p := range access.Permissions() {
		area := p.Resource()
		i := slices.IndexFunc(out, func(a PermissionArea) bool { return a.Area == area })
		if i < 0 {
			out = append(out, PermissionArea{Area: area, Name: v.Term(TermArea, area)})
			i = len(out) - 1
		}
		help, ok := v.term(TermPermission, string(p)+".help")
		if !ok {
			help = ""
		}
		out[i].Permissions = append(out[i].Permissions, PermissionTerm{Permission: string(p), Name: v.Term(TermPermission, string(p)), Help: help})
	}
	return out
}

// TermOption is a code with its name, for pickers.
type TermOption struct{ Code, Name string }

// TermsOf is every code of kind some module named, by name in the admin's language, for
// pickers of enumerated values (the audit log's actions and target types). Keys with a
// further part (perm.x:y.help) are not codes of their own.
func (v *View) TermsOf(kind string) []TermOption {
	var out []TermOption
	if v == nil || v.srv == nil {
		return nil
	}
	prefix := kind + "."
	for k, name := range v.srv.terms[v.Lang] {
		code, ok := strings.CutPrefix(k, prefix)
		if !ok || strings.HasSuffix(code, ".help") {
			continue
		}
		out = append(out, TermOption{Code: code, Name: name})
	}
	slices.SortFunc(out, func(a, b TermOption) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Code, b.Code)) })
	return out
}
