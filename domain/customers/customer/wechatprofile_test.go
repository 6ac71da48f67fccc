package customer_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/fielderr"
)

func TestWeChatProfileTakesWeChatsCDNOnly(t *testing.T) {
	t.Parallel()
	nick, err := customer.CheckWeChatProfile("  小明 ", "https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132")
	require.NoError(t, err)
	require.Equal(t, "小明", nick)
	_, err = customer.CheckWeChatProfile("Ming", "https://mmbiz.qpic.cn/mmbiz_png/xyz/0")
	require.NoError(t, err)

	bad := []struct {
		name, nickname, avatar string
		fields                 []string
	}{
		{"empty nickname", " ", "https://thirdwx.qlogo.cn/a", []string{"nickname"}},
		{"long nickname", strings.Repeat("名", 65), "https://thirdwx.qlogo.cn/a", []string{"nickname"}},
		{"control character", "a\u0000b", "https://thirdwx.qlogo.cn/a", []string{"nickname"}},
		{"plain http", "Ming", "http://thirdwx.qlogo.cn/a", []string{"avatar_url"}},
		{"another host", "Ming", "https://evil.example.com/qlogo.cn/a", []string{"avatar_url"}},
		{"lookalike host", "Ming", "https://thirdwx.qlogo.cn.evil.com/a", []string{"avatar_url"}},
		{"suffix without dot", "Ming", "https://fakeqlogo.cn/a", []string{"avatar_url"}},
		{"credentials", "Ming", "https://user@thirdwx.qlogo.cn/a", []string{"avatar_url"}},
		{"temporary file", "Ming", "wxfile://tmp_abc.jpg", []string{"avatar_url"}},
		{"both", "", "", []string{"nickname", "avatar_url"}},
	}
	for _, tc := range bad {
		_, err := customer.CheckWeChatProfile(tc.nickname, tc.avatar)
		var got []string
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			got = append(got, e.(*fielderr.Error).Field)
		}
		require.Equal(t, tc.fields, got, tc.name)
	}
}
