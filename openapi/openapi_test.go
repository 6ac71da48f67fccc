// The committed OpenAPI document is what partners generate clients from: it must be exactly
// what the code serves.
package openapi_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/wire/web"
)

func TestCommittedDocumentMatchesTheCode(t *testing.T) {
	t.Parallel()
	generated, err := web.Document().YAML()
	require.NoError(t, err)
	committed, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)
	require.True(t, string(committed) == string(generated),
		"openapi/openapi.yaml is out of date with the code: run `make openapi` (go run ./cmd/engage openapi) and commit it")
}
