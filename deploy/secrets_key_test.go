package deploy

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/secretbox"
)

// The compose file's development master key must be one the binary accepts, or the stack
// would not start.
func TestComposeSecretsKeyParses(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)
	for _, name := range []string{"api", "worker"} {
		_, err := secretbox.ParseKeyring(c.Services[name].Environment["ENGAGE_SECRETS_KEY"])
		require.NoErrorf(t, err, "service %s", name)
	}
}
