package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestOverridePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	require.NoError(t, os.WriteFile(plain, []byte("not a program"), 0o644))
	program := filepath.Join(dir, "program")
	require.NoError(t, os.WriteFile(program, []byte("#!/bin/sh\n"), 0o755))
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)

	tests := []struct {
		name    string
		value   string
		want    string
		wantErr bool
	}{
		{name: "an executable file", value: program, want: program},
		{name: "a command on PATH", value: "sh", want: sh},
		{name: "a missing file", value: filepath.Join(dir, "missing"), wantErr: true},
		{name: "a file that is not executable", value: plain, wantErr: true},
		{name: "a directory", value: dir, wantErr: true},
		{name: "a command not on PATH", value: "no-such-browser-engage", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := overridePath(tc.value)
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestScreenshotName(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 23, 16, 40, 5, 123456789, time.UTC)
	require.Equal(t, "TestConsole_sign_in_as__admin_--failure--20261123-164005.123456789.png",
		screenshotName("TestConsole/sign in as \"admin\"", "failure", at))
	require.Equal(t, "TestX--20261123-164005.123456789.png", screenshotName("TestX", "", at))
	require.Len(t, safeName(string(make([]byte, 500))), 120)
}

func TestTailBuffer(t *testing.T) {
	t.Parallel()
	b := &tailBuffer{max: 5}
	_, _ = b.Write([]byte("abc"))
	_, _ = b.Write([]byte("defg"))
	require.Equal(t, "cdefg", b.String())
}
