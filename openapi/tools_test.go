package openapi_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	// The generated client's runtime; imported here so that go.mod keeps it.
	_ "github.com/oapi-codegen/runtime"
)

// run runs a command in the package's directory, failing the test with its output.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	require.NoErrorf(t, err, "%s %v:\n%s", name, args, out)
	return string(out)
}

// Partners generate clients from the committed document: a Go client from oapi-codegen (types
// and client) compiles.
func TestAGoClientGeneratedFromTheDocumentCompiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	client := filepath.Join(dir, "client.go")
	run(t, "go", "tool", "oapi-codegen", "-generate", "types,client", "-package", "openapi", "-o", client, "openapi.yaml")
	// Compile it as part of this package without writing it into the tree.
	here, err := filepath.Abs("client_gen.go")
	require.NoError(t, err)
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {here: client}})
	require.NoError(t, err)
	overlayFile := filepath.Join(dir, "overlay.json")
	require.NoError(t, os.WriteFile(overlayFile, overlay, 0o600))
	run(t, "go", "build", "-overlay", overlayFile, ".")
}

// The committed document passes a standard OpenAPI linter, Redocly CLI's recommended rules
// (openapi/redocly.yaml), with no warning left. make tools installs the CLI where node is.
func TestTheDocumentPassesRedoclysRecommendedRules(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("ENGAGE_DIR")
	if dir == "" {
		dir = "../.engage"
	}
	cli := filepath.Join(dir, "tools", "redocly", "node_modules", ".bin", "redocly")
	if _, err := os.Stat(cli); errors.Is(err, os.ErrNotExist) {
		if _, err := exec.LookPath("node"); err != nil {
			t.Skip("node is not installed, so Redocly CLI cannot lint the document (install Node.js 20.19+ or 22.12+, then make tools)")
		}
		t.Fatalf("Redocly CLI is not installed at %s: run make tools", cli)
	}
	out := run(t, cli, "lint", "--config", "redocly.yaml", "--max-problems", "50", "openapi.yaml")
	require.Contains(t, out, "Your API description is valid", out)
	require.NotRegexp(t, `You have \d+ warnings?`, out, "no warning left")
}
