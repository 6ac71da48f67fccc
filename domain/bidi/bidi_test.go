package bidi_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/bidi"
)

func TestDirectionControlsAreFoundAndOrdinaryTextIsNot(t *testing.T) {
	t.Parallel()
	for _, r := range []rune{0x200e, 0x200f, 0x061c, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069} {
		require.Truef(t, bidi.IsControl(r), "U+%04X", r)
		require.Truef(t, bidi.Contains("vip"+string(r)+"gpj.exe"), "U+%04X", r)
	}
	for _, s := range []string{"莲花茶饮", "VIP 会员", "Zoë", "مرحبا", "שלום", "a\u200db", "x\u2065y", "x\u2029y", ""} {
		require.Falsef(t, bidi.Contains(s), "%q", s)
	}
}
