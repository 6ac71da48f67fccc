package localpg

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestServerFilesMoveOutOfDirectoriesTheServerUserCannotReach(t *testing.T) {
	t.Parallel()
	open := t.TempDir()
	for _, d := range []string{filepath.Dir(open), open} {
		require.NoError(t, os.Chmod(d, 0o755))
	}
	private := filepath.Join(open, "home")
	require.NoError(t, os.Mkdir(private, 0o700))
	pg := &account{uid: 101, gid: 101}

	reachableDir := filepath.Join(open, ".engage")
	require.Equal(t, reachableDir, serverDir(reachableDir, pg))

	hidden := filepath.Join(private, "checkout", ".engage")
	moved := serverDir(hidden, pg)
	require.NotEqual(t, hidden, moved)
	require.Equal(t, moved, serverDir(hidden, pg), "the same checkout always maps to the same place")
	require.Equal(t, hidden, serverDir(hidden, nil), "an unprivileged caller keeps its own directory")
}

func TestQuoteLiteralEscapesQuotes(t *testing.T) {
	t.Parallel()
	require.Equal(t, `'it''s'`, quoteLiteral("it's"))
}
