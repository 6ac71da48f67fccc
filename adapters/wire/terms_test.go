package wire_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/domain/access"
)

// languages are the console's.
var languages = []string{"zh-CN", "en"}

// TestEveryModuleNamesItsPermissions reads the module list: each module names each of its
// permissions, with a short description, and the permission's area in its own Terms, in
// both languages, so that no role page shows a code. The built-in roles are named too.
func TestEveryModuleNamesItsPermissions(t *testing.T) {
	all := map[string]map[string]string{}
	for _, lang := range languages {
		all[lang] = map[string]string{}
	}
	for _, m := range wire.Modules() {
		for _, lang := range languages {
			for k, v := range m.Terms[lang] {
				all[lang][k] = v
			}
		}
		for _, p := range m.Permissions {
			for _, lang := range languages {
				for _, key := range []string{console.TermKey(console.TermPermission, string(p)), console.TermKey(console.TermPermission, string(p)) + ".help"} {
					assert.NotEmptyf(t, m.Terms[lang][key], "module %s does not name %s in %s (%s)", m.Name, p, lang, key)
				}
			}
		}
	}
	for _, p := range access.Permissions() {
		for _, lang := range languages {
			assert.NotEmptyf(t, all[lang][console.TermKey(console.TermArea, p.Resource())], "no module names the area %s in %s", p.Resource(), lang)
		}
	}
	for _, r := range access.BuiltinRoles {
		for _, lang := range languages {
			assert.NotEmptyf(t, all[lang][console.TermKey(console.TermRole, r.String())], "role %s has no name in %s", r, lang)
		}
	}
}

// auditAction finds the actions the application audits: `Action: "x.y"`, an action assigned
// as `.Action, ... = "x.y"`, and those handed to a service's change helper.
var auditAction = regexp.MustCompile(`(?:Action:\s*|\.Action(?:,\s*\w+\.\w+)?\s*=\s*|\.change\(ctx,[^"\n]*)"([a-z_]+\.[a-z_]+)"`)

// TestEveryAuditedActionIsNamed reads the application's source for the actions it audits
// (and the target types), and requires a term for each in both languages, so that the audit
// log names every change it shows.
func TestEveryAuditedActionIsNamed(t *testing.T) {
	all := map[string]map[string]string{"zh-CN": {}, "en": {}}
	for _, m := range wire.Modules() {
		for _, lang := range languages {
			for k, v := range m.Terms[lang] {
				all[lang][k] = v
			}
		}
	}
	targetType := regexp.MustCompile(`TargetType:\s*"([a-z_]+)"`)
	actions, targets := map[string]string{}, map[string]string{}
	root := filepath.Join("..", "..", "application")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range auditAction.FindAllSubmatch(src, -1) {
			actions[string(m[1])] = path
		}
		for _, m := range targetType.FindAllSubmatch(src, -1) {
			targets[string(m[1])] = path
		}
		return nil
	})
	require.NoError(t, err)
	require.Contains(t, actions, "customer.update", "the scan finds no audited actions")
	require.Contains(t, actions, "tenant.suspend", "the scan misses actions handed to change helpers")
	for a, path := range actions {
		for _, lang := range languages {
			assert.NotEmptyf(t, all[lang][console.TermKey(console.TermAction, a)], "%s audits %s, which no module names in %s", path, a, lang)
		}
	}
	for tt, path := range targets {
		for _, lang := range languages {
			assert.NotEmptyf(t, all[lang][console.TermKey(console.TermTarget, tt)], "%s audits targets of type %s, which no module names in %s", path, tt, lang)
		}
	}
}
